"""The extractor agent's pure core: one `articles` message in, messages out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest

from bench.corpus import CorpusGenerator
from services.common import schemas
from services.extractor import extract, handling
from services.extractor.handling import (
    Failure,
    SourcePosition,
    batch_messages,
    check_articles,
    handle_article,
)

POSITION = SourcePosition(key=b"k1", topic="articles", partition=0, offset=7)


def _article(text: str) -> bytes:
    return orjson.dumps({"schema_version": 1, "id": "k1", "url": None,
                         "published": "2023-03-02", "title": None, "source": None,
                         "text": text, "ingested_at": "2023-03-02T10:00:00Z"})


def _roles(out: list) -> list[str]:
    return [o.role for o in out]


def test_good_article_gives_events_and_a_receipt() -> None:
    text = ("PARIS, March 1 -- French President Emmanuel Macron held a phone call with "
            "German Chancellor Olaf Scholz on Wednesday.")
    out = handle_article(_article(text), POSITION, 100_000)
    assert _roles(out) == ["events", "processed"]
    event = orjson.loads(out[0].value)
    schemas.validate("event", event)
    assert event["type"] == "phone_call"
    assert {p["country"] for p in event["participants"]} == {"FRA", "DEU"}
    receipt = orjson.loads(out[1].value)
    assert (receipt["outcome"], receipt["events"], receipt["source_offset"]) == ("extracted", 1, 7)


def test_bad_payloads_become_dead_letters_with_reasons() -> None:
    cases = {b"{oops": "invalid JSON", b"\xff\xfe": "not UTF-8", b"[]": "JSON object",
             b'{"id": "x"}': "article", _article("   "): "empty",
             _article("x" * 50): "over the limit"}
    for payload, reason in cases.items():
        out = handle_article(payload, POSITION, 10)
        assert _roles(out) == ["deadletter", "processed"], payload
        letter = orjson.loads(out[0].value)
        schemas.validate("deadletter", letter)
        assert reason in letter["reason"], (payload, letter["reason"])
        assert (letter["source_partition"], letter["source_offset"]) == (0, 7)
        assert orjson.loads(out[1].value)["outcome"] == "deadletter"


SEED = Path(__file__).resolve().parents[3] / "seeds" / "xi-cloud-diplomacy-2021.txt"


def test_what_extract_gives_is_plain_json_unchanged_by_its_trip() -> None:
    # An extraction process sends each result back as JSON bytes: a tuple, a date, a set
    # or a key that is not a string would come back as something else, or not at all.
    texts = [(SEED.read_text(encoding="utf-8"), date(2022, 1, 5))] + [
        (a["text"], date.fromisoformat(a["published"]))
        for a in CorpusGenerator(seed=11, size=3000).articles(300)]
    results = [extract(text, published) for text, published in texts]
    assert sum(len(r["events"]) for r in results) > 100 and results[0]["tallies"]
    for result in results:
        _assert_plain_json(result)
        assert orjson.loads(orjson.dumps(result)) == result


def _assert_plain_json(value: object) -> None:
    if isinstance(value, dict):
        assert all(isinstance(k, str) for k in value), value
        for item in value.values():
            _assert_plain_json(item)
    elif isinstance(value, list):
        for item in value:
            _assert_plain_json(item)
    else:
        assert value is None or type(value) in (str, int, float, bool), repr(value)


@pytest.mark.parametrize(("raised", "reason"), [
    (ValueError("a date out of range"), "a date out of range"),
    (RuntimeError("a bug"), "extractor failed: RuntimeError('a bug')"),
])
def test_an_extraction_that_raises_gives_a_dead_letter_with_the_article(
        monkeypatch: pytest.MonkeyPatch, raised: Exception, reason: str) -> None:
    def failing(text: str, published: date | None) -> dict:
        raise raised

    monkeypatch.setattr(handling, "extract", failing)
    payload = _article("French President Emmanuel Macron called Olaf Scholz.")
    out = handle_article(payload, POSITION, 100_000)
    assert _roles(out) == ["deadletter", "processed"]
    letter = orjson.loads(out[0].value)
    schemas.validate("deadletter", letter)
    assert (letter["reason"], letter["error_type"]) == (reason, type(raised).__name__)
    assert letter["payload"] == payload.decode() and letter["article_id"] == "k1"


def test_a_checked_batch_keeps_its_order_around_what_failed_its_checks() -> None:
    texts = ["Macron called Scholz on Monday.", "Xi met Putin in Beijing on Tuesday."]
    articles = [(_article(texts[0]), POSITION), (b"{broken", POSITION),
                (_article(texts[1]), POSITION)]
    batch = check_articles(articles, 100_000)
    assert [job[0] for job in batch.jobs] == texts
    assert [isinstance(o, list) for o in batch.outcomes] == [False, True, False]
    extracted = [orjson.dumps({"events": [], "tallies": []}), Failure("RuntimeError", "r")]
    roles = [role for role, _, _ in batch_messages(batch, extracted)]
    assert roles == ["processed", "deadletter", "processed", "deadletter", "processed"]
