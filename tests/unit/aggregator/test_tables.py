"""Actor tables fed through the same functions the Faust agents call, on plain dicts."""

from __future__ import annotations

import random
from typing import Any

from services.aggregator import queries
from services.aggregator.app import (
    TABLE_NAMES,
    AggregatorTables,
    apply_actor_op,
    canonicalize_event,
)
from services.aggregator.local import LocalAggregator
from tests.unit.aggregator.events import MACRON, SAMPLE_EVENTS, XI, event


def _tables() -> AggregatorTables:
    return LocalAggregator().tables


def _feed(tables: AggregatorTables, events: list[dict[str, Any]]) -> None:
    for e in events:
        for role, _, message in canonicalize_event(tables.buckets, e, _position(e)):
            if role == "actor":
                apply_actor_op(tables, message)


def _position(event: dict[str, Any]) -> str:
    """Each test event stands at one offset of the repartition topic."""
    return f"0:{event['event_id']}"


def _get(tables: AggregatorTables):  # type: ignore[no-untyped-def]
    by_name = tables.by_name()
    return lambda table, key: by_name[table].get(key)


EVENTS = SAMPLE_EVENTS


def test_table_names_match_the_tables_built() -> None:
    # the months of each actor are an index kept in memory, not a table
    assert {*TABLE_NAMES, "actor_months"} == {"buckets", *_tables().by_name()}


def test_calls_counted_once_however_many_articles() -> None:
    tables = _tables()
    _feed(tables, EVENTS)
    rows = queries.calls_per_month(_get(tables), queries.Query("CHN"))
    assert [(r["month"], r["calls"]) for r in rows] == [("2023-04", 1)]


def test_month_event_moves_into_day_event_without_double_count() -> None:
    tables = _tables()
    _feed(tables, [EVENTS[1]])
    assert queries.calls_per_month(_get(tables), queries.Query("FRA"))[0]["calls"] == 1
    _feed(tables, [EVENTS[0]])
    rows = queries.calls_per_month(_get(tables), queries.Query("FRA"))
    assert [(r["month"], r["calls"]) for r in rows] == [("2023-04", 1)]


def test_events_per_month_counterparts_and_channels() -> None:
    tables = _tables()
    _feed(tables, EVENTS)
    get = _get(tables)
    types = {(r["month"], r["type"]): r["count"]
             for r in queries.events_per_month(get, queries.Query("CHN"))}
    assert types == {("2023-04", "phone_call"): 1, ("2023-05", "video_meeting"): 1,
                     ("2023-05", "meeting"): 1}
    rows = queries.counterparts(get, queries.Query("CHN"))
    partners = {r["counterpart"]: r["count"] for r in rows}
    assert partners == {"FRA": 2, "DEU": 2}
    channels = {(r["month"], r["channel"]): r["count"]
                for r in queries.channels_per_month(get, queries.Query("DEU"))}
    assert channels == {("2023-05", "video"): 1, ("2023-05", "in_person"): 1}
    people = queries.counterparts(get, queries.Query("Xi Jinping"))
    assert {r["counterpart"] for r in people} == {"Emmanuel Macron", "Olaf Scholz"}


def test_any_order_and_replays_give_the_same_tables() -> None:
    reference = _tables()
    _feed(reference, EVENTS)
    for seed in range(20):
        shuffled = EVENTS * 2
        random.Random(seed).shuffle(shuffled)
        tables = _tables()
        _feed(tables, shuffled)
        assert tables.actor_events == reference.actor_events, seed
        assert tables.actor_months == reference.actor_months, seed


def test_month_range_and_filters() -> None:
    tables = _tables()
    _feed(tables, EVENTS)
    get = _get(tables)
    may = queries.events_per_month(get, queries.Query("CHN", "2023-05", "2023-05"))
    assert {r["type"] for r in may} == {"video_meeting", "meeting"}
    only_video = queries.actor_events(get, queries.Query("CHN", type="video_meeting"))
    assert [e["type"] for e in only_video] == ["video_meeting"]


def test_tallies_sit_beside_observed_counts() -> None:
    tables = _tables()
    _feed(tables, EVENTS)
    tally = {"tally_id": "t1", "article_id": "a9", "actor": {"name": "Xi Jinping",
             "country": "CHN"}, "type": "phone_call", "count": 5, "qualifier": "at_least",
             "period": "2023", "evidence": "Xi made at least five calls this year"}
    apply_actor_op(tables, {"op": "tally", "actor": "CHN", "tally": tally})
    (row,) = queries.tallies(_get(tables), queries.Query("CHN"))
    assert (row["reported"], row["observed"], row["qualifier"]) == (5, 1, "at_least")


def test_outputs_lost_in_a_crash_are_republished_on_replay() -> None:
    """The bucket state was saved but the messages it implied never reached Kafka."""
    reference = _tables()
    _feed(reference, EVENTS)
    tables = _tables()
    _feed(tables, EVENTS[:1])
    for e in EVENTS[1:3]:  # month mention and a duplicate day: outputs dropped
        canonicalize_event(tables.buckets, e, _position(e))
    _feed(tables, EVENTS)  # the replay after the restart
    assert tables.actor_events == reference.actor_events
    assert tables.actor_months == reference.actor_months


def test_lost_removal_of_an_absorbed_event_is_republished() -> None:
    month, day = EVENTS[1], EVENTS[0]
    reference = _tables()
    _feed(reference, [month, day])
    tables = _tables()
    _feed(tables, [month])
    canonicalize_event(tables.buckets, day, _position(day))  # outputs lost
    _feed(tables, [day])
    assert tables.actor_events == reference.actor_events
    assert queries.calls_per_month(_get(tables), queries.Query("CHN"))[0]["calls"] == 1


def test_a_duplicate_report_from_another_offset_publishes_nothing() -> None:
    tables = _tables()
    _feed(tables, EVENTS)
    assert canonicalize_event(tables.buckets, EVENTS[0], "3:999") == []


def test_a_lost_removal_after_a_name_change_is_republished() -> None:
    """The most frequent name of a party changes: the old name's rows must go."""
    first = event("b1", "phone_call", "2023-04-06", "day", XI, ("Macron", "FRA"))
    second = event("b2", "phone_call", "2023-04-06", "day", XI, MACRON)
    third = event("b3", "phone_call", "2023-04-06", "day", XI, MACRON)
    reference = _tables()
    _feed(reference, [first, second, third])
    tables = _tables()
    _feed(tables, [first, second])
    canonicalize_event(tables.buckets, third, _position(third))  # outputs lost
    _feed(tables, [third])  # replay
    assert tables.by_name() == reference.by_name()


def test_one_tally_reported_by_two_articles_is_one_row() -> None:
    tables = _tables()
    base = {"actor": {"name": "Xi Jinping", "country": "CHN"}, "type": "phone_call",
            "count": 79, "qualifier": "exact", "period": "2021", "evidence": "79 calls"}
    for article in ("a1", "a2"):
        tally = {**base, "tally_id": "same", "article_id": article}
        apply_actor_op(tables, {"op": "tally", "actor": "CHN", "tally": tally})
    (row,) = queries.tallies(_get(tables), queries.Query("CHN"))
    assert row["article_ids"] == ["a1", "a2"]
    assert queries.tallies(_get(tables), queries.Query("CHN", "2022-01", "2022-12")) == []
