"""Stand-ins for aiokafka's producer, as ``sending.BatchedSender`` uses it."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka.producer.message_accumulator import BatchBuilder
from aiokafka.record.memory_records import MemoryRecords


class RecordingProducer:
    """aiokafka's producer as the sender uses it, with aiokafka's own batch builder."""

    def __init__(self, batch_bytes: int = 16_384, partitions: int = 4) -> None:
        self.batch_bytes = batch_bytes
        self.partitions = partitions
        self.batches: list[tuple[str, int, Any]] = []
        self.deliveries: list[asyncio.Future[Any]] = []

    def create_batch(self) -> Any:
        return BatchBuilder(self.batch_bytes, 0)

    async def partitions_for(self, topic: str) -> set[int]:
        return set(range(self.partitions))

    async def send_batch(self, batch: Any, topic: str, *, partition: int) -> Any:
        self.batches.append((topic, partition, batch))
        self.deliveries.append(asyncio.get_running_loop().create_future())
        return self.deliveries[-1]

    @staticmethod
    def messages(batch: Any) -> list[tuple[bytes | None, bytes | None]]:
        """The records of a batch, read back from the bytes aiokafka would send."""
        records = MemoryRecords(bytes(batch._build()))
        return [(record.key, record.value) for record in records.next_batch()]
