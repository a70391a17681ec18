"""The Faust application each Parley worker runs, configured from ``Settings``.

Each service is its own Faust app (its own consumer group), so the extractor
and the aggregator scale out independently and meet only at topics. The
corrections to Faust that at-least-once needs live in ``faust_fixes``.
"""

from __future__ import annotations

import asyncio
import inspect
import weakref
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import faust
from faust.streams import _current_event
from faust.types import EventT

from services.common import faust_fixes, heap
from services.common.kafka import MAX_BATCH_BYTES, MAX_MESSAGE_BYTES
from services.common.sending import BatchedSender
from services.common.settings import Settings


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
        "producer_max_batch_size": MAX_BATCH_BYTES,
        # Faust commits inline in its fetch loop every N acks, stopping every agent's
        # intake while the producer flushes; the interval commit runs beside it.
        "broker_commit_every": 1_000_000,
        "broker_commit_interval": 1.0,
        "table_standby_replicas": 0,
        # The flush before a commit must see every message: Parley hands its batches
        # to this producer (sending.py), and counts any table write that still goes
        # through Faust's buffer (faust_fixes._send_counted); a threaded producer
        # would bypass both.
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
    (``faust_fixes.fail_stop``): its offsets stay uncommitted and a restarted
    worker replays it.
    """
    async def handled(events: list[EventT]) -> None:
        await _finish(app, stream, settings, events, lambda: handle(partition_runs(events)))

    await _each_batch(app, stream, settings, handled)


async def process_batches_elsewhere(
        app: faust.App, stream: faust.StreamT, settings: Settings,
        start: Callable[[list[list[EventT]]], Awaitable[Outgoing]]) -> None:
    """``process_in_batches`` for work done outside the event loop (another process).

    ``start`` begins a batch's work and returns its result to come. While one
    batch's messages are sent and acknowledged, the next ones are already being
    worked on (up to three batches are started at a time); batches are still
    sent and acknowledged in their order, and a failed one stops the worker as
    in ``process_in_batches``.
    """
    started: asyncio.Queue[tuple[list[EventT], Awaitable[Outgoing]]] = asyncio.Queue(1)

    async def finish_in_order() -> None:
        while True:
            events, work = await started.get()
            await _finish(app, stream, settings, events, work)
            started.task_done()

    finisher = asyncio.ensure_future(finish_in_order())
    # Noticed at once, not at the next batch: while the stream is idle, or a rebalance
    # waits for the unacknowledged batch, nothing else would notice.
    finisher.add_done_callback(_stop_if_failed)

    async def unless_finishing_failed(step: Awaitable[None]) -> None:
        waiting = asyncio.ensure_future(step)
        await asyncio.wait({waiting, finisher}, return_when=asyncio.FIRST_COMPLETED)
        if finisher.done():  # it stopped on a failed batch: no later batch may be acked
            waiting.cancel()
            finisher.result()

    async def hand_over(events: list[EventT]) -> None:
        await unless_finishing_failed(started.put((events, start(partition_runs(events)))))

    try:
        await _each_batch(app, stream, settings, hand_over)
        await unless_finishing_failed(started.join())  # the stream ended (tests): finish all
    finally:
        finisher.cancel()


def _stop_if_failed(finisher: asyncio.Future[None]) -> None:
    if not finisher.cancelled() and isinstance(finisher.exception(), Exception):
        faust_fixes.fail_stop("finishing the batches failed", finisher.exception())


async def _each_batch(app: faust.App, stream: faust.StreamT, settings: Settings,
                      handle: Callable[[list[EventT]], Awaitable[None]]) -> None:
    try:
        async for events in stream.noack_take(settings.batch_size, settings.batch_ms / 1000):
            await handle(events)
    except asyncio.CancelledError:
        if not app.should_stop:  # a restarted agent would go on after unacked messages
            faust_fixes.fail_stop("the batch loop was cancelled while the worker runs")
        raise
    except Exception as exc:
        faust_fixes.fail_stop("the batch loop failed", exc)


async def _finish(app: faust.App, stream: faust.StreamT, settings: Settings,
                  events: list[EventT],
                  work: Callable[[], Outgoing] | Awaitable[Outgoing]) -> None:
    """Send a batch's messages (``work`` makes them, or will give them), then acknowledge
    the batch; stop the worker if it failed."""
    try:
        await send_all(app, await work if inspect.isawaitable(work) else work())
    except Exception as exc:  # systemic: per-message errors are handled inside
        faust_fixes.fail_stop(f"a batch of {len(events)} messages failed", exc)
    with faust_fixes.acking_handled():
        for event in events:
            await stream.ack(event)
    heap.process_freezer(settings.gc_freeze_s).between_batches()


def partition_runs(events: Sequence[EventT]) -> list[list[EventT]]:
    """Events split into runs of one partition, each in offset order."""
    by_partition: dict[int, list[EventT]] = {}
    for event in events:
        by_partition.setdefault(event.message.partition, []).append(event)
    return list(by_partition.values())


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
    """Hand (topic, key, value) messages, and the table rows queued on the app's sender,
    to the producer without waiting for the broker.

    The offset commit flushes the producer first and then checks that every
    batch sent here was delivered (``faust_fixes.DELIVERIES``), so a message is
    on the broker before the offset of the message that caused it is committed.
    """
    sender = sender_of(app)
    for topic, key, value in messages:
        sender.add(topic, key, value)
    producer = await app.maybe_start_producer()
    await sender.send(producer._producer)  # type: ignore[attr-defined]


def sender_of(app: faust.App) -> BatchedSender:
    """The app's one sender: what its batches write goes out with their messages."""
    sender = getattr(app, "parley_sender", None)
    if sender is None:
        sender = app.parley_sender = BatchedSender()  # type: ignore[attr-defined]
    return sender
