"""Raw crawler input to article messages: formats, the date header, rejections."""

from __future__ import annotations

import orjson
import pytest

from services.common import schemas
from services.producer.articles import (
    RejectedArticle,
    build_article,
    parse_date_header,
    records_from_bytes,
)

LIMIT = 10_000


def _build(value: object) -> dict:
    article = build_article(value, source="test", max_bytes=LIMIT)
    schemas.validate("article", article)
    return article


def test_plain_text_with_date_header() -> None:
    article = _build(" date 2022-01-02 \n\nXi met Putin.")
    assert article["published"] == "2022-01-02"
    assert article["text"].endswith("Xi met Putin.")


def test_record_published_wins_over_header() -> None:
    article = _build({"text": " date 2022-01-02 \nx", "published": "2022-01-03"})
    assert article["published"] == "2022-01-03"


def test_id_is_hash_of_url_else_of_normalised_text() -> None:
    a = _build({"url": "https://www.news.example/a/", "text": "one"})
    b = _build({"url": "http://news.example/a", "text": "two"})
    assert a["id"] == b["id"]
    c = _build({"text": "Leaders  met\n in Rome."})
    d = _build({"text": "leaders met in rome."})
    assert c["id"] == d["id"] != a["id"]


def test_given_id_is_kept() -> None:
    assert _build({"id": "A01", "text": "x"})["id"] == "A01"


@pytest.mark.parametrize("value, reason", [
    ({"url": "x"}, "missing field 'text'"),
    ({"text": 42}, "must be a string"),
    ({"text": "  \n "}, "empty"),
    ({"text": "x" * (LIMIT + 1)}, "over the limit"),
    ({"text": "a\x00b"}, "NUL"),
    ({"text": "x", "published": "2021-02-30"}, "not a real calendar date"),
    ({"text": "x", "published": "yesterday"}, "YYYY-MM-DD"),
    ({"text": "x", "published": "2999-01-01"}, "in the future"),
    ({"text": " date 2021-1-5 \nx"}, "date header"),
    ({"text": "x", "url": ["a"]}, "'url' must be a string"),
    ({"text": "x", "id": "../../etc"}, "'id'"),
    ([1, 2], "JSON object"),
])
def test_bad_records_are_rejected_with_a_reason(value: object, reason: str) -> None:
    with pytest.raises(RejectedArticle, match=reason):
        build_article(value, source=None, max_bytes=LIMIT)


def test_header_absent() -> None:
    assert parse_date_header("No header here") is None


def test_json_array_jsonl_and_text_are_split_into_records() -> None:
    array = orjson.dumps([{"text": "a"}, {"text": "b"}])
    assert [r.value["text"] for r in records_from_bytes(array, "f.json")] == ["a", "b"]
    lines = b'{"text": "a"}\n\n{broken\n{"text": "c"}\n'
    records = list(records_from_bytes(lines, "f.jsonl"))
    assert len(records) == 3
    assert isinstance(records[1].value, RejectedArticle)
    assert records[1].origin == "f.jsonl:3"
    (text,) = records_from_bytes(b"Just text.", "f.txt")
    assert text.value == "Just text."


def test_non_utf8_input_is_one_rejection() -> None:
    (record,) = records_from_bytes(b"\xff\xfeabc", "bad.txt")
    assert isinstance(record.value, RejectedArticle)
    assert "not UTF-8" in record.value.reason


def test_text_that_starts_like_json_stays_text() -> None:
    (record,) = records_from_bytes(b"[Reuters] Xi met Macron.", "stdin")
    assert record.value == "[Reuters] Xi met Macron."
    (record,) = records_from_bytes(b"[Reuters] Xi met Macron.", "a.txt", "text")
    assert record.value == "[Reuters] Xi met Macron."


def test_declared_json_that_is_broken_is_rejected() -> None:
    for form in ("json", "structured"):
        (record,) = records_from_bytes(b"[Reuters] Xi met Macron.", "x", form)
        assert isinstance(record.value, RejectedArticle), form
