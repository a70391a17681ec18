"""PARLEY_CPUS and PARLEY_EXTRACT_CPUS: CPU lists, and pinning every thread of a process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from services.common import cpus
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


def test_a_cpu_that_cannot_be_had_is_refused() -> None:
    with pytest.raises(ValueError, match="PARLEY_CPUS='4096': CPU 4096 cannot be used here"):
        parse_cpus("4096", "PARLEY_CPUS")


@pytest.mark.parametrize("text", ["1_0", "+1", "١"])  # int() would take each of them
def test_only_plain_digits_make_a_cpu(text: str) -> None:
    with pytest.raises(ValueError, match="not a CPU list"):
        parse_cpus(text, "PARLEY_CPUS")


def test_a_container_cpuset_limits_the_cpus(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    cpuset = tmp_path / "cpuset.cpus.effective"
    cpuset.write_text("2-3,6\n")
    monkeypatch.setattr(cpus, "_ALLOWED", (cpuset, tmp_path / "online"))
    assert cpus.allowed_cpus() == {2, 3, 6}
    with pytest.raises(ValueError, match="CPU 0 cannot be used here; these can: 2,3,6"):
        parse_cpus("0", "PARLEY_CPUS")


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
        late = threading.Thread(target=lambda: later.append(os.sched_getaffinity(0)))
        late.start(); late.join()
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
