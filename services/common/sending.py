"""Handing a batch's messages to Kafka as one record batch per partition.

aiokafka's ``send`` costs, for each message, a partition lookup, a future and an
append to its accumulator, and a Faust table write adds a future of its own and
a trip through Faust's producer buffer. A worker's batch produces hundreds of
messages (events, receipts, table rows), so the workers build the record
batches themselves and hand each one over whole (aiokafka's ``send_batch``),
with one delivery to check per batch instead of one per message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.structs import TopicPartition

from services.common import faust_fixes

Delivered = Callable[[TopicPartition, int], None]  # (partition, offset of its last record)
_PARTITIONER = DefaultPartitioner()


class BatchedSender:
    """Messages queued with ``add`` go to Kafka at the next ``send``, in their order."""

    def __init__(self) -> None:
        self._queued: list[tuple[str, int | None, bytes | None, bytes | None]] = []
        self._partitions: dict[str, list[int]] = {}
        self._on_delivered: dict[str, Delivered] = {}

    def add(self, topic: str, key: bytes | None, value: bytes | None,
            partition: int | None = None) -> None:
        """Queue a message; without a partition it goes where aiokafka's ``send`` would
        put it (murmur2 of the key, as Kafka's Java clients do)."""
        self._queued.append((topic, partition, key, value))

    def on_delivered(self, topic: str, callback: Delivered) -> None:
        """Call ``callback`` with the last offset of each batch of ``topic`` delivered."""
        self._on_delivered[topic] = callback

    async def send(self, producer: AIOKafkaProducer) -> None:
        """Hand every queued message to the producer, without waiting for the broker.

        Each batch's delivery is tracked (``faust_fixes.DELIVERIES``), so the offset
        commit that follows the producer's flush fails if one was refused.
        """
        queued, self._queued = self._queued, []
        batches: dict[tuple[str, int], list[Any]] = {}
        for topic, partition, key, value in queued:
            if partition is None:
                partition = await self._partition_of(producer, topic, key)
            builders = batches.setdefault((topic, partition), [producer.create_batch()])
            if builders[-1].append(timestamp=None, key=key, value=value) is None:
                builders.append(producer.create_batch())  # full: an empty one takes any size
                builders[-1].append(timestamp=None, key=key, value=value)
        for (topic, partition), builders in batches.items():
            for builder in builders:
                delivery = await producer.send_batch(builder, topic, partition=partition)
                faust_fixes.DELIVERIES.track(delivery)
                self._notify_when_delivered(delivery, topic, builder.record_count())

    async def _partition_of(self, producer: AIOKafkaProducer, topic: str,
                            key: bytes | None) -> int:
        partitions = self._partitions.get(topic)
        if partitions is None:
            partitions = self._partitions[topic] = sorted(await producer.partitions_for(topic))
        return int(_PARTITIONER(key, partitions, partitions))

    def _notify_when_delivered(self, delivery: Any, topic: str, records: int) -> None:
        callback = self._on_delivered.get(topic)
        if callback is None:
            return

        def delivered(done: Any) -> None:
            if done.cancelled() or done.exception() is not None:
                return
            metadata = done.result()
            if metadata is not None:  # None: the producer does not wait for acknowledgements
                callback(metadata.topic_partition, metadata.offset + records - 1)

        delivery.add_done_callback(delivered)
