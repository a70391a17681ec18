"""The Faust application each Parley worker runs, configured from ``Settings``.

Each service is its own Faust app (its own consumer group), so the extractor
and the aggregator scale out independently and meet only at topics.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import faust
from faust.streams import _current_event
from faust.transport.producer import ProducerBuffer
from faust.types import EventT

from services.common.kafka import MAX_MESSAGE_BYTES
from services.common.settings import Settings

_put = ProducerBuffer.put
_send_pending = ProducerBuffer._send_pending


def _put_counted(buffer: ProducerBuffer, fut: Any) -> None:
    buffer.queued = getattr(buffer, "queued", 0) + 1  # type: ignore[attr-defined]
    _put(buffer, fut)


async def _send_counted(buffer: ProducerBuffer, fut: Any) -> None:
    await _send_pending(buffer, fut)
    buffer.sent = getattr(buffer, "sent", 0) + 1  # type: ignore[attr-defined]


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
        "autodiscover": False,
        "web_cors_options": None,
    }
    options.update(overrides)
    return faust.App(app_id, **options)


def raw_topic(app: faust.App, name: str, **options: Any) -> faust.TopicT:
    """A topic whose keys and values Parley (de)serialises itself, with orjson."""
    return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw",
                     value_serializer="raw", **options)


async def batches(stream: faust.StreamT,
                  settings: Settings) -> AsyncIterator[list[list[EventT]]]:
    """The stream in batches, each split into runs of one partition, in offset order.

    Faust acknowledges a batch's messages only after the loop body has handled
    the whole batch, so a crash replays the batch rather than losing any of it.
    """
    async for events in stream.take_events(settings.batch_size, settings.batch_ms / 1000):
        by_partition: dict[int, list[EventT]] = {}
        for event in events:
            by_partition.setdefault(event.message.partition, []).append(event)
        yield list(by_partition.values())


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


async def send_all(app: faust.App, messages: Sequence[tuple[str, bytes | None, bytes]]) -> None:
    """Hand (topic, key, value) messages to the producer without waiting for the broker.

    The offset commit flushes the producer first, so a message is on the broker
    before the offset of the message that caused it is committed.
    """
    for topic, key, value in messages:
        await app.producer.send(topic, key, value, None, None, None)
