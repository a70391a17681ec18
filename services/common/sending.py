"""Handing a batch's messages to Kafka as one record batch per partition.

aiokafka's ``send`` costs, for each message, a partition lookup, a future and an
append to its accumulator, and a Faust table write adds a future of its own and
a trip through Faust's producer buffer. A worker's batch produces hundreds of
messages (events, receipts, table rows), so the workers build the record
batches themselves and hand each one over whole (aiokafka's ``send_batch``),
with one delivery to check per batch instead of one per message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.structs import TopicPartition

from services.common import faust_fixes

Delivered = Callable[[TopicPartition, int], None]  # (partition, offset of its last record)
Queued = tuple[str, int | None, bytes | None, bytes | None]  # topic, partition, key, value
_PARTITIONER = DefaultPartitioner()


class BatchedSender:
    """Messages queued with ``add`` go to Kafka at the next ``send``, in their order
    within each partition, and the sends in the order they were called."""

    def __init__(self) -> None:
        self._queued: list[Queued] = []
        self._partitions: dict[str, list[int]] = {}
        self._on_delivered: dict[str, Delivered] = {}
        self._handing_over: asyncio.Future[None] | None = None

    def add(self, topic: str, key: bytes | None, value: bytes | None,
            partition: int | None = None) -> None:
        """Queue a message; without a partition it goes where aiokafka's ``send`` would
        put it (murmur2 of the key, as Kafka's Java clients do; no key: any partition)."""
        self._queued.append((topic, partition, key, value))

    def on_delivered(self, topic: str, callback: Delivered) -> None:
        """Call ``callback`` with the last offset of each batch of ``topic`` delivered."""
        self._on_delivered[topic] = callback

    async def send(self, producer: AIOKafkaProducer) -> None:
        """Hand every message queued so far to the producer, without waiting for the broker.

        The messages are taken at once, and handed over after those of every
        earlier ``send``: a hand-over waits while an earlier batch of one of its
        partitions is still in aiokafka's accumulator, and the agents of one
        worker write rows of the same changelog partitions, so two hand-overs
        side by side could put a key's later value before its earlier one.
        Cancelling the caller does not stop its hand-over (a stopping worker
        hands over the rows its tables hold while its producer runs), and a
        hand-over that fails stops the worker itself. Each batch's delivery is
        tracked (``faust_fixes.DELIVERIES``), so the offset commit that follows
        the producer's flush fails if one was refused.
        """
        queued, self._queued = self._queued, []
        earlier = self._handing_over
        handing_over = asyncio.ensure_future(self._hand_over(producer, queued, earlier))
        self._handing_over = handing_over
        await asyncio.shield(handing_over)

    async def _hand_over(self, producer: AIOKafkaProducer, queued: list[Queued],
                         earlier: asyncio.Future[None] | None) -> None:
        if earlier is not None:
            await asyncio.wait([earlier])  # a failed one has stopped the worker
        try:
            for (topic, partition), builders in (await self._batches(producer,
                                                                     queued)).items():
                for builder in builders:
                    builder.close()  # complete: no reason to linger for more
                    delivery = await producer.send_batch(builder, topic, partition=partition)
                    faust_fixes.DELIVERIES.track(delivery)
                    self._notify_when_delivered(delivery, topic, builder.record_count())
        except Exception as exc:
            # Stopped here, not by the caller, who may have been cancelled: a later
            # send must not go on as if these messages were on their way.
            faust_fixes.fail_stop("handing messages to the producer failed", exc)

    async def _batches(self, producer: AIOKafkaProducer,
                       queued: list[Queued]) -> dict[tuple[str, int], list[Any]]:
        """The messages in record batches, by topic and partition, each in its order."""
        batches: dict[tuple[str, int], list[Any]] = {}
        for topic, partition, key, value in queued:
            if partition is None:
                partition = await self._partition_of(producer, topic, key)
            builders = batches.setdefault((topic, partition), [producer.create_batch()])
            if builders[-1].append(timestamp=None, key=key, value=value) is None:
                builders.append(producer.create_batch())  # full: an empty one takes any size
                if builders[-1].append(timestamp=None, key=key, value=value) is None:
                    raise RuntimeError(f"a message for {topic} fits no record batch")
        return batches

    async def _partition_of(self, producer: AIOKafkaProducer, topic: str,
                            key: bytes | None) -> int:
        partitions = self._partitions.get(topic)
        if partitions is None:  # fixed: a worker refuses topics of another count at start
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
