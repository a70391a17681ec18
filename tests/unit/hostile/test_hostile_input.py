"""Hostile input: every nasty case gets a clear outcome and nothing raises.

The producer's decoder and the extractor agent's core are fed a corpus of
malformed, huge, empty, binary, HTML and foreign-language inputs, then fuzzed
with hypothesis.
"""

from __future__ import annotations

import json
from datetime import date

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.common import schemas
from services.extractor import extract
from services.extractor.handling import SourcePosition, handle_article
from services.producer.articles import RejectedArticle, build_article, records_from_bytes

LIMIT = 2_000_000
POSITION = SourcePosition(key=b"k", topic="articles", partition=0, offset=0)


def _article(text: str, published: str | None = "2023-03-02") -> bytes:
    return orjson.dumps({"schema_version": 1, "id": "k", "url": None, "published": published,
                         "title": None, "source": None, "text": text,
                         "ingested_at": "2023-03-02T10:00:00Z"})


NASTY_TEXTS = {
    "html soup": "<html><head><script>var x='<p>';</script></head><body><div><p>President "
                 "Xi <b>met</b> Macron in <a href='#'>Paris</a> on Monday.</p><table><tr><td>"
                 "</td></tr></table>" + "<div>" * 2000 + "</body></html>",
    "non-English": "Le président Emmanuel Macron s'est entretenu au téléphone avec Olaf Scholz "
                   "lundi. 习近平同法国总统马克龙通电话。 Путин провёл переговоры.",
    "only numbers": " ".join(str(i) for i in range(5000)),
    "one huge word": "x" * 200_000,
    "control chars": "Xi\u200b met\u202e Macron\ufeff on\u0007 Monday.",
    "surrogate-ish": "Leaders met \udcff in Rome.".encode("utf-8", "surrogateescape").decode(
        "utf-8", "replace"),
    "many dates": " ".join(f"On March {d % 28 + 1}, 20{d % 30:02d}," for d in range(3000)),
    "repeated trigger": "Xi held a phone call with Macron. " * 3000,
    "emoji": "🇨🇳🤝🇫🇷 " * 1000,
}


@pytest.mark.parametrize("name", sorted(NASTY_TEXTS))
def test_nasty_texts_are_extracted_or_dead_lettered_cleanly(name: str) -> None:
    out = handle_article(_article(NASTY_TEXTS[name]), POSITION, LIMIT)
    assert out[-1].role == "processed"
    for item in out:
        message = orjson.loads(item.value)
        schema = {"events": "event", "tallies": "tally", "deadletter": "deadletter",
                  "processed": "receipt"}[item.role]
        schemas.validate(schema, message)


def test_a_20_megabyte_text_is_dead_lettered_with_the_limit() -> None:
    text = "Leaders met in Rome. " * 1_000_000
    out = handle_article(_article(text), POSITION, LIMIT)
    assert [o.role for o in out] == ["deadletter", "processed"]
    letter = orjson.loads(out[0].value)
    assert "over the limit" in letter["reason"]
    assert letter["payload_truncated"] is True
    with pytest.raises(RejectedArticle, match="over the limit"):
        build_article({"text": text}, source=None, max_bytes=LIMIT)


@pytest.mark.parametrize("header, reason", [
    (" date 2999-01-01 \nx", "in the future"),
    (" date 2021-02-30 \nx", "not a real calendar date"),
    (" date soon \nx", "YYYY-MM-DD"),
])
def test_bad_date_headers_are_rejected(header: str, reason: str) -> None:
    with pytest.raises(RejectedArticle, match=reason):
        build_article({"text": header}, source=None, max_bytes=LIMIT)


def test_a_flood_of_duplicates_keeps_one_id() -> None:
    payload = b"\n".join([orjson.dumps({"url": "https://x.example/1", "text": "Leaders met."})]
                         * 10_000)
    ids = {build_article(r.value, source=None, max_bytes=LIMIT)["id"]
           for r in records_from_bytes(payload, "flood.jsonl")}
    assert len(ids) == 1


def test_unknown_publication_date_still_extracts() -> None:
    result = extract("Xi held a phone call with Macron on Monday.", None)
    for event in result["events"]:
        assert event["precision"] in ("day", "month", "year", "unknown")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=4),
    max_leaves=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_fuzz_the_decoder_with_bytes(data: bytes) -> None:
    for record in records_from_bytes(data, "fuzz"):
        try:
            build_article(record.value, source=None, max_bytes=LIMIT)
        except RejectedArticle as exc:
            assert exc.reason


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_fuzz_the_decoder_with_json(value: object) -> None:
    data = json.dumps(value).encode()  # stdlib: also writes integers orjson refuses
    for record in records_from_bytes(data, "fuzz"):
        if isinstance(record.value, RejectedArticle):
            continue
        try:
            schemas.validate("article", build_article(record.value, source=None,
                                                      max_bytes=LIMIT))
        except RejectedArticle as exc:
            assert exc.reason


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_fuzz_the_agent_with_raw_messages(payload: bytes) -> None:
    out = handle_article(payload, POSITION, LIMIT)
    assert out and out[-1].role == "processed"


words = st.sampled_from(["Xi", "Jinping", "Macron", "President", "held", "a", "phone", "call",
                         "with", "met", "on", "Monday", "March", "5", "2021", "video", "summit",
                         "talks", "visit", "Beijing", ".", ",", "the", "French", "Chinese",
                         "will", "made", "79", "calls", "in", "\n", "Read more:", "--",
                         "(Xinhua)", "yesterday", "last", "month", "counterpart", "his"])


@settings(max_examples=300, deadline=None)
@given(st.lists(words, max_size=80), st.dates(min_value=date(1990, 1, 1),
                                                max_value=date(2030, 1, 1)))
def test_fuzz_the_extractor_with_word_salad(tokens: list[str], published: date) -> None:
    text = " ".join(tokens)
    result = extract(text, published)
    for event in result["events"]:
        for start, end in event["evidence_spans"]:
            assert 0 <= start <= end <= len(text)
        assert event["participants"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=1500))
def test_fuzz_the_extractor_with_any_text(text: str) -> None:
    extract(text, date(2022, 1, 2))
