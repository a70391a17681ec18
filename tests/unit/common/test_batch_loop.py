"""The batch loop of every worker acknowledges a batch only once it is handled and sent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka.producer.message_accumulator import BatchBuilder
from aiokafka.record.memory_records import MemoryRecords

from services.common import faust_app, faust_fixes
from services.common.faust_app import (
    partition_runs,
    process_batches_elsewhere,
    process_in_batches,
)
from services.common.faust_fixes import Deliveries
from services.common.settings import Settings


class Stopped(BaseException):
    """Raised by the stand-in for ``fail_stop``, which ends the process (nothing catches it)."""


class FakeStream:
    def __init__(self, batches: list[list[Any]]) -> None:
        self.batches = batches
        self.acked: list[Any] = []

    async def noack_take(self, max_: int, within: float) -> AsyncIterator[list[Any]]:
        for batch in self.batches:
            yield batch

    async def ack(self, event: Any) -> bool:
        self.acked.append(event)
        return True


class FakeProducer:
    """aiokafka's producer, as ``sending.BatchedSender`` uses it: a refused value fails
    its whole batch."""

    def __init__(self, refuse: set[bytes] = frozenset()) -> None:  # type: ignore[assignment]
        self.sent: list[tuple[str, bytes | None, bytes]] = []
        self.refuse = refuse

    def create_batch(self) -> BatchBuilder:
        return BatchBuilder(16_384, 0)

    async def partitions_for(self, topic: str) -> set[int]:
        return {0}

    async def send_batch(self, batch: BatchBuilder, topic: str, *, partition: int) -> Any:
        records = [(r.key, r.value) for r in MemoryRecords(bytes(batch._build())).next_batch()]
        self.sent += [(topic, key, value) for key, value in records]
        delivery = asyncio.get_running_loop().create_future()
        if any(value in self.refuse for _, value in records):
            delivery.set_exception(RuntimeError("MessageSizeTooLarge"))
        else:
            delivery.set_result(None)
        return delivery


def _app(producer: FakeProducer, **fields: Any) -> Any:
    async def maybe_start_producer() -> Any:
        return SimpleNamespace(_producer=producer)

    return SimpleNamespace(maybe_start_producer=maybe_start_producer, **fields)


def _event(partition: int, offset: int) -> Any:
    return SimpleNamespace(message=SimpleNamespace(partition=partition, offset=offset,
                                                   value=f"{partition}:{offset}".encode()))


@pytest.fixture
def stops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []

    def fake_fail_stop(what: str, exc: BaseException | None = None) -> None:
        said.append(what)
        raise Stopped(what)

    monkeypatch.setattr(faust_fixes, "fail_stop", fake_fail_stop)
    monkeypatch.setattr(faust_fixes, "DELIVERIES", Deliveries())
    return said


def _echo(runs: list[list[Any]]) -> list[tuple[str, bytes | None, bytes]]:
    return [("out", None, e.message.value) for run in runs for e in run]


def test_runs_keep_partition_and_offset_order() -> None:
    events = [_event(1, 5), _event(0, 7), _event(1, 6), _event(0, 8)]
    runs = partition_runs(events)
    assert [[(e.message.partition, e.message.offset) for e in run] for run in runs] == \
        [[(1, 5), (1, 6)], [(0, 7), (0, 8)]]


async def test_batches_are_acked_after_their_messages_are_sent(stops: list[str]) -> None:
    batches = [[_event(0, 0), _event(1, 0)], [_event(0, 1)]]
    stream, producer = FakeStream(batches), FakeProducer()
    app = _app(producer)
    seen_when_handling: list[int] = []

    def handle(runs: list[list[Any]]) -> list[tuple[str, bytes | None, bytes]]:
        seen_when_handling.append(len(stream.acked))
        return _echo(runs)

    await process_in_batches(app, stream, Settings(), handle)  # type: ignore[arg-type]
    assert seen_when_handling == [0, 2]  # nothing of a batch acked before it is handled
    assert stream.acked == batches[0] + batches[1]
    assert [v for _, _, v in producer.sent] == [b"0:0", b"1:0", b"0:1"]
    assert stops == []


async def test_table_rows_queued_while_handling_go_out_before_the_ack(
        stops: list[str]) -> None:
    batches = [[_event(0, 0)], [_event(0, 1)]]
    producer = FakeProducer()
    app = _app(producer)
    sent_when_acked: list[int] = []

    class Stream(FakeStream):
        async def ack(self, event: Any) -> bool:
            sent_when_acked.append(len(producer.sent))
            return await super().ack(event)

    def handle(runs: list[list[Any]]) -> list[tuple[str, bytes | None, bytes]]:
        for event in (e for run in runs for e in run):  # as ChangelogRows does
            faust_app.sender_of(app).add("rows", b"row", b"r" + event.message.value, 0)
        return _echo(runs)

    await process_in_batches(app, Stream(batches), Settings(), handle)  # type: ignore[arg-type]
    assert producer.sent == [("rows", b"row", b"r0:0"), ("out", None, b"0:0"),
                             ("rows", b"row", b"r0:1"), ("out", None, b"0:1")]
    assert sent_when_acked == [2, 4]
    assert stops == []


async def test_a_failing_batch_stops_the_worker_unacked(stops: list[str]) -> None:
    batches = [[_event(0, 0)], [_event(0, 1), _event(0, 2)], [_event(0, 3)]]
    stream = FakeStream(batches)
    app = _app(FakeProducer())

    def handle(runs: list[list[Any]]) -> list[tuple[str, bytes | None, bytes]]:
        if runs[0][0].message.offset == 1:
            raise OSError("disk full")
        return _echo(runs)

    with pytest.raises(Stopped):
        await process_in_batches(app, stream, Settings(), handle)  # type: ignore[arg-type]
    assert stream.acked == batches[0]  # the failed batch and what follows stay unacked
    assert stops == ["a batch of 2 messages failed"]


async def test_a_refused_message_stops_the_worker_at_the_next_flush(stops: list[str]) -> None:
    stream = FakeStream([[_event(0, 0), _event(0, 1)]])
    app = _app(FakeProducer(refuse={b"0:1"}))
    await process_in_batches(app, stream, Settings(), _echo)  # type: ignore[arg-type]
    await asyncio.sleep(0)  # delivery callbacks run
    assert len(faust_fixes.DELIVERIES.pending) == 1  # the refused one is kept for the check
    with pytest.raises(Stopped):
        faust_fixes.DELIVERIES.check()
    assert stops == ["the broker refused 1 message(s)"]


async def test_delivered_messages_are_forgotten(stops: list[str]) -> None:
    stream = FakeStream([[_event(0, n) for n in range(50)]])
    app = _app(FakeProducer())
    await process_in_batches(app, stream, Settings(), _echo)  # type: ignore[arg-type]
    faust_fixes.DELIVERIES.check()
    assert faust_fixes.DELIVERIES.pending == set()
    assert stops == []


def test_only_acks_from_a_handled_batch_count(monkeypatch: pytest.MonkeyPatch) -> None:
    counted: list[Any] = []
    monkeypatch.setattr(faust_fixes, "_consumer_ack",
                        lambda consumer, message: counted.append(message) or True)
    skipped, handled = _event(0, 1).message, _event(0, 2).message
    # Faust's iterator acks what it skips in a rebalance: that must not count.
    assert faust_fixes._ack_if_handled(None, skipped) is False  # type: ignore[arg-type]
    token = faust_fixes._ACKING_HANDLED.set(True)
    try:
        assert faust_fixes._ack_if_handled(None, handled) is True  # type: ignore[arg-type]
    finally:
        faust_fixes._ACKING_HANDLED.reset(token)
    assert counted == [handled]


async def test_the_batch_loop_acks_as_handled(stops: list[str]) -> None:
    flags: list[bool] = []

    class FlagStream(FakeStream):
        async def ack(self, event: Any) -> bool:
            flags.append(faust_fixes._ACKING_HANDLED.get())
            return await super().ack(event)

    stream = FlagStream([[_event(0, 0), _event(0, 1)]])
    app = _app(FakeProducer())
    await process_in_batches(app, stream, Settings(), _echo)  # type: ignore[arg-type]
    assert flags == [True, True]
    assert faust_fixes._ACKING_HANDLED.get() is False


async def test_a_failure_outside_the_batch_body_stops_the_worker(stops: list[str]) -> None:
    class BrokenAck(FakeStream):
        async def ack(self, event: Any) -> bool:
            raise RuntimeError("consumer gone")

    stream = BrokenAck([[_event(0, 0)], [_event(0, 1)]])
    app = _app(FakeProducer(), should_stop=False)
    with pytest.raises(Stopped):
        await process_in_batches(app, stream, Settings(), _echo)  # type: ignore[arg-type]
    assert stops == ["the batch loop failed"]


async def test_a_table_write_refused_is_caught_once_the_flush_settles(stops: list[str]) -> None:
    loop = asyncio.get_running_loop()
    write = loop.create_future()
    faust_fixes.DELIVERIES.track(write)
    loop.call_soon(write.set_exception, RuntimeError("NotLeaderForPartition"))
    await faust_fixes.DELIVERIES.settle({write}, timeout=1)
    with pytest.raises(Stopped):
        faust_fixes.DELIVERIES.check()
    assert stops == ["the broker refused 1 message(s)"]


class _Event:  # weak-referenceable, as Faust's events are
    def __init__(self, partition: int) -> None:
        self.message = SimpleNamespace(partition=partition)


def test_rows_written_in_a_batch_know_their_partition() -> None:
    store = SimpleNamespace(data={}, _key_partition={})
    event = _Event(3)
    with faust_app.writing_for(event):  # type: ignore[arg-type]
        faust_fixes._set_with_partition(store, "CHN|2021-12|c1", {"x": 1})  # type: ignore[arg-type]
    assert store._key_partition == {"CHN|2021-12|c1": 3}  # so a revoke drops it
    faust_fixes._del_with_partition(store, "CHN|2021-12|c1")  # type: ignore[arg-type]
    assert store.data == {} and store._key_partition == {}


def _later(runs: list[list[Any]], seconds: float = 0.01, log: list[str] | None = None) -> Any:
    """A batch's messages to come, as from another process."""
    async def work() -> list[tuple[str, bytes | None, bytes]]:
        await asyncio.sleep(seconds)
        if log is not None:
            log.append(f"done {runs[0][0].message.offset}")
        return _echo(runs)
    return asyncio.ensure_future(work())


async def test_work_done_elsewhere_overlaps_and_is_sent_and_acked_in_order(
        stops: list[str]) -> None:
    batches = [[_event(0, 0), _event(1, 0)], [_event(0, 1)], [_event(1, 1)]]
    stream, producer = FakeStream(batches), FakeProducer()
    app = _app(producer)
    log: list[str] = []

    def start(runs: list[list[Any]]) -> Any:
        log.append(f"start {runs[0][0].message.offset} (acked {len(stream.acked)})")
        return _later(runs, 0.03 if runs[0][0].message.offset == 0 else 0.0, log)

    await process_batches_elsewhere(app, stream, Settings(), start)  # type: ignore[arg-type]
    assert log[:2] == ["start 0 (acked 0)", "start 1 (acked 0)"]  # the next began at once
    assert [v for _, _, v in producer.sent] == [b"0:0", b"1:0", b"0:1", b"1:1"]
    assert stream.acked == batches[0] + batches[1] + batches[2]
    assert stops == []


async def test_work_that_failed_elsewhere_stops_the_worker_unacked(stops: list[str]) -> None:
    batches = [[_event(0, 0)], [_event(0, 1), _event(0, 2)], [_event(0, 3)]]
    stream = FakeStream(batches)
    app = _app(FakeProducer())

    def start(runs: list[list[Any]]) -> Any:
        if runs[0][0].message.offset == 1:
            failed = asyncio.get_running_loop().create_future()
            failed.set_exception(OSError("the extraction process died"))
            return failed
        return _later(runs)

    with pytest.raises(Stopped):
        await process_batches_elsewhere(app, stream, Settings(), start)  # type: ignore[arg-type]
    assert stream.acked == batches[0]  # the failed batch and what follows stay unacked
    assert stops == ["a batch of 2 messages failed"]


class IdleAfter(FakeStream):
    """Gives its batches, then waits for more for ever, as a quiet topic does."""

    async def noack_take(self, max_: int, within: float) -> AsyncIterator[list[Any]]:
        for batch in self.batches:
            yield batch
        await asyncio.Event().wait()
        yield []  # never reached

    async def ack(self, event: Any) -> bool:
        raise OSError("the consumer is gone")


async def test_finishing_that_failed_stops_the_worker_while_the_stream_is_idle(
        monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []
    monkeypatch.setattr(faust_fixes, "fail_stop", lambda what, exc=None: said.append(what))
    stream = IdleAfter([[_event(0, 0)]])
    app = _app(FakeProducer(), should_stop=True)
    loop = asyncio.ensure_future(process_batches_elsewhere(
        app, stream, Settings(), lambda runs: _later(runs, 0.05)))  # type: ignore[arg-type]
    try:
        for _ in range(100):
            await asyncio.sleep(0.01)
            if said:
                break
        assert said == ["finishing the batches failed"]
    finally:
        loop.cancel()
