"""Batches, as the Faust agents handle them, give the tables that one-by-one handling gives."""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import Any

from services.aggregator.app import (
    OPS_PER_MESSAGE,
    RowBuffer,
    apply_actor_op,
    canonicalize_event,
    canonicalizer,
    grouped_outputs,
)
from services.aggregator.index import MonthIndex
from services.aggregator.local import LocalAggregator
from services.aggregator.routing import partition_for
from services.common import schemas
from services.common.codec import decode_object, encode
from services.common.messages import event_key
from tests.unit.aggregator.events import MACRON, SAMPLE_EVENTS, SCHOLZ, XI, event

EVENTS = [
    *SAMPLE_EVENTS,
    event("a7", "meeting", "2023-05", "month", SCHOLZ, XI),
    event("a8", "phone_call", "2023-06-01", "day", SCHOLZ, MACRON),
]


class CountingTable(dict):  # type: ignore[type-arg]
    """A dict that counts writes, as a changelog would."""

    writes = 0

    def __setitem__(self, key: str, value: Any) -> None:
        self.writes += 1
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.writes += 1
        super().__delitem__(key)


def _in_batches(events: list[dict[str, Any]], sizes: random.Random) -> LocalAggregator:
    """Canonicalize batch by batch, then apply each ops message, as the agents do."""
    local = LocalAggregator()
    for name in ("buckets", "actor_events", "canonical_events"):
        setattr(local.tables, name, CountingTable())
    handle = canonicalizer("test", rekey=False, partitions=4)
    messages = []
    i = 0
    while i < len(events):
        size = sizes.randint(1, 5)
        buffered = local.tables.buffered()
        batch = events[i:i + size]
        messages += handle(buffered, [_message(e, event_key(e).encode(), i + n)
                                      for n, e in enumerate(batch)])
        buffered.flush()
        i += size
    actors = local.tables.buffered()
    for role, _, value in messages:
        assert role == "by_actor"
        for op in decode_object(value)["ops"]:
            apply_actor_op(actors, op)
    actors.flush()
    return local


def test_batches_in_any_order_give_the_one_by_one_tables() -> None:
    for seed in range(30):
        shuffled = EVENTS * 2
        random.Random(seed).shuffle(shuffled)
        reference = LocalAggregator()
        for e in shuffled:
            reference.add_event(e)
        batched = _in_batches(shuffled, random.Random(seed))
        assert batched.tables.actor_events == reference.tables.actor_events, seed
        assert batched.tables.canonical_events == reference.tables.canonical_events, seed
        for record in batched.tables.canonical_events.values():  # what events.canonical gets
            schemas.validate("canonical_event", record)
        assert batched.tables.actor_months == reference.tables.actor_months, seed
        for actor in ("CHN", "FRA", "Olaf Scholz"):
            assert batched.rows("events_per_month", actor) == \
                reference.rows("events_per_month", actor), (seed, actor)


def test_a_batch_writes_each_changed_row_once() -> None:
    one_by_one = LocalAggregator()
    one_by_one.tables.actor_events = CountingTable()
    for e in EVENTS:
        one_by_one.add_event(e)
    one_by_one_writes = one_by_one.tables.actor_events.writes
    whole = LocalAggregator()
    whole.tables.actor_events = CountingTable()
    actors = whole.tables.buffered()
    outputs = []
    for n, e in enumerate(EVENTS):
        outputs += canonicalize_event(whole.tables.buckets, e, f"0:{n}")
    for role, _, value in grouped_outputs(outputs, 4):
        if role == "by_actor":
            for op in decode_object(value)["ops"]:
                apply_actor_op(actors, op)
    actors.flush()
    assert whole.tables.actor_events == one_by_one.tables.actor_events
    assert whole.tables.actor_events.writes == len(whole.tables.actor_events)
    assert whole.tables.actor_events.writes < one_by_one_writes


def test_row_buffer_reads_its_own_writes_and_deletes() -> None:
    table = CountingTable(a=1, b=2)
    rows = RowBuffer(table)
    rows["a"] = 5
    del rows["b"]
    rows["c"] = 3
    del rows["c"]
    assert (rows.get("a"), rows.get("b"), rows.get("c", "none")) == (5, None, "none")
    assert table == {"a": 1, "b": 2} and table.writes == 0
    rows.flush()
    assert table == {"a": 5} and table.writes == 2


def test_ops_of_one_actor_keep_their_order_across_messages() -> None:
    ops = [{"op": "upsert" if n % 2 else "remove", "actor": "CHN", "n": n}
           for n in range(OPS_PER_MESSAGE * 2 + 3)]
    messages = grouped_outputs([("actor", "CHN", op) for op in ops], 4)
    sent = [op for _, key, value in messages for op in decode_object(value)["ops"]]
    assert sent == ops
    assert len(messages) == 3 and {key for _, key, _ in messages} == {b"CHN"}


def test_ops_go_to_their_actors_partition_many_actors_to_a_message() -> None:
    actors = [f"actor-{n}" for n in range(40)]
    ops = [{"op": "upsert", "actor": a, "n": n} for n, a in enumerate(actors * 3)]
    messages = grouped_outputs([("actor", op["actor"], op) for op in ops], 4)
    assert len(messages) <= 4
    for _, key, value in messages:
        partition = partition_for(key, 4)
        assert {partition_for(op["actor"].encode(), 4) for op in decode_object(value)["ops"]} \
            == {partition}
    for actor in actors:
        sent = [op["n"] for _, _, value in messages for op in decode_object(value)["ops"]
                if op["actor"] == actor]
        assert sent == [op["n"] for op in ops if op["actor"] == actor]


def test_a_batch_writes_each_canonical_event_once_and_keeps_tombstones() -> None:
    merging = [event("m1", "meeting", "2023-05", "month", SCHOLZ, XI),
               event("m2", "meeting", "2023-05-09", "day", SCHOLZ, XI),
               event("m3", "meeting", "2023-05-09", "day", SCHOLZ, XI)]
    reference = LocalAggregator()
    for e in merging:
        reference.add_event(e)
    batched = _in_batches(merging, random.Random(0))
    whole = LocalAggregator()
    whole.tables.canonical_events = CountingTable()
    canonicalizer("test", rekey=False, partitions=4)(
        buffered := whole.tables.buffered(),
        [_message(e, event_key(e).encode(), n) for n, e in enumerate(merging)])
    buffered.flush()
    rows = whole.tables.canonical_events
    assert rows == reference.tables.canonical_events == batched.tables.canonical_events
    assert rows.writes == len(rows) == 2  # one batch: each id written once, at its last state
    [tombstone] = [r for r in rows.values() if r.get("deleted")]
    [record] = [r for r in rows.values() if not r.get("deleted")]
    assert tombstone["merged_into"] == record["canonical_id"] != tombstone["canonical_id"]
    assert record["date"] == "2023-05-09"


def _message(value: dict[str, Any], key: bytes, offset: int) -> Any:
    return SimpleNamespace(key=key, value=encode(value), partition=0, offset=offset,
                           topic="events")


def test_events_keyed_by_their_bucket_are_counted_where_they_arrive() -> None:
    local = LocalAggregator()
    tables = local.tables.buffered()
    handle = canonicalizer("test", rekey=True, partitions=4)
    keyed = _message(EVENTS[0], event_key(EVENTS[0]).encode(), 1)
    foreign = _message(EVENTS[3], EVENTS[3]["event_id"].encode(), 2)
    out = handle(tables, [keyed, foreign])
    tables.flush()
    moved = [(role, key) for role, key, _ in out if role == "by_bucket"]
    assert moved == [("by_bucket", event_key(EVENTS[3]).encode())]
    assert list(local.tables.buckets) == [event_key(EVENTS[0])]
    assert {role for role, _, _ in out} == {"by_bucket", "by_actor"}
    assert list(local.tables.canonical_events)  # the keyed event's records, as rows


def test_a_bad_event_is_dead_lettered_and_the_batch_goes_on() -> None:
    tables = LocalAggregator().tables.buffered()
    broken = SimpleNamespace(key=b"x", value=b"{not json", partition=0, offset=1, topic="events")
    good = _message(EVENTS[0], event_key(EVENTS[0]).encode(), 2)
    handle = canonicalizer("test", rekey=True, partitions=4)
    roles = [role for role, _, _ in handle(tables, [broken, good])]
    assert roles[0] == "deadletter" and "by_actor" in roles


def test_the_month_index_rebuilt_from_row_keys_equals_the_one_kept_by_writes() -> None:
    local = LocalAggregator()
    for e in EVENTS:
        local.add_event(e)
    rebuilt = MonthIndex()
    rebuilt.rebuild(local.tables.actor_events.keys())
    assert rebuilt == local.tables.actor_months
    assert rebuilt.get("Xi Jinping") == ["2023-04", "2023-05"]
    rebuilt.rebuild(["a|b|2024-01|c1"])  # a name may hold a bar: month and id are the last
    assert rebuilt.as_dict() == {"a|b": ["2024-01"]}
    rebuilt.update("a|b", "2024-01", "c2", present=True)
    rebuilt.update("a|b", "2024-01", "c1", present=False)
    assert rebuilt.ids("a|b", "2024-01") == {"c2"}
    rebuilt.update("a|b", "2024-01", "c2", present=False)
    assert rebuilt.get("a|b") is None and list(rebuilt) == []


def test_a_new_event_writes_one_small_row_per_actor_not_the_whole_month() -> None:
    local = LocalAggregator()
    local.tables.actor_events = CountingTable()
    for day in range(1, 21):
        local.add_event(event(f"d{day}", "phone_call", f"2023-04-{day:02d}", "day", XI, MACRON))
    before = local.tables.actor_events.writes
    local.add_event(event("d21", "phone_call", "2023-04-21", "day", XI, MACRON))
    written = local.tables.actor_events.writes - before
    assert written == 4  # Xi, Macron, CHN, FRA: one row each, whatever the month holds
    assert len(local.rows("calls_per_month", "CHN")[0]["canonical_ids"]) == 21


def test_keys_of_another_format_are_not_indexed() -> None:
    index = MonthIndex()
    skipped = index.rebuild(["CHN|2021-12|c1", "CHN|2021-12", "A|B|2024-05", "x"])
    assert skipped == 3  # the old actor|month rows, and junk
    assert index.as_dict() == {"CHN": ["2021-12"]}


def test_the_local_aggregator_looks_canonical_events_up_by_id_and_counts_live_ones() -> None:
    local = LocalAggregator()
    for e in (event("m1", "meeting", "2023-05", "month", SCHOLZ, XI),
              event("m2", "meeting", "2023-05-09", "day", SCHOLZ, XI)):
        local.add_event(e)
    [tombstone] = [r for r in local.tables.canonical_events.values() if r.get("deleted")]
    assert local.get("canonical_events", tombstone["canonical_id"]) == tombstone
    assert local.get("canonical_events", tombstone["merged_into"])["deleted"] is False
    assert local.live_canonical_events() == 1 == len(local.tables.canonical_events) - 1
