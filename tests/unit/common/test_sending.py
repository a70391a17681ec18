"""The batched sender puts each message where aiokafka's ``send`` would, in order, and
reports the last offset of each delivered batch."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka.structs import RecordMetadata, TopicPartition

from services.aggregator.routing import partition_for
from services.common import faust_fixes
from services.common.faust_fixes import Deliveries
from services.common.sending import BatchedSender
from tests.unit.common.fakes import RecordingProducer


@pytest.fixture(autouse=True)
def deliveries(monkeypatch: pytest.MonkeyPatch) -> Deliveries:
    tracked = Deliveries()
    monkeypatch.setattr(faust_fixes, "DELIVERIES", tracked)
    return tracked


@pytest.fixture(autouse=True)
def exits_instead_of_stopping(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail_stop(what: str, exc: BaseException | None = None) -> None:
        raise SystemExit(what)

    monkeypatch.setattr(faust_fixes, "fail_stop", fail_stop)


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


class BlockingProducer(RecordingProducer):
    """Holds every hand-over of one partition until released, as aiokafka does while an
    earlier batch of that partition waits in its accumulator."""

    def __init__(self, blocked: int) -> None:
        super().__init__()
        self.blocked = blocked
        self.release = asyncio.Event()

    async def send_batch(self, batch: Any, topic: str, *, partition: int) -> Any:
        if partition == self.blocked:
            await self.release.wait()
        return await super().send_batch(batch, topic, partition=partition)


async def _sent_values(producer: RecordingProducer, partition: int) -> list[bytes | None]:
    return [value for _, p, batch in producer.batches if p == partition
            for _, value in producer.messages(batch)]


async def test_a_later_send_waits_for_an_earlier_one_so_a_key_keeps_its_order() -> None:
    producer, sender = BlockingProducer(blocked=1), BatchedSender()
    sender.add("rows", b"other", b"x", partition=1)  # the earlier send waits on partition 1
    sender.add("rows", b"k", b"v1", partition=2)
    earlier = asyncio.ensure_future(sender.send(producer))  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    sender.add("rows", b"k", b"v2", partition=2)  # another agent's newer value of k
    later = asyncio.ensure_future(sender.send(producer))  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    assert not later.done()  # it must not overtake the earlier send
    producer.release.set()
    await asyncio.gather(earlier, later)
    assert await _sent_values(producer, 2) == [b"v1", b"v2"]


async def test_a_cancelled_send_still_hands_its_messages_over() -> None:
    producer, sender = BlockingProducer(blocked=0), BatchedSender()
    sender.add("rows", b"k", b"row", partition=0)
    caller = asyncio.ensure_future(sender.send(producer))  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    caller.cancel()
    producer.release.set()
    sender.add("rows", b"k", b"next", partition=0)
    await sender.send(producer)  # type: ignore[arg-type]
    assert caller.cancelled()
    assert await _sent_values(producer, 0) == [b"row", b"next"]


async def test_a_hand_over_that_fails_stops_the_worker_even_with_its_caller_gone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    stopped: list[str] = []
    monkeypatch.setattr(faust_fixes, "fail_stop", lambda what, exc=None: stopped.append(what))
    producer, sender = BlockingProducer(blocked=0), BatchedSender()

    async def time_out(batch: Any, topic: str, *, partition: int) -> Any:
        await producer.release.wait()
        raise RuntimeError("KafkaTimeoutError")

    producer.send_batch = time_out  # type: ignore[method-assign]
    sender.add("rows", b"k", b"row", partition=0)
    caller = asyncio.ensure_future(sender.send(producer))  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    caller.cancel()
    await asyncio.sleep(0)
    producer.release.set()
    await sender._handing_over  # type: ignore[misc]
    assert caller.cancelled()
    assert stopped == ["handing messages to the producer failed"]
