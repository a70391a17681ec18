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
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Awaitable
from concurrent.futures import ProcessPoolExecutor

from services.common.cpus import pin_this_process
from services.common.heap import collect_and_freeze
from services.extractor.handling import (
    Article,
    CheckedBatch,
    Extracted,
    Message,
    batch_messages,
    check_articles,
    extract_jobs,
    load_reference_data,
)


class ExtractionProcesses:
    """Handles batches of articles in ``count`` child processes, or inline when 0."""

    def __init__(self, count: int, max_article_bytes: int,
                 cpus: frozenset[int] = frozenset()) -> None:
        if count < 0:
            raise ValueError(f"PARLEY_EXTRACT_PROCESSES={count}: use 0 or more")
        self.count = count
        self.max_article_bytes = max_article_bytes
        self._pool: ProcessPoolExecutor | None = None
        if count:
            self._pool = ProcessPoolExecutor(count, multiprocessing.get_context("spawn"),
                                             initializer=_start_child, initargs=(cpus,))

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
        return _messages(batch, [asyncio.wrap_future(self._pool.submit(
            extract_jobs, batch.jobs[i:i + size])) for i in range(0, len(batch.jobs), size)])

    def pids(self) -> list[int]:
        """The child processes running now (the executor has no public way to tell)."""
        return sorted(self._pool._processes) if self._pool is not None else []

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


async def _messages(batch: CheckedBatch,
                    parts: list[asyncio.Future[list[Extracted]]]) -> list[Message]:
    return batch_messages(batch, [result for part in await asyncio.gather(*parts)
                                  for result in part])


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
