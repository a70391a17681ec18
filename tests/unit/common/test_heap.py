"""The heap freezer keeps long-lived objects out of the collector's scans, not garbage."""

import gc
import weakref
from collections.abc import Iterator

import pytest

from services.common.heap import HeapFreezer, collect_and_freeze
from services.common.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_it_freezes_once_per_interval() -> None:
    clock = Clock()
    freezer = HeapFreezer(30.0, clock)
    freezer.between_batches()
    assert freezer.freezes == 0
    clock.now = 31.0
    rows = [{"canonical_id": str(i), "participants": [str(i)]} for i in range(1000)]
    freezer.between_batches()
    assert freezer.freezes == 1
    assert not any(o is rows[0] for o in gc.get_objects())  # frozen: out of the scans
    clock.now = 40.0
    freezer.between_batches()
    assert freezer.freezes == 1


def test_garbage_of_the_interval_is_collected_not_frozen() -> None:
    clock = Clock()
    freezer = HeapFreezer(30.0, clock)
    first, second = Node(), Node()
    first.other, second.other = second, first  # a cycle: only the collector frees it
    gone = weakref.ref(first)
    del first, second
    clock.now = 31.0
    freezer.between_batches()
    assert gone() is None


def test_a_freeze_keeps_what_is_held_and_collects_the_garbage() -> None:
    held = [{"actor": str(i)} for i in range(100)]
    first, second = Node(), Node()
    first.other, second.other = second, first
    gone = weakref.ref(first)
    del first, second
    assert collect_and_freeze() >= len(held)
    assert gone() is None
    assert not any(o is held[0] for o in gc.get_objects())


def test_zero_never_freezes() -> None:
    clock = Clock()
    freezer = HeapFreezer(0, clock)
    clock.now = 1e9
    freezer.between_batches()
    assert freezer.freezes == 0


@pytest.mark.parametrize("raw", ["nan", "inf", "-1", "soon"])
def test_a_freeze_interval_that_is_not_a_number_of_seconds_is_refused(
        raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_GC_FREEZE_S", raw)
    with pytest.raises(ValueError, match="PARLEY_GC_FREEZE_S"):
        Settings.from_env()
