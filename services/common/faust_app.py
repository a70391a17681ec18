"""The Faust application each Parley worker runs, configured from ``Settings``.

Each service is its own Faust app (its own consumer group), so the extractor
and the aggregator scale out independently and meet only at topics.
"""

from __future__ import annotations

import asyncio
import logging
import os
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any, NoReturn

import faust
from faust.stores.memory import Store as MemoryStore
from faust.streams import _current_event, current_event
from faust.transport.consumer import Consumer
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread
from faust.transport.drivers.aiokafka import Producer as FaustProducer
from faust.transport.producer import ProducerBuffer
from faust.types import EventT, Message

from services.common.kafka import MAX_MESSAGE_BYTES
from services.common.settings import Settings

log = logging.getLogger(__name__)
EXIT_FAILED_BATCH = 70  # EX_SOFTWARE: the supervisor restarts the worker
_put = ProducerBuffer.put
_send_pending = ProducerBuffer._send_pending


def _put_counted(buffer: ProducerBuffer, fut: Any) -> None:
    buffer.queued = getattr(buffer, "queued", 0) + 1  # type: ignore[attr-defined]
    _put(buffer, fut)


async def _send_counted(buffer: ProducerBuffer, fut: Any) -> None:
    await _send_pending(buffer, fut)
    buffer.sent = getattr(buffer, "sent", 0) + 1  # type: ignore[attr-defined]
    _DELIVERIES.track(fut)  # a table write: checked before a commit like any output


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
# Table writes queue here; past this size Faust pauses the stream (and logs a
# warning) on every message. Batches write a few hundred rows at once.
ProducerBuffer.max_messages = 10_000


_ACKING_HANDLED: ContextVar[bool] = ContextVar("parley_acking_handled", default=False)
_consumer_ack = Consumer.ack


def _ack_if_handled(consumer: Consumer, message: Message) -> bool:
    """Count an acknowledgement only when a Parley batch loop handled the message.

    Faust's stream iterator also acknowledges the messages it skips during a
    rebalance (flow control paused, or fetched in the previous generation), "so
    that the lag does not grow". Those offsets were never handled, yet the next
    run of acknowledgements closes over them and they are committed; a crash
    before they are read again loses them. Left unacknowledged, they are read
    again from the committed offset once the rebalance is over.
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

    Faust passes neither setting on (it fixes the wait at 1.5 s and leaves
    aiokafka's minimum of one byte), so under load every fetch comes back with
    a handful of messages and costs the broker and the worker a request each.
    """
    consumer = _create_worker_consumer(thread, transport)
    settings = getattr(thread.app, "parley_settings", None)
    if settings is not None:
        consumer._fetch_min_bytes = settings.fetch_min_bytes
        consumer._fetch_max_wait_ms = settings.fetch_max_wait_ms
    return consumer


AIOKafkaConsumerThread._create_worker_consumer = _worker_consumer_with_fetch_settings  # type: ignore[method-assign]


def make_app(service: str, settings: Settings, *, web_port: int,
             **overrides: Any) -> faust.App:
    """A Faust app named ``<prefix>-<service>`` on the configured broker."""
    app_id = f"{settings.app_prefix}-{service}"
    datadir = settings.data_dir / "workers" / f"{app_id}-{web_port}"
    datadir.parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
        "broker": f"kafka://{settings.bootstrap.replace(',', ';kafka://')}",
        "store": settings.store,
        "datadir": str(datadir),
        "web_port": web_port,
        "web_host": settings.advertised_host,
        "web_bind": settings.web_host,
        # The URL other workers forward queries to: must be reachable from them.
        "canonical_url": f"http://{settings.advertised_host}:{web_port}",
        "topic_partitions": settings.partitions,
        "topic_replication_factor": settings.replication_factor,
        "topic_allow_declare": True,
        "processing_guarantee": "at_least_once",
        "consumer_auto_offset_reset": "earliest",
        "producer_max_request_size": MAX_MESSAGE_BYTES,
        "consumer_max_fetch_size": MAX_MESSAGE_BYTES,
        "producer_linger": settings.producer_linger_ms / 1000,
        "producer_max_batch_size": 1_048_576,
        # Faust commits inline in its fetch loop every N acks, stopping every agent's
        # intake while the producer flushes; the interval commit runs beside it.
        "broker_commit_every": 1_000_000,
        "broker_commit_interval": 1.0,
        "table_standby_replicas": 0,
        # The flush before a commit counts the table writes its buffer sends
        # (_send_counted); a threaded producer would bypass that.
        "producer_threaded": False,
        "autodiscover": False,
        "web_cors_options": None,
    }
    options.update(overrides)
    app = faust.App(app_id, **options)
    app.parley_settings = settings  # type: ignore[attr-defined]
    return app


def raw_topic(app: faust.App, name: str, **options: Any) -> faust.TopicT:
    """A topic whose keys and values Parley (de)serialises itself, with orjson."""
    return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw",
                     value_serializer="raw", **options)


Outgoing = Sequence[tuple[str, bytes | None, bytes]]  # (topic, key, value)


async def process_in_batches(app: faust.App, stream: faust.StreamT, settings: Settings,
                             handle: Callable[[list[list[EventT]]], Outgoing]) -> None:
    """Run ``handle`` on the stream batch by batch, send what it returns, then ack the batch.

    ``handle`` gets each batch split into runs of one partition, in offset order.
    A batch is acknowledged only after its messages went to the producer, and
    only if nothing failed: Faust's ``take_events`` acknowledges a batch even
    when the loop body raised or was cancelled, and a restarted agent goes on
    after the failed batch, so either way the batch's offsets could be
    committed unprocessed. A failed batch therefore stops the worker at once
    (``fail_stop``): its offsets stay uncommitted and a restarted worker replays it.
    """
    try:
        async for events in stream.noack_take(settings.batch_size, settings.batch_ms / 1000):
            try:
                await send_all(app, handle(partition_runs(events)))
            except Exception as exc:  # systemic: per-message errors are handled inside
                fail_stop(f"a batch of {len(events)} messages failed", exc)
            await _ack_handled(stream, events)
    except asyncio.CancelledError:
        if not app.should_stop:  # a restarted agent would go on after unacked messages
            fail_stop("the batch loop was cancelled while the worker runs")
        raise
    except Exception as exc:
        fail_stop("the batch loop failed", exc)


async def _ack_handled(stream: faust.StreamT, events: Sequence[EventT]) -> None:
    handled = _ACKING_HANDLED.set(True)
    try:
        for event in events:
            await stream.ack(event)
    finally:
        _ACKING_HANDLED.reset(handled)


def partition_runs(events: Sequence[EventT]) -> list[list[EventT]]:
    """Events split into runs of one partition, each in offset order."""
    by_partition: dict[int, list[EventT]] = {}
    for event in events:
        by_partition.setdefault(event.message.partition, []).append(event)
    return list(by_partition.values())


def fail_stop(what: str, exc: BaseException | None = None) -> NoReturn:
    """Exit the worker now, committing nothing more, so that a restart replays the work.

    A graceful stop would commit the offsets acknowledged so far, and Faust may
    consider a later acknowledgement enough to commit past a message that was
    never handled; exiting at once keeps every uncommitted message for the restart.
    """
    log.critical("%s; exiting without committing, a restart replays it", what, exc_info=exc)
    logging.shutdown()
    os._exit(EXIT_FAILED_BATCH)


@contextmanager
def writing_for(event: EventT) -> Iterator[None]:
    """Table writes made in this block go to the changelog partition of ``event``.

    Faust picks a table row's changelog partition from the message being
    processed, a context variable its stream sets per message; a batch body
    runs outside that, so the batch sets it to a message of the partition it
    writes for.
    """
    token = _current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        _current_event.reset(token)


async def send_all(app: faust.App, messages: Outgoing) -> None:
    """Hand (topic, key, value) messages to the producer without waiting for the broker.

    The offset commit flushes the producer first and then checks that every
    message sent here was delivered (``_flush_and_check``), so a message is on
    the broker before the offset of the message that caused it is committed.
    """
    for topic, key, value in messages:
        _DELIVERIES.track(await app.producer.send(topic, key, value, None, None, None))


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


_DELIVERIES = Deliveries()
SETTLE_SECONDS = 5.0  # the producer has flushed: only callbacks are left to run
_producer_flush = FaustProducer.flush


async def _flush_and_check(producer: FaustProducer) -> None:
    sent = set(_DELIVERIES.pending)  # all of these the flush sends; later ones it need not
    await _producer_flush(producer)
    await _DELIVERIES.settle(sent, timeout=SETTLE_SECONDS)
    _DELIVERIES.check()


FaustProducer.flush = _flush_and_check  # type: ignore[method-assign]
