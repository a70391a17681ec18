"""The extractor agent's pure core: one `articles` message in, messages out."""

from __future__ import annotations

import orjson

from services.common import schemas
from services.extractor.handling import SourcePosition, handle_article

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
