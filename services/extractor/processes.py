"""Extraction in child processes, beside the extractor worker's event loop.

A Python process runs one thread of Python at a time. In the worker's own
process, extraction would hold the event loop for a whole batch, and every
fetch, send and acknowledgement would take its turn on the same core. With
``PARLEY_EXTRACT_PROCESSES`` at 1 or more, batches are extracted in that many
child processes, so the Kafka and Faust work of one batch runs while the next
is extracted. A child runs ``extract`` and nothing else: the worker checks the
articles before and builds the messages after (``handling.py``), as a child's
time is what a worker's throughput is made of. The children are started with
``spawn``: the worker has threads (its Kafka consumer's), which a forked child
would inherit in whatever state they were in.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from services.common.cpus import pin_this_process
from services.common.heap import collect_and_freeze
from services.extractor.handling import (
    Article,
    CheckedBatch,
    Extracted,
    Failure,
    Job,
    Message,
    batch_messages,
    check_articles,
    extract_jobs,
    load_reference_data,
)

log = logging.getLogger(__name__)


class ExtractionProcesses:
    """Handles batches of articles in ``count`` child processes, or inline when 0.

    A slice of a batch that runs past ``timeout_s`` (an article that ``extract``
    cannot finish) has its processes killed and new ones started; its articles
    are then extracted one by one, each with the same deadline, and one that
    runs past it again becomes a dead letter instead of stalling the stream (a
    restarted worker would replay it and stall again). Inline, nothing can
    stop ``extract``, and there is no deadline.
    """

    def __init__(self, count: int, max_article_bytes: int,
                 cpus: frozenset[int] = frozenset(), timeout_s: float = 0.0,
                 work: Callable[[list[Job]], list[Extracted]] = extract_jobs) -> None:
        if count < 0:
            raise ValueError(f"PARLEY_EXTRACT_PROCESSES={count}: use 0 or more")
        self.count = count
        self.max_article_bytes = max_article_bytes
        self.timeout_s = timeout_s
        self.restarts = 0  # pools replaced after a deadline was passed
        self._cpus = cpus
        self._work = work  # module-level, so that a child can import it
        self._pool: ProcessPoolExecutor | None = self._new_pool() if count else None
        self._in_flight: list[asyncio.Future[list[Extracted]]] = []  # of this pool, in order

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.count, multiprocessing.get_context("spawn"),
                                   initializer=_start_child, initargs=(self._cpus,))

    def warm_up(self) -> None:
        """Start every child and load its reference data, before the first batch (inline,
        the worker has loaded it when its app was built)."""
        if self._pool is None:
            return
        for future in [self._pool.submit(extract_jobs, []) for _ in range(self.count)]:
            future.result()

    def handle(self, articles: list[Article]) -> Awaitable[list[Message]]:
        """The batch's messages, in its order; the work has begun when this returns.

        The batch is checked here, and its messages built here once its articles are
        extracted: the extraction processes only extract."""
        batch = check_articles(articles, self.max_article_bytes)
        if self._pool is None or not batch.jobs:
            done = asyncio.get_running_loop().create_future()
            done.set_result(batch_messages(batch, extract_jobs(batch.jobs)))
            return done
        size = -(-len(batch.jobs) // self.count)  # the jobs in at most `count` slices
        slices = [batch.jobs[i:i + size] for i in range(0, len(batch.jobs), size)]
        return self._messages(batch, [(jobs, self._submit(jobs)) for jobs in slices])

    async def _messages(self, batch: CheckedBatch,
                        started: list[tuple[list[Job], Submitted]]) -> list[Message]:
        parts = await asyncio.gather(*(self._extracted(jobs, submitted)
                                       for jobs, submitted in started))
        return batch_messages(batch, [result for part in parts for result in part])

    async def _extracted(self, jobs: list[Job], submitted: Submitted) -> list[Extracted]:
        results = await self._run(jobs, submitted)
        if results is not None:
            return results
        log.warning("%d articles ran past PARLEY_EXTRACT_TIMEOUT_S=%g: extracting them one "
                    "by one", len(jobs), self.timeout_s)
        late = Failure("TimeoutError", f"extract() took longer than {self.timeout_s:g} s "
                                       "(PARLEY_EXTRACT_TIMEOUT_S)")
        one_by_one = [await self._run([job]) for job in jobs]
        return [one[0] if one is not None else late for one in one_by_one]

    async def _run(self, jobs: list[Job], submitted: Submitted | None = None
                   ) -> list[Extracted] | None:
        """What the jobs gave; None if they ran past the deadline (the pool is renewed)."""
        while True:
            pool, future = submitted or self._submit(jobs)
            submitted = None
            try:
                if self.timeout_s:
                    await self._started(future)
                return await asyncio.wait_for(future, self.timeout_s or None)
            except TimeoutError:
                self._renew(pool)
                return None
            except BrokenProcessPool:
                if pool is self._pool:
                    raise  # a child died by itself: the worker stops, as before
                # The pool was renewed for another slice's stuck article: run these again.

    def _submit(self, jobs: list[Job]) -> Submitted:
        assert self._pool is not None
        future = asyncio.wrap_future(self._pool.submit(self._work, jobs))
        self._in_flight.append(future)
        return self._pool, future

    async def _started(self, future: asyncio.Future[list[Extracted]]) -> None:
        """Until a process works on ``future``: the pool runs its work in the order given,
        so when fewer than ``count`` given before it are unfinished. Its deadline counts
        from then, not from a wait behind a stuck slice."""
        while not future.done():
            self._in_flight = [f for f in self._in_flight if not f.done()]
            if future not in self._in_flight:  # of a pool renewed since: it breaks now
                return
            ahead = self._in_flight[:self._in_flight.index(future)]
            if len(ahead) < self.count:
                return
            await asyncio.wait([*ahead, future], return_when=asyncio.FIRST_COMPLETED)

    def _renew(self, pool: ProcessPoolExecutor) -> None:
        """Kill the processes of ``pool`` and start new ones, unless done already."""
        if pool is not self._pool:
            return
        for process in list(pool._processes.values()):  # no public way to reach them
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()
        self._in_flight = []
        self.restarts += 1

    def pids(self) -> list[int]:
        """The child processes running now (the executor has no public way to tell)."""
        return sorted(self._pool._processes) if self._pool is not None else []

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


Submitted = tuple[ProcessPoolExecutor, "asyncio.Future[list[Extracted]]"]


def _start_child(cpus: frozenset[int]) -> None:
    # A stop signal for the worker's process group reaches the children too; the
    # worker ends them itself once it has finished (or given up) its batches.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    pin_this_process(cpus)
    _exit_with(os.getppid())
    load_reference_data()
    collect_and_freeze()  # the child holds little else than the reference data


def _exit_with(parent: int, every: float = 0.5) -> None:
    """End this process once ``parent`` has: a worker killed outright cannot shut its
    pool down, and the child would wait for work for ever."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-the-worker", daemon=True).start()
