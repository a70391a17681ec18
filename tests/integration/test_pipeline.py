"""Article -> Kafka -> extraction -> Kafka -> tables -> HTTP, on a real broker."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from services.common.kafka import ensure_topics, start_producer
from services.common.settings import Settings
from tests.integration.harness import (
    REPO,
    http_json,
    read_json_topic,
    run_parley,
    wait_for,
    workers,
)

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

SEED_EXPECTED = {("2021-04", "video_meeting"), ("2021-07", "video_meeting"),
                 ("2021-12", "video_meeting"), ("2021-02", "speech"), ("2021-11", "speech")}


def _rows(base: str, table: str, actor: str) -> list[dict]:
    status, body = http_json(f"{base}/tables/{table}?actor={actor}")
    if status == 503:  # partitions being assigned: no answer yet
        return []
    assert status == 200, body
    return body["rows"]


def test_seed_article_reaches_the_tables(settings: Settings) -> None:
    with workers(settings, "extractor", "aggregator") as (_, aggregator):
        result = run_parley(settings, "ingest", str(REPO / "seeds"))
        assert result.returncode == 0, result.stderr.decode()
        assert b"published: 1" in result.stdout

        def seed_rows() -> set[tuple[str, str]] | None:
            rows = _rows(aggregator.base, "events_per_month", "CHN")
            got = {(r["month"], r["type"]) for r in rows if r["count"] == 1}
            return got if got >= SEED_EXPECTED else None

        wait_for(seed_rows, timeout=90, what="the seed's events in events_per_month")
        speeches = [r for r in _rows(aggregator.base, "events_per_month", "CHN")
                    if r["type"] == "speech"]
        assert {r["month"] for r in speeches} == {"2021-02", "2021-11"}
        status, tallies = http_json(f"{aggregator.base}/tables/tallies?actor=CHN")
        assert status == 200
        assert any(t["reported"] == 79 and t["type"] == "phone_call" for t in tallies["rows"])
        wait_for(lambda: _no_lag(settings), timeout=30, what="every handled offset committed")


def _no_lag(settings: Settings) -> bool:
    """Every message of every worker topic committed as handled (and there were some)."""
    result = run_parley(settings, "lag", "--json")
    assert result.returncode == 0, result.stderr.decode()
    lag = orjson.loads(result.stdout)
    offsets = [tuple(o) for topics in lag.values() for o in topics.values()]
    assert sum(end for _, end in offsets) > 0
    return all(committed == end for committed, end in offsets)


async def _publish_raw(settings: Settings, payloads: list[bytes]) -> None:
    await ensure_topics(settings)
    producer = await start_producer(settings)
    try:
        for number, payload in enumerate(payloads):
            await producer.send_and_wait(settings.topic_articles, payload,
                                         key=f"raw-{number}".encode())
    finally:
        await producer.stop()


def _article(text: str, article_id: str) -> bytes:
    return orjson.dumps({"schema_version": 1, "id": article_id, "url": None,
                         "published": "2023-05-02", "title": None, "source": None,
                         "text": text, "ingested_at": "2023-05-02T00:00:00Z"})


def test_bad_messages_reach_deadletter_and_the_stream_goes_on(settings: Settings) -> None:
    bad = [b"{not json", b"\xff\xfe\x00 not utf-8", b'{"id": "no-text"}', b"[1, 2]", b"",
           _article("   ", "empty-text")]
    good = _article("BERLIN, May 1 -- German Chancellor Olaf Scholz held a phone call with "
                    "French President Emmanuel Macron on Monday.", "good-one")
    with workers(settings, "extractor"):
        asyncio.run(_publish_raw(settings, [*bad, good]))

        def receipts() -> list[dict] | None:
            found = read_json_topic(settings, settings.topic_processed)
            return found if len(found) >= len(bad) + 1 else None

        found = wait_for(receipts, timeout=60, what="a receipt per message")
    outcomes = {r["article_id"]: r["outcome"] for r in found}
    assert outcomes["good-one"] == "extracted"
    letters = read_json_topic(settings, settings.topic_deadletter)
    assert len(letters) == len(bad)
    reasons = " | ".join(letter["reason"] for letter in letters)
    for expected in ("invalid JSON", "not UTF-8", "expected a JSON object", "empty message",
                     "text"):
        assert expected in reasons, reasons
    assert all(letter["stage"] == "extract" for letter in letters)
    binary = next(x for x in letters if "UTF-8" in x["reason"])
    assert binary["payload_encoding"] == "base64"
    events = read_json_topic(settings, settings.topic_events)
    assert {e["type"] for e in events} == {"phone_call"}
    assert {p["country"] for p in events[0]["participants"]} == {"DEU", "FRA"}


def test_ingest_reports_and_deadletters_rejected_records(settings: Settings,
                                                         tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"\n".join([
        orjson.dumps({"url": "https://news.example/a", "text": "Leaders met in Rome."}),
        b'{"url": "https://news.example/broken"',
        orjson.dumps({"url": "https://news.example/b"}),
        orjson.dumps({"url": "https://news.example/c", "text": "x", "published": "2031-01-01"}),
        orjson.dumps({"url": "https://news.example/a", "text": "Leaders met in Rome."}),
    ]))
    result = run_parley(settings, "ingest", str(feed), "--json")
    assert result.returncode == 0, result.stderr.decode()
    summary = orjson.loads(result.stdout)
    assert (summary["published"], summary["duplicates"], summary["rejected"]) == (1, 1, 3)
    letters = read_json_topic(settings, settings.topic_deadletter)
    reasons = sorted(letter["reason"] for letter in letters)
    assert len(letters) == 3 and all(x["stage"] == "ingest" for x in letters)
    assert any("invalid JSON" in r for r in reasons)
    assert any("missing field 'text'" in r for r in reasons)
    assert any("in the future" in r for r in reasons)
    articles = read_json_topic(settings, settings.topic_articles)
    assert [a["url"] for a in articles] == ["https://news.example/a"]


def test_stdin_text_with_date_header(settings: Settings) -> None:
    text = b" date 2022-03-04 \nTitle\n\nLeaders met."
    result = run_parley(settings, "ingest", "-", stdin=text)
    assert result.returncode == 0, result.stderr.decode()
    (article,) = read_json_topic(settings, settings.topic_articles)
    assert article["published"] == "2022-03-04"
    assert article["text"] == text.decode()


def test_http_ingest_endpoint(settings: Settings) -> None:
    env_settings = {**settings.to_env(), "PARLEY_INGEST_TOKEN": "s3cret",
                    "PARLEY_MAX_REQUEST_BYTES": "100000"}
    server = subprocess.Popen([sys.executable, "-m", "services.cli", "serve-ingest"],
                              cwd=REPO, env={**__import__("os").environ, **env_settings},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{settings.ingest_port}"
    auth = {"Authorization": "Bearer s3cret"}
    try:
        wait_for(lambda: http_json(f"{base}/health", timeout=2)[0] == 200, timeout=60,
                 what="ingest endpoint")
        assert http_json(f"{base}/articles", data=b'{"text": "a"}')[0] == 401
        status, body = http_json(f"{base}/articles", headers=auth, data=orjson.dumps(
            {"url": "https://news.example/x", "text": "Modi met Biden in Washington."}))
        assert status == 200 and body["published"] == 1 and len(body["ids"]) == 1
        jsonl = b'{"text": "one"}\n{broken\n{"text": "two"}\n'
        status, body = http_json(f"{base}/articles", headers=auth, data=jsonl)
        assert status == 200 and body["published"] == 2 and body["rejected"] == 1
        status, body = http_json(f"{base}/articles", headers=auth, data=b"{oops")
        assert status == 400 and body["rejected"] == 1
        status, body = http_json(f"{base}/articles", headers=auth, data=b"x" * 200_000)
        assert status == 413, body
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert len(read_json_topic(settings, settings.topic_articles)) == 3
