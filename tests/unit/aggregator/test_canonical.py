"""Event identity across articles: merging, order independence, tombstones."""

from __future__ import annotations

import itertools
import random

from services.aggregator import buckets, canonical, index
from tests.unit.aggregator.events import MACRON, SCHOLZ, XI, event


def _records(*events: dict) -> dict[str, dict]:
    bucket = canonical.bucket_key(events[0])
    mentions = {e["event_id"]: canonical.mention_of(e) for e in events}
    return canonical.canonical_events(bucket, mentions)


def test_bucket_key_is_type_sorted_parties_and_year() -> None:
    e = event("a1", "phone_call", "2023-04-06", "day", MACRON, XI)
    assert canonical.bucket_key(e) == "phone_call|CHN,FRA|2023"
    undated = event("a2", "phone_call", None, "unknown", MACRON, XI)
    assert canonical.bucket_key(undated) == "phone_call|CHN,FRA|2023"  # published 2023


def test_same_day_from_two_articles_is_one_event_with_two_mentions() -> None:
    records = _records(event("a1", "phone_call", "2023-04-06", "day", XI, MACRON),
                       event("a2", "phone_call", "2023-04-06", "day", MACRON, XI))
    (record,) = records.values()
    assert record["mentions"] == 2
    assert record["article_ids"] == ["a1", "a2"]
    assert record["sources"] == ["a1.example", "a2.example"]


def test_month_mention_joins_the_day_event_of_that_month() -> None:
    day = event("a1", "phone_call", "2023-04-06", "day", XI, MACRON)
    month = event("a2", "phone_call", "2023-04", "month", XI, MACRON)
    (record,) = _records(day, month).values()
    assert (record["date"], record["precision"], record["mentions"]) == ("2023-04-06", "day", 2)


def test_month_mention_alone_is_a_month_event() -> None:
    (record,) = _records(event("a2", "phone_call", "2023-04", "month", XI, MACRON)).values()
    assert (record["date"], record["precision"]) == ("2023-04", "month")


def test_two_days_in_one_month_are_two_events() -> None:
    records = _records(event("a1", "meeting", "2023-04-06", "day", XI, MACRON),
                       event("a2", "meeting", "2023-04-07", "day", XI, MACRON),
                       event("a3", "meeting", "2023-04", "month", XI, MACRON))
    assert sorted((r["date"], r["mentions"]) for r in records.values()) == [
        ("2023-04-06", 2), ("2023-04-07", 1)]


def test_result_does_not_depend_on_arrival_order() -> None:
    events = [event("a1", "meeting", "2023-04-06", "day", XI, MACRON),
              event("a2", "meeting", "2023-04", "month", XI, MACRON),
              event("a3", "meeting", "2023", "year", XI, MACRON),
              event("a4", "meeting", "2023-05-02", "day", XI, MACRON),
              event("a5", "meeting", None, "unknown", XI, MACRON, status="planned")]
    results = []
    for order in itertools.permutations(events):
        mentions: dict[str, dict] = {}
        for e in order:
            mentions[e["event_id"]] = canonical.mention_of(e)
        records = canonical.canonical_events(canonical.bucket_key(events[0]), mentions)
        results.append({cid: (r["mentions"], r["date"]) for cid, r in records.items()})
        assert sum(r["mentions"] for r in records.values()) == len(events)
    assert all(r == results[0] for r in results)


def test_year_mention_joins_a_finer_event_of_that_year() -> None:
    year = event("a1", "meeting", "2023", "year", XI, MACRON)
    month = event("a2", "meeting", "2023-05", "month", XI, MACRON)
    (record,) = _records(year, month).values()
    assert (record["date"], record["mentions"]) == ("2023-05", 2)
    assert record["event_ids"] == sorted([year["event_id"], month["event_id"]])


def test_absorbed_month_event_is_retired_with_its_successor() -> None:
    month = event("a2", "phone_call", "2023-04", "month", XI, MACRON)
    day = event("a1", "phone_call", "2023-04-06", "day", XI, MACRON)
    before = _records(month)
    after = _records(month, day)
    updated, retired = canonical.changes(before, after)
    (tomb,) = retired
    (new,) = updated
    assert tomb["deleted"] is True and tomb["merged_into"] == new["canonical_id"]


def test_planned_meeting_is_fulfilled_by_a_later_meeting() -> None:
    planned = event("a1", "meeting", None, "unknown", XI, MACRON, status="planned")
    held = event("a2", "meeting", "2023-07-01", "day", XI, MACRON)
    records = _records(planned, held)
    plan = next(r for r in records.values() if r["status"] == "planned")
    done = next(r for r in records.values() if r["status"] == "occurred")
    assert plan["fulfilled_by"] == done["canonical_id"]


def test_participant_names_take_the_most_frequent_form() -> None:
    a = event("a1", "video_meeting", "2023-04-06", "day", XI, ("Macron", "FRA"), SCHOLZ)
    b = event("a2", "video_meeting", "2023-04-06", "day", XI, MACRON, SCHOLZ)
    c = event("a3", "video_meeting", "2023-04-06", "day", XI, MACRON, SCHOLZ)
    (record,) = _records(a, b, c).values()
    names = {p["country"]: p["name"] for p in record["participants"]}
    assert names["FRA"] == "Emmanuel Macron"
    assert record["actors"] == sorted(["CHN", "DEU", "FRA", "Xi Jinping", "Emmanuel Macron",
                                       "Olaf Scholz"])


def _full_recompute(state: dict | None, e: dict, position: str) -> tuple[dict | None, list]:
    """The bucket step as first written: every canonical record rebuilt, before and after."""
    bucket = canonical.bucket_key(e)
    mentions = dict((state or {}).get("mentions", {}))
    retired = dict((state or {}).get("retired", {}))
    published = dict((state or {}).get("published", {}))
    if e["event_id"] in mentions:
        return None, []
    before = canonical.canonical_events(bucket, mentions)
    mentions[e["event_id"]] = {**canonical.mention_of(e), "position": position}
    after = canonical.canonical_events(bucket, mentions)
    retired.update({cid: r for cid, r in before.items() if cid not in after})
    for cid, r in after.items():
        if index.month_of(r):
            published[cid] = sorted(set(published.get(cid, [])) | set(r["actors"]))
    return ({"mentions": mentions, "retired": retired, "published": published},
            buckets.changes(before, after))


def test_rebuilding_only_changed_groups_publishes_what_a_full_rebuild_does() -> None:
    rng = random.Random(5)
    dates = [("2023-04-06", "day"), ("2023-04-02", "day"), ("2023-05-20", "day"),
             ("2023-04", "month"), ("2023-05", "month"), ("2023-07", "month"),
             ("2023", "year"), (None, "unknown")]
    for _ in range(40):
        fast = slow = None
        for n in range(rng.randint(1, 25)):
            date, precision = rng.choice(dates)
            status = "planned" if rng.random() < 0.15 else "occurred"
            names = rng.choice([(XI, MACRON), (MACRON, XI)])
            e = event(f"a{n}", "meeting", date, precision, *names, status=status)
            new_fast, out_fast = buckets.apply_event(fast, e, f"e0:{n}")
            new_slow, out_slow = _full_recompute(slow, e, f"e0:{n}")
            assert out_fast == out_slow
            assert new_fast == new_slow
            fast, slow = new_fast or fast, new_slow or slow
