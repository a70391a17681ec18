"""CPU affinity: cores of their own for the extraction processes.

An extraction process is what limits an extractor worker's throughput, and it
needs one core all the time. On a small machine the broker, the aggregator and
the worker's own Kafka work come in bursts (a batch's messages go out, are
fetched, aggregated, written to changelogs), and in each burst the scheduler
lets some of them take the extraction process's core: on 2 cores it waited for
a core 5-11% of its time (``bench.pipeline``). Kafka users pin such work with
``taskset`` or a container's cpuset; these settings do it from Parley's own
configuration:

``PARLEY_EXTRACT_CPUS``  the CPUs the extraction processes run on;
``PARLEY_CPUS``          the CPUs every other Parley process runs on (workers,
                         ``parley ingest``, and the broker Parley starts, unless
                         ``PARLEY_KAFKA_CPUS`` says otherwise).

Both take a Linux CPU list (``0``, ``1-3``, ``0,2``); empty, the default, leaves
the choice to the operating system.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

_RANGE = re.compile(r"([0-9]+)(?:-([0-9]+))?")
# Where Linux says which CPUs a process of this container (cgroup v2), else of this
# machine, may be given: a cpuset-limited container must not be promised others.
_ALLOWED = (Path("/sys/fs/cgroup/cpuset.cpus.effective"), Path("/sys/devices/system/cpu/online"))


def parse_cpus(text: str, setting: str) -> frozenset[int]:
    """The CPUs of a list such as ``0,2-3``; empty for an empty text (no pinning).
    Raises ValueError, naming ``setting``, for a bad list or a CPU that cannot be had."""
    cpus = _cpu_set(text, setting)
    if cpus and not hasattr(os, "sched_setaffinity"):
        raise ValueError(f"{setting}={text!r}: CPU affinity is not supported on this system")
    allowed = allowed_cpus()
    if not cpus <= allowed:
        raise ValueError(f"{setting}={text!r}: CPU {cpu_list(cpus - allowed)} cannot be "
                         f"used here; these can: {cpu_list(allowed)}")
    return cpus


def _cpu_set(text: str, setting: str) -> frozenset[int]:
    cpus: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        matched = _RANGE.fullmatch(part)
        if matched is None:
            raise ValueError(f"{setting}={text!r}: not a CPU list such as 1 or 0,2-3")
        low, high = int(matched[1]), int(matched[2] or matched[1])
        if high < low:
            raise ValueError(f"{setting}={text!r}: {part!r} is not a range of CPUs")
        cpus.update(range(low, high + 1))
    return frozenset(cpus)


def allowed_cpus() -> frozenset[int]:
    """The CPUs a process here may be pinned to: its container's cpuset, else those online."""
    for source in _ALLOWED:
        try:
            listed = _cpu_set(source.read_text().strip(), str(source))
        except (OSError, ValueError):
            continue
        if listed:
            return listed
    return frozenset(range(os.cpu_count() or 1))


def pin_this_process(cpus: frozenset[int]) -> None:
    """Run every thread of this process (and what it starts later) on ``cpus``."""
    if not cpus:
        return
    if not hasattr(os, "sched_setaffinity"):
        raise ValueError("CPU affinity is not supported on this operating system")
    for thread in _threads():
        try:
            os.sched_setaffinity(thread, cpus)
        except ProcessLookupError:  # the thread ended meanwhile
            continue
        except OSError as exc:  # a CPU outside the cpuset of this container, say
            raise ValueError(f"cannot run on CPUs {cpu_list(cpus)}: {exc}") from None


def _threads() -> Iterable[int]:
    try:
        return [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:  # no /proc: the calling thread, which later threads inherit from
        return [0]


def cpu_list(cpus: Iterable[int]) -> str:
    return ",".join(str(c) for c in sorted(cpus))
