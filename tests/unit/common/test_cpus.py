"""PARLEY_CPUS and PARLEY_EXTRACT_CPUS: CPU lists, and pinning every thread of a process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from services.common.cpus import parse_cpus
from services.common.settings import Settings
from services.extractor.processes import ExtractionProcesses

USABLE = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
linux_only = pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux affinity")


@pytest.mark.parametrize(("text", "cpus"), [("", set()), ("0", {0}), (" 0 , 0-0 ", {0})])
def test_a_cpu_list_is_read_as_linux_writes_it(text: str, cpus: set[int]) -> None:
    assert parse_cpus(text, "PARLEY_CPUS") == cpus


def test_ranges_and_lists_together() -> None:
    if len(USABLE) < 2:
        pytest.skip("one CPU here")
    first, second = USABLE[:2]
    assert parse_cpus(f"{first},{first}-{second}", "X") == set(range(first, second + 1))


@pytest.mark.parametrize(("text", "says"), [("one", "not a CPU list"), ("3-1", "not a range"),
                                            ("-1", "not a CPU list")])
def test_a_bad_list_is_refused_naming_the_setting(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=f"PARLEY_EXTRACT_CPUS='{text}': .*{says}"):
        parse_cpus(text, "PARLEY_EXTRACT_CPUS")


def test_a_cpu_the_machine_has_not_is_refused() -> None:
    with pytest.raises(ValueError, match="this machine has CPUs"):
        parse_cpus(str(os.cpu_count()), "PARLEY_CPUS")


def test_settings_read_both_lists() -> None:
    settings = Settings(cpus=str(USABLE[-1]), extract_cpus="")
    assert (settings.worker_cpus, settings.extraction_cpus) == ({USABLE[-1]}, set())
    with pytest.raises(ValueError, match="PARLEY_CPUS"):
        _ = Settings(cpus="x").worker_cpus


@linux_only
def test_every_thread_is_pinned_also_those_started_before() -> None:
    # In a process of its own: pinning this one would pin the rest of the test run.
    script = textwrap.dedent(f"""
        import os, threading
        from services.common.cpus import pin_this_process
        started = threading.Event(); go_on = threading.Event(); seen = []
        def early():
            started.set(); go_on.wait(); seen.append(os.sched_getaffinity(0))
        thread = threading.Thread(target=early); thread.start(); started.wait()
        pin_this_process(frozenset({{{USABLE[-1]}}}))
        go_on.set(); thread.join()
        later = []
        threading.Thread(target=lambda: later.append(os.sched_getaffinity(0))).start()
        print(sorted(os.sched_getaffinity(0)), sorted(seen[0]), sorted(later[0]) if later else None)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[3])
    assert out.stdout.split("] ")[0] == f"[{USABLE[-1]}"
    assert out.stdout.count(f"[{USABLE[-1]}]") == 3, out.stdout


@linux_only
def test_extraction_processes_run_on_their_cpus() -> None:
    extraction = ExtractionProcesses(1, 100_000, frozenset({USABLE[0]}))
    try:
        extraction.warm_up()
        [pid] = extraction.pids()
        threads = os.listdir(f"/proc/{pid}/task")
        assert len(threads) >= 2  # the process and its watcher of the worker
        assert all(os.sched_getaffinity(int(t)) == {USABLE[0]} for t in threads)
    finally:
        extraction.close()
