"""Keeping CPython's cyclic garbage collector off the long-lived heap of a worker.

A full collection scans every object the collector tracks and holds the GIL
throughout. With ``memory://`` tables the rows are Python objects, about 16
tracked per event held, and a full collection takes about 10 ms per 1,000
events held: some 10 s for a million, which CPython starts again each time the
heap has grown by a quarter. Table rows never form reference cycles, so the
collector has nothing to find among them.

With ``PARLEY_GC_FREEZE_S`` set, every that many seconds, between two batches,
``HeapFreezer`` collects what is garbage now, then freezes what is left
(``gc.freeze``): later collections scan only what was made since. The price,
and why it is off by default: whatever is alive at a freeze and later dies
inside a reference cycle is never collected. Other agents' batches, fetches
and sends are in flight at that moment; one that fails later leaves a cycle
(future, exception, traceback, frame) behind. ``rocksdb://`` keeps the rows
out of the heap instead, and needs none of this.

What a worker holds when it starts (modules, the extractor's reference data,
the app) lives as long as the process, and nothing is in flight yet to leave a
cycle behind: every worker freezes it before it starts, whatever
``PARLEY_GC_FREEZE_S`` says.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class HeapFreezer:
    """Freezes the heap every ``interval`` seconds (0: never), when asked between batches."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self.last = clock()
        self.freezes = 0

    def between_batches(self) -> None:
        if self.interval <= 0 or self.clock() - self.last < self.interval:
            return
        began = time.perf_counter()
        collect_and_freeze()  # the garbage made since the last freeze is not frozen
        self.freezes += 1
        self.last = self.clock()
        log.info("heap frozen in %.0f ms: %d objects out of the collector's scans",
                 1000 * (time.perf_counter() - began), gc.get_freeze_count())


def collect_and_freeze() -> int:
    """Collect the garbage, then freeze what is left; the number of objects frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


_FREEZERS: dict[float, HeapFreezer] = {}


def process_freezer(interval: float) -> HeapFreezer:
    """The freezer of this process: the heap is the process's, whichever agent asks."""
    if interval not in _FREEZERS:
        _FREEZERS[interval] = HeapFreezer(interval)
    return _FREEZERS[interval]
