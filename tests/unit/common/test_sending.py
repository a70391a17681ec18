"""The batched sender puts each message where aiokafka's ``send`` would, in order, and
reports the last offset of each delivered batch."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka.producer.message_accumulator import BatchBuilder
from aiokafka.record.memory_records import MemoryRecords
from aiokafka.structs import RecordMetadata, TopicPartition

from services.aggregator.routing import partition_for
from services.common import faust_fixes
from services.common.faust_fixes import Deliveries
from services.common.sending import BatchedSender


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


@pytest.fixture(autouse=True)
def deliveries(monkeypatch: pytest.MonkeyPatch) -> Deliveries:
    tracked = Deliveries()
    monkeypatch.setattr(faust_fixes, "DELIVERIES", tracked)
    return tracked


async def test_keyed_messages_go_to_the_partition_of_their_key_in_order() -> None:
    producer, sender = RecordingProducer(), BatchedSender()
    keys = [f"article-{n % 7}".encode() for n in range(40)]
    for number, key in enumerate(keys):
        sender.add("events", key, str(number).encode())
    sender.add("rows", b"k", b"explicit", partition=3)
    await sender.send(producer)  # type: ignore[arg-type]

    got: dict[tuple[str, int], list[tuple[bytes | None, bytes | None]]] = {}
    for topic, partition, batch in producer.batches:
        got.setdefault((topic, partition), []).extend(producer.messages(batch))
    assert got.pop(("rows", 3)) == [(b"k", b"explicit")]
    for (_, partition), messages in got.items():
        assert all(partition_for(key or b"", 4) == partition for key, _ in messages)
        numbers = [int(value or b"") for _, value in messages]
        assert numbers == sorted(numbers)
    assert sum(len(m) for m in got.values()) == 40


async def test_a_full_batch_starts_another_and_a_large_message_gets_one_of_its_own() -> None:
    producer, sender = RecordingProducer(batch_bytes=1000), BatchedSender()
    for number in range(5):
        sender.add("rows", b"k", bytes(300) + bytes([number]), partition=0)
    sender.add("rows", b"k", bytes(5000), partition=0)
    await sender.send(producer)  # type: ignore[arg-type]
    sizes = [len(producer.messages(batch)) for _, _, batch in producer.batches]
    assert sum(sizes) == 6 and len(sizes) >= 3 and sizes[-1] == 1
    values = [v for _, _, b in producer.batches for _, v in producer.messages(b)]
    assert [v[-1] for v in values[:5]] == [0, 1, 2, 3, 4]


async def test_each_delivered_batch_reports_its_last_offset_and_a_refused_one_is_caught(
        deliveries: Deliveries) -> None:
    producer, sender = RecordingProducer(), BatchedSender()
    persisted: list[tuple[TopicPartition, int]] = []
    sender.on_delivered("rows", lambda tp, offset: persisted.append((tp, offset)))
    for number in range(3):
        sender.add("rows", b"k", str(number).encode(), partition=1)
    sender.add("events", b"e", b"v", partition=0)
    await sender.send(producer)  # type: ignore[arg-type]
    rows, events = producer.deliveries
    tp = TopicPartition("rows", 1)
    rows.set_result(RecordMetadata("rows", 1, tp, 100, -1, 0, None))
    events.set_exception(RuntimeError("refused"))
    await asyncio.sleep(0)
    assert persisted == [(tp, 102)]  # base offset 100, three records
    with pytest.raises(SystemExit, match="refused 1 message"):
        deliveries.check()


@pytest.fixture(autouse=True)
def exits_instead_of_stopping(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail_stop(what: str, exc: BaseException | None = None) -> None:
        raise SystemExit(what)

    monkeypatch.setattr(faust_fixes, "fail_stop", fail_stop)
