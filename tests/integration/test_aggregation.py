"""Aggregation on a real broker: gold events in, distinct counts out, with 1 and 2 workers."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from services.aggregator.routing import ROUTED_HEADER
from services.common.kafka import ensure_topics, start_producer
from services.common.settings import Settings
from tests.conftest import SHARED_EVAL
from tests.integration.harness import http_json, run_parley, start_worker, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.timeout(400)]

GOLD = SHARED_EVAL / "dev" / "gold.jsonl"


def distinct_events_per_month(gold: Path) -> dict[tuple[str, str, str], int]:
    """(actor, month, type) -> distinct events, computed straight from a gold file.

    An event is its type, its set of parties and its day; a month-only mention
    is a distinct event only when no day-precise one of the same parties and
    type falls in that month.
    """
    days: dict[tuple, set[str]] = defaultdict(set)
    month_only: set[tuple] = set()
    for line in gold.read_text().splitlines():
        for e in orjson.loads(line).get("events", []):
            if e.get("status", "occurred") != "occurred" or e["precision"] not in ("day",
                                                                                     "month"):
                continue
            parties = frozenset(p.get("country") or p.get("org") for p in e["participants"])
            key = (e["type"], parties, e["date"][:7])
            if e["precision"] == "day":
                days[key].add(e["date"])
            else:
                month_only.add(key)
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for key in set(days) | month_only:
        kind, parties, month = key
        for actor in parties:
            counts[(actor, month, kind)] += len(days[key]) or 1
    return dict(counts)


def table_counts(base: str, actors: set[str]) -> dict[tuple[str, str, str], int]:
    out = {}
    for actor in sorted(actors):
        status, body = http_json(f"{base}/tables/events_per_month?actor={actor}")
        assert status == 200, body
        out.update({(actor, r["month"], r["type"]): r["count"] for r in body["rows"]})
    return out


def _wait_equal(bases: list[str], expected: dict[Any, int], actors: set[str]) -> None:
    def matches() -> bool:
        try:
            return all(table_counts(base, actors) == expected for base in bases)
        except AssertionError:  # 503 while partitions move
            return False

    try:
        wait_for(matches, timeout=120, what="tables equal to the gold's distinct events")
    except AssertionError:
        got = table_counts(bases[0], actors)
        diff = {k: (got.get(k), v) for k, v in expected.items() if got.get(k) != v}
        extra = {k: got[k] for k in got if k not in expected}
        raise AssertionError(f"differences (got, expected): {diff}; extra: {extra}") from None


@pytest.mark.skipif(not GOLD.exists(), reason="no shared gold file beside the repository")
def test_gold_events_give_their_distinct_counts_and_replays_change_nothing(
        settings: Settings) -> None:
    expected = distinct_events_per_month(GOLD)
    actors = {actor for actor, _, _ in expected}
    aggregator = start_worker(settings, "aggregator")
    try:
        result = run_parley(settings, "ingest", "--events", str(GOLD))
        assert result.returncode == 0, result.stderr.decode()
        _wait_equal([aggregator.base], expected, actors)
        again = run_parley(settings, "ingest", "--events", str(GOLD))
        assert again.returncode == 0
        _wait_equal([aggregator.base], expected, actors)
        status, body = http_json(f"{aggregator.base}/events?actor=CHN&limit=3")
        assert status == 200 and len(body["events"]) == 3
        cid = body["events"][0]["canonical_id"]
        status, record = wait_for(
            lambda: (r := http_json(f"{aggregator.base}/events/{cid}"))[0] == 200 and r,
            timeout=30, what="the canonical event record")
        assert record["canonical_id"] == cid and record["mentions"] >= 1
    finally:
        aggregator.stop()


@pytest.mark.skipif(not GOLD.exists(), reason="no shared gold file beside the repository")
def test_two_workers_answer_like_one(settings: Settings) -> None:
    expected = distinct_events_per_month(GOLD)
    actors = {actor for actor, _, _ in expected}
    first = start_worker(settings, "aggregator")
    second = start_worker(settings, "aggregator", web_port=settings.extractor_web_port)
    try:
        result = run_parley(settings, "ingest", "--events", str(GOLD))
        assert result.returncode == 0, result.stderr.decode()
        _wait_equal([first.base, second.base], expected, actors)
        owned = [set(http_json(f"{w.base}/health")[1]["partitions"]) for w in (first, second)]
        assert owned[0] and owned[1] and not owned[0] & owned[1], owned
        for base in (first.base, second.base):
            status, body = http_json(f"{base}/tables/counterparts?actor=USA")
            assert status == 200 and body["rows"], body
            assert http_json(f"{base}/tables/nope?actor=USA")[0] == 404
            assert http_json(f"{base}/tables/calls_per_month?actor=USA&from=x")[0] == 400
        _each_worker_finds_every_canonical_event([first.base, second.base])
    finally:
        second.stop()
        first.stop()


def _each_worker_finds_every_canonical_event(bases: list[str]) -> None:
    """A canonical event lies with one worker (its bucket's partition); either one finds it."""
    status, body = http_json(f"{bases[0]}/events?actor=USA&limit=12")
    ids = [event["canonical_id"] for event in body["events"]]
    assert status == 200 and len(ids) >= 8, body
    holders: dict[str, list[str]] = {base: [] for base in bases}
    for cid in ids:
        local = [base for base in bases
                 if http_json(f"{base}/events/{cid}", headers={ROUTED_HEADER: "1"})[0] == 200]
        assert len(local) == 1, (cid, local)
        holders[local[0]].append(cid)
        for base in bases:
            status, record = http_json(f"{base}/events/{cid}")
            assert status == 200 and record["canonical_id"] == cid, (base, record)
    assert all(holders.values()), holders  # both paths taken: answered here and asked of the other


def test_hostile_queries_get_clear_errors(settings: Settings) -> None:
    aggregator = start_worker(settings, "aggregator")
    base = aggregator.base
    try:
        cases = {
            "/tables/..%2F..%2Fetc%2Fpasswd?actor=CHN": 404,
            "/tables/events_per_month?actor=%00": 400,
            "/tables/events_per_month?actor=" + "A" * 500: 400,
            "/tables/events_per_month?actor=CHN&from=__import__('os')": 400,
            "/tables/events_per_month?actor=CHN&type=;rm%20-rf": 400,
            "/tables/events_per_month?actor=CHN&limit=99999999999": 400,
            "/events/../../../etc/passwd": 404,
            "/events/zzzz": 400,
            "/events/0123456789abcdef01234567": 404,
            "/tables/events_per_month?actor=%3Cscript%3E": 200,
        }
        for path, expected in cases.items():
            status, body = http_json(base + path)
            assert status == expected, (path, status, body)
            if status == 400:
                assert body["error"], path
        status, _ = http_json(base + "/tables", data=b"{}")
        assert status == 405
    finally:
        aggregator.stop()


def test_tables_of_the_earlier_canonical_layout_are_refused(settings: Settings) -> None:
    asyncio.run(_commit_as_an_earlier_aggregator(settings))
    result = run_parley(settings, "worker", "aggregator", "--web-port", "0", timeout=90)
    assert result.returncode != 0
    assert b"rebuild the tables" in result.stderr and b"PARLEY_TOPIC_CANONICAL" in result.stderr


async def _commit_as_an_earlier_aggregator(settings: Settings) -> None:
    """What an aggregator that read events.canonical back left: a committed offset there."""
    await ensure_topics(settings)
    producer = await start_producer(settings)
    try:
        await producer.send_and_wait(settings.topic_canonical, b"{}", key=b"c", partition=0)
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap,
                                group_id=f"{settings.app_prefix}-aggregator",
                                enable_auto_commit=False)
    await consumer.start()
    try:
        partition = TopicPartition(settings.topic_canonical, 0)
        consumer.assign([partition])
        await consumer.commit({partition: 1})
    finally:
        await consumer.stop()
