"""Turning raw crawler input into article messages: pure, no Kafka.

Accepted inputs: plain text (optionally starting with a `` date YYYY-MM-DD``
header line), a JSON object, a JSON array of objects, and JSON Lines. Every
record either becomes an article message or a ``RejectedArticle`` with the
reason, never an exception that stops the batch.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from services.common.messages import article_message

DATE_HEADER = re.compile(r"\A\s*date[ \t]+(\S+)")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TEXT_SUFFIXES = {".txt", ".text", ".md"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RejectedArticle(ValueError):
    """A record that cannot become an article; ``reason`` says why in plain words."""

    def __init__(self, reason: str, payload: bytes | str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.payload = payload


@dataclass(frozen=True)
class RawRecord:
    """One input record before validation, with where it came from."""

    value: Any
    origin: str
    payload: bytes | str


def parse_date_header(text: str) -> str | None:
    """The date of a leading `` date YYYY-MM-DD`` header, or None if there is no header."""
    match = DATE_HEADER.match(text)
    if not match:
        return None
    candidate = match.group(1)
    return _checked_date(candidate, "date header")


def _checked_date(value: Any, what: str) -> str:
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value.strip()):
        raise RejectedArticle(f"{what} {value!r} is not a date in YYYY-MM-DD form")
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        raise RejectedArticle(f"{what} {value!r} is not a real calendar date") from None
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    if parsed > tomorrow:
        raise RejectedArticle(f"{what} {value} is in the future")
    if parsed.year < 1900:
        raise RejectedArticle(f"{what} {value} is before 1900")
    return parsed.isoformat()


def build_article(value: Any, *, source: str | None, max_bytes: int) -> dict[str, Any]:
    """Validate one record (a dict, or a plain text) and build its article message."""
    if isinstance(value, str):
        value = {"text": value}
    if not isinstance(value, dict):
        raise RejectedArticle(f"expected a JSON object or text, got {type(value).__name__}")
    text = value.get("text")
    if text is None:
        raise RejectedArticle("missing field 'text'")
    if not isinstance(text, str):
        raise RejectedArticle(f"field 'text' must be a string, got {type(text).__name__}")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise RejectedArticle(f"text is {size} bytes, over the limit of {max_bytes}")
    if not text.strip():
        raise RejectedArticle("text is empty")
    if "\x00" in text:
        raise RejectedArticle("text contains NUL characters (binary data?)")
    url = _optional_str(value, "url", 4096)
    title = _optional_str(value, "title", 4096)
    published = value.get("published")
    published = _checked_date(published, "published") if published else parse_date_header(text)
    return article_message(text=text, url=url, published=published, title=title,
                           source=_host(url) or source, article_id=_given_id(value))


def _optional_str(value: dict[str, Any], field: str, limit: int) -> str | None:
    item = value.get(field)
    if item is None:
        return None
    if not isinstance(item, str):
        raise RejectedArticle(f"field {field!r} must be a string, got {type(item).__name__}")
    if len(item) > limit:
        raise RejectedArticle(f"field {field!r} is longer than {limit} characters")
    return item.strip() or None


def _given_id(value: dict[str, Any]) -> str | None:
    given = value.get("id")
    if given is None:
        return None
    if not isinstance(given, str) or not ID_PATTERN.fullmatch(given):
        raise RejectedArticle("field 'id' must be 1-128 characters of [A-Za-z0-9._:-]")
    return given


def _host(url: str | None) -> str | None:
    if not url:
        return None
    return urlsplit(url if "//" in url else f"//{url}").hostname


def form_of(path: Path) -> str | None:
    """The input form a file's suffix names: text, json, jsonl, or None to sniff."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    return None


def records_from_bytes(data: bytes, origin: str, form: str | None = None) -> Iterator[RawRecord]:
    """Split one input into records.

    ``form`` is "text", "json", "jsonl", "structured" (JSON or JSONL, never
    text: the HTTP endpoint) or None to guess from the content (stdin).
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield RawRecord(RejectedArticle(f"not UTF-8: {exc.reason} at byte {exc.start}"),
                        origin, data)
        return
    if form == "text":
        yield RawRecord(text, origin, text)
    elif form == "jsonl":
        yield from _jsonl_records(text, origin)
    else:
        yield from _sniffed_records(text, origin, form)


def _sniffed_records(text: str, origin: str, form: str | None) -> Iterator[RawRecord]:
    head = text.lstrip()[:1]
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if head == "{" and form != "json":
            yield from _jsonl_records(text, origin)
        elif form in ("json", "structured"):
            yield RawRecord(RejectedArticle(f"invalid JSON: {exc}"), origin, text)
        else:  # plain text that happens to start like JSON: "[Reuters] ..."
            yield RawRecord(text, origin, text)
        return
    if isinstance(value, (dict, list)) or form in ("json", "structured"):
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            yield RawRecord(item, f"{origin}[{index}]" if isinstance(value, list) else origin,
                            orjson.dumps(item))
    else:
        yield RawRecord(text, origin, text)


def _jsonl_records(text: str, origin: str) -> Iterator[RawRecord]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            value = RejectedArticle(f"line {number}: invalid JSON: {exc}")
        yield RawRecord(value, f"{origin}:{number}", line)


def input_files(paths: list[Path]) -> Iterator[Path]:
    """The files named, with folders walked recursively (text, JSON and JSONL files)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in (
                        TEXT_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES):
                    yield child
        else:
            yield path
