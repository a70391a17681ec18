"""Kafka plumbing shared by the services: topic creation and a reliable producer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, KafkaError, TopicAlreadyExistsError

from services.common.settings import Settings

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 8 * 1024 * 1024
# aiokafka's default of 16 KB holds four articles: the producer and the broker then
# pay their per-batch work every four messages (`bench.ingest`: 1 MB publishes at
# 2.1x the rate, with 0.43x the publisher's CPU and 0.68x the broker's).
MAX_BATCH_BYTES = 1024 * 1024


def topic_configs(settings: Settings) -> dict[str, dict[str, str]]:
    """Per-topic broker settings: room for large articles, compaction for canonical events."""
    big = {"max.message.bytes": str(MAX_MESSAGE_BYTES)}
    return {
        settings.topic_articles: big,
        settings.topic_deadletter: big,
        settings.topic_events: {},
        settings.topic_tallies: {},
        settings.topic_processed: {},
        settings.topic_canonical: {"cleanup.policy": "compact", "min.compaction.lag.ms": "60000",
                                   **big},
    }


async def ensure_topics(settings: Settings, *, attempts: int = 30,
                        extra: dict[str, dict[str, str]] | None = None) -> None:
    """Create Parley's topics (and ``extra`` ones) if missing, retrying while Kafka starts."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap)
    await _retry(admin.start, attempts=attempts)
    try:
        existing = set(await admin.list_topics())
        await _check_partitions(admin, settings, existing, list(extra or {}))
        configs = {**(extra or {}), **topic_configs(settings)}
        wanted = [NewTopic(name, settings.partitions, settings.replication_factor,
                           topic_configs=config)
                  for name, config in configs.items() if name not in existing]
        if wanted:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(wanted)
    finally:
        await admin.close()


class TopicMismatch(RuntimeError):
    """An existing topic has another partition count than Parley is configured for."""


async def _check_partitions(admin: AIOKafkaAdminClient, settings: Settings,
                            existing: set[str], extra: list[str]) -> None:
    """Refuse to run on topics whose partition count differs from PARLEY_PARTITIONS.

    Tables are co-partitioned with the streams that write them; a topic with
    another count would silently route keys to the wrong worker.
    """
    ours = [t for t in [*topic_configs(settings), *extra] if t in existing]
    if not ours:
        return
    for meta in await admin.describe_topics(ours):
        count = len(meta.get("partitions", []))
        if count and count != settings.partitions:
            raise TopicMismatch(
                f"topic {meta['topic']!r} has {count} partitions but PARLEY_PARTITIONS is "
                f"{settings.partitions}; set PARLEY_PARTITIONS={count} or recreate the topic")


def producer_options(settings: Settings) -> dict[str, Any]:
    """Idempotent, fully acknowledged delivery: a retry never duplicates a message."""
    return {
        "bootstrap_servers": settings.bootstrap,
        "enable_idempotence": True,
        "acks": "all",
        "linger_ms": 5,
        "max_batch_size": MAX_BATCH_BYTES,
        "max_request_size": MAX_MESSAGE_BYTES,
        "request_timeout_ms": 30000,
        "retry_backoff_ms": 200,
    }


async def start_producer(settings: Settings, *, attempts: int = 30) -> AIOKafkaProducer:
    producer = AIOKafkaProducer(**producer_options(settings))
    await _retry(producer.start, attempts=attempts)
    return producer


async def _retry(start: Any, *, attempts: int, first_delay: float = 0.25) -> None:
    """Call ``start`` until the broker answers, with exponential backoff."""
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            await start()
            return
        except (KafkaConnectionError, KafkaError, OSError) as exc:
            if attempt == attempts:
                raise
            log.warning("Kafka not reachable (%s); retry %d/%d in %.1fs",
                        exc, attempt, attempts, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


async def read_topic(settings: Settings, topic: str, *, timeout: float = 30.0) -> list[Any]:
    """Every message of ``topic`` from the beginning up to its current end."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap, enable_auto_commit=False,
                                auto_offset_reset="earliest", group_id=None)
    await _retry(consumer.start, attempts=10)
    try:
        # aiokafka has no public call for one unsubscribed topic's partitions.
        cluster = await consumer._client.fetch_all_metadata()
        partitions = cluster.partitions_for_topic(topic) or set()
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        if not assigned:
            return []
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        ends = await consumer.end_offsets(assigned)
        return await _drain(consumer, ends, timeout)
    finally:
        await consumer.stop()


async def _drain(consumer: Any, ends: dict[Any, int], timeout: float) -> list[Any]:
    records: list[Any] = []
    deadline = asyncio.get_running_loop().time() + timeout
    remaining = {tp for tp, end in ends.items() if end > 0}
    while remaining:
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"read only {len(records)} messages of {sorted(remaining)} "
                               f"in {timeout}s")
        batch = await consumer.getmany(timeout_ms=500, max_records=5000)
        for tp, items in batch.items():
            records += items
            if items and items[-1].offset + 1 >= ends[tp]:
                remaining.discard(tp)
        for tp in list(remaining):
            if await consumer.position(tp) >= ends[tp]:
                remaining.discard(tp)
    return records


async def consumer_lag(settings: Settings, group: str,
                       topics: list[str]) -> dict[str, tuple[int, int]]:
    """(committed, end) offsets summed over each topic's partitions, for one consumer group.

    Lag is end minus committed: messages the group has not committed as handled.
    A topic that does not exist yet is left out.
    """
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap, group_id=group,
                                enable_auto_commit=False)
    await _retry(consumer.start, attempts=10)
    try:
        cluster = await consumer._client.fetch_all_metadata()
        lag: dict[str, tuple[int, int]] = {}
        for topic in topics:
            tps = [TopicPartition(topic, p) for p in sorted(cluster.partitions_for_topic(topic)
                                                            or ())]
            if not tps:
                continue
            ends = await consumer.end_offsets(tps)
            committed = [await consumer.committed(tp) or 0 for tp in tps]
            lag[topic] = (sum(committed), sum(ends.values()))
        return lag
    finally:
        await consumer.stop()
