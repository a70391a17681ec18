"""Corrections to faust-streaming (0.15.3) that at-least-once processing needs.

Each was found by reading Faust's code after a crash test lost data, or in a
review; each is applied when this module is imported (``faust_app`` imports it):

- the table-write buffer's flush waits for every write queued before it (Parley's
  own batches bypass that buffer: ``sending.py``);
- every output and table write is checked as delivered before a commit
  (``DELIVERIES``), and a refused one stops the worker uncommitted (``fail_stop``);
- only acknowledgements made by Parley's batch loop count (``acking_handled``);
- memory-store rows remember their partition from the write on, so a revoke
  drops them;
- the consumer's fetch size and wait come from Parley's settings.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any, NoReturn

from faust.stores.memory import Store as MemoryStore
from faust.streams import current_event
from faust.transport.consumer import Consumer
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread
from faust.transport.drivers.aiokafka import Producer as FaustProducer
from faust.transport.producer import ProducerBuffer
from faust.types import Message

log = logging.getLogger(__name__)
EXIT_FAILED_BATCH = 70  # EX_SOFTWARE: the supervisor restarts the worker


def fail_stop(what: str, exc: BaseException | None = None) -> NoReturn:
    """Exit the worker now, committing nothing more, so that a restart replays the work.

    A graceful stop would commit the offsets acknowledged so far, and Faust may
    consider a later acknowledgement enough to commit past a message that was
    never handled; exiting at once keeps every uncommitted message for the restart.
    """
    log.critical("%s; exiting without committing, a restart replays it", what, exc_info=exc)
    logging.shutdown()
    os._exit(EXIT_FAILED_BATCH)


_put = ProducerBuffer.put
_send_pending = ProducerBuffer._send_pending


def _put_counted(buffer: ProducerBuffer, fut: Any) -> None:
    buffer.queued = getattr(buffer, "queued", 0) + 1  # type: ignore[attr-defined]
    _put(buffer, fut)


async def _send_counted(buffer: ProducerBuffer, fut: Any) -> None:
    await _send_pending(buffer, fut)
    buffer.sent = getattr(buffer, "sent", 0) + 1  # type: ignore[attr-defined]
    DELIVERIES.track(fut)  # a table write: checked before a commit like any output


async def _flush_completely(buffer: ProducerBuffer) -> None:
    """Hand every table write queued so far to the producer before an offset commit.

    faust-streaming's ``ProducerBuffer.flush`` returns as soon as one message
    takes longer than 0.1 s, with changelog writes still queued; the offset
    commit that follows would then cover writes that a crash loses (seen as a
    missing row after SIGKILL under load). Waiting for the writes queued before
    the flush began (not for an empty buffer, which never comes under steady
    load) keeps at-least-once intact; the producer's own flush, which follows,
    waits for the broker's acknowledgements.
    """
    target = getattr(buffer, "queued", 0)
    while getattr(buffer, "sent", 0) < target:
        if buffer.state != "running":
            raise RuntimeError("cannot flush: the producer is not running")
        buffer.message_sent.clear()
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(buffer.message_sent.wait(), timeout=0.1)


ProducerBuffer.flush = _flush_completely  # type: ignore[method-assign]
ProducerBuffer.put = _put_counted  # type: ignore[method-assign]
ProducerBuffer._send_pending = _send_counted  # type: ignore[method-assign]
# Table writes made with ``table[key] = value`` queue here (Parley's batches send
# their rows themselves: sending.py); past this size Faust pauses the stream, and
# logs a warning, on every message.
ProducerBuffer.max_messages = 10_000


_ACKING_HANDLED: ContextVar[bool] = ContextVar("parley_acking_handled", default=False)
_consumer_ack = Consumer.ack


@contextmanager
def acking_handled() -> Iterator[None]:
    """Acknowledgements made in this block count: their messages were handled."""
    token = _ACKING_HANDLED.set(True)
    try:
        yield
    finally:
        _ACKING_HANDLED.reset(token)


def _ack_if_handled(consumer: Consumer, message: Message) -> bool:
    """Count an acknowledgement only when a Parley batch loop handled the message.

    Faust's pure-Python stream iterator (used when its Cython build is missing)
    acknowledges the messages it skips during a rebalance (flow control paused,
    or fetched in the previous generation), "so that the lag does not grow".
    Those offsets were never handled, yet the next run of acknowledgements
    would close over them and commit them; a crash before they are read again
    would lose them. Left unacknowledged, they are read again from the committed
    offset once the rebalance is over.
    """
    if not _ACKING_HANDLED.get():
        return False
    return _consumer_ack(consumer, message)


Consumer.ack = _ack_if_handled  # type: ignore[method-assign]

_memory_set = MemoryStore.__setitem__
_memory_del = MemoryStore.__delitem__


def _set_with_partition(store: MemoryStore, key: Any, value: Any) -> None:
    """Set a row and remember its partition, as Faust does only for recovered rows.

    After a rebalance Faust drops the rows of partitions this worker no longer
    owns, but only those it knows the partition of: rows written here would stay
    (memory grows, and if the partition comes back after its tombstones were
    compacted away, a deleted row would count again).
    """
    _memory_set(store, key, value)
    event = current_event()
    if event is not None:
        store._key_partition[key] = event.message.partition


def _del_with_partition(store: MemoryStore, key: Any) -> None:
    _memory_del(store, key)
    store._key_partition.pop(key, None)


MemoryStore.__setitem__ = _set_with_partition  # type: ignore[method-assign]
MemoryStore.__delitem__ = _del_with_partition  # type: ignore[method-assign]

_create_worker_consumer = AIOKafkaConsumerThread._create_worker_consumer


def _worker_consumer_with_fetch_settings(thread: AIOKafkaConsumerThread, transport: Any) -> Any:
    """Faust's consumer, fetching as the app's Parley settings say.

    Faust passes neither setting on: it fixes the wait at 1.5 s and leaves
    aiokafka's minimum of one byte. The wait matters under load: aiokafka has one
    fetch in flight per broker, and a partition whose fetched records are still
    being handled is left out of it, so a fetch sent while only idle partitions
    (another topic of the worker) could be asked sits at the broker for the whole
    wait, and the busy partitions are not fetched meanwhile. At 1.5 s every agent
    of the aggregator stood still for 1.2-1.5 s at a time during a backfill.
    """
    consumer = _create_worker_consumer(thread, transport)
    settings = getattr(thread.app, "parley_settings", None)
    if settings is not None:
        consumer._fetch_min_bytes = settings.fetch_min_bytes
        consumer._fetch_max_wait_ms = settings.fetch_max_wait_ms
    return consumer


AIOKafkaConsumerThread._create_worker_consumer = _worker_consumer_with_fetch_settings  # type: ignore[method-assign]



class Deliveries:
    """Messages handed to the producer and not yet acknowledged by the broker, and failures.

    aiokafka reports a message the broker refused (after its retries) only on
    the message's future, which nobody awaits, and Faust only logs a refused
    table write; unchecked, the commit that follows the flush would cover a
    message that is not on the broker.
    """

    def __init__(self) -> None:
        self.pending: set[asyncio.Future[Any]] = set()

    def track(self, delivery: Any) -> None:
        self.pending.add(delivery)
        delivery.add_done_callback(self.delivered)

    def delivered(self, delivery: asyncio.Future[Any]) -> None:
        if not _failure(delivery):
            self.pending.discard(delivery)

    async def settle(self, sent: set[asyncio.Future[Any]], timeout: float) -> None:
        """Wait for messages the producer's flush has sent to be resolved.

        A table write's future is resolved by a callback of the producer's own
        future, so it can still be open just after the flush returned.
        """
        open_ = [d for d in sent if not d.done()]
        if open_:
            await asyncio.wait(open_, timeout=timeout)

    def check(self) -> None:
        """Fail-stop if a message sent so far was refused; forget those delivered."""
        done = {d for d in self.pending if d.done()}
        failed = [error for d in done if (error := _failure(d))]
        if failed:
            fail_stop(f"the broker refused {len(failed)} message(s)", failed[0])
        self.pending -= done


def _failure(delivery: asyncio.Future[Any]) -> BaseException | None:
    if delivery.cancelled():
        return asyncio.CancelledError("the message was cancelled before delivery")
    return delivery.exception()


DELIVERIES = Deliveries()
SETTLE_SECONDS = 5.0  # the producer has flushed: only callbacks are left to run
_producer_flush = FaustProducer.flush


async def _flush_and_check(producer: FaustProducer) -> None:
    sent = set(DELIVERIES.pending)  # all of these the flush sends; later ones it need not
    await _producer_flush(producer)
    await DELIVERIES.settle(sent, timeout=SETTLE_SECONDS)
    DELIVERIES.check()


FaustProducer.flush = _flush_and_check  # type: ignore[method-assign]
