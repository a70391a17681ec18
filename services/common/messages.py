"""Builders of the messages Parley puts on its topics (see ``schemas/``).

Each builder returns a plain dict that matches its schema; validation happens
where a message enters the system, with ``services.common.schemas.validate``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from services.common import ids
from services.common.codec import payload_as_text

SCHEMA_VERSION = 1
EVENT_TYPES = ("phone_call", "video_meeting", "meeting", "speech", "message", "consult")
DEADLETTER_PAYLOAD_LIMIT = 1_000_000


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@cache
def event_type_codes() -> dict[str, dict[str, Any]]:
    """CAMEO code, PLOVER type and mode, and channel of each event type."""
    return orjson.loads((Path(__file__).parent / "event_types.json").read_bytes())


def article_message(*, text: str, url: str | None, published: str | None,
                    title: str | None = None, source: str | None = None,
                    article_id: str | None = None) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "id": article_id or ids.article_id(url, text),
        "url": url,
        "published": published,
        "title": title,
        "source": source,
        "text": text,
        "ingested_at": utc_now(),
    }


def event_key(event: dict[str, Any]) -> str:
    """The key of an `events` message: type, sorted party codes and year.

    ``phone_call|CHN,RUS|2021``: every report of one real-world event has it, so
    they all reach one partition, where the aggregator tells them apart without
    moving them again. Undated and planned events take the year they were
    published in.
    """
    year = str(event.get("date") or event.get("published") or "")[:4] or "----"
    return f"{event['type']}|{','.join(ids.party_codes(event['participants']))}|{year}"


def event_message(event: dict[str, Any], *, article: dict[str, Any],
                  extractor_version: str) -> dict[str, Any]:
    """An event record (gold format plus extras) as an `events` message."""
    codes = event_type_codes().get(event.get("type", ""), {})
    message = {k: event.get(k, codes.get(k)) for k in ("cameo", "plover_type", "plover_mode",
                                                      "channel")}
    message.update({
        "schema_version": SCHEMA_VERSION,
        "event_id": ids.event_id(article["id"], event),
        "article_id": article["id"],
        "url": article.get("url"),
        "published": article.get("published"),
        "source": article.get("source"),
        "type": event.get("type"),
        "date": event.get("date"),
        "precision": event.get("precision") or ("unknown" if not event.get("date") else "day"),
        "participants": [_participant(p) for p in event.get("participants") or []],
        "status": event.get("status") or "occurred",
        "evidence": event.get("evidence") or "",
        "evidence_spans": event.get("evidence_spans") or [],
        "confidence": float(event.get("confidence", 1.0)),
        "rule": event.get("rule"),
        "extractor_version": extractor_version,
        "extracted_at": utc_now(),
    })
    return message


def tally_message(tally: dict[str, Any], *, article: dict[str, Any],
                  extractor_version: str) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tally_id": ids.tally_id(tally),
        "article_id": article["id"],
        "url": article.get("url"),
        "published": article.get("published"),
        "actor": _participant(tally.get("actor") or {}),
        "type": tally.get("type"),
        "count": tally.get("count"),
        "qualifier": tally.get("qualifier") or "exact",
        "period": tally.get("period"),
        "evidence": tally.get("evidence") or "",
        "evidence_spans": tally.get("evidence_spans") or [],
        "rule": tally.get("rule"),
        "extractor_version": extractor_version,
        "extracted_at": utc_now(),
    }


def deadletter_message(*, stage: str, reason: str, payload: bytes | str | None,
                       error_type: str | None = None, article_id: str | None = None,
                       key: bytes | str | None = None, source_topic: str | None = None,
                       source_partition: int | None = None,
                       source_offset: int | None = None) -> dict[str, Any]:
    text, encoding, truncated = payload_as_text(payload, DEADLETTER_PAYLOAD_LIMIT)
    if isinstance(key, bytes):
        key = key.decode("utf-8", "replace")
    return {
        "schema_version": SCHEMA_VERSION,
        "stage": stage,
        "reason": reason or "unknown error",
        "error_type": error_type,
        "article_id": article_id,
        "source_topic": source_topic,
        "source_partition": source_partition,
        "source_offset": source_offset,
        "key": key,
        "payload": text,
        "payload_encoding": encoding,
        "payload_truncated": truncated,
        "failed_at": utc_now(),
    }


def _participant(p: dict[str, Any]) -> dict[str, Any]:
    out = {"name": p.get("name") or "", "country": p.get("country")}
    if p.get("org") or not p.get("country"):
        out["org"] = p.get("org")
    if p.get("title"):
        out["title"] = p["title"]
    return out


def receipt_message(*, article_id: str | None, outcome: str, events: int = 0, tallies: int = 0,
                    reason: str | None = None, extractor_version: str | None = None,
                    source_partition: int | None = None,
                    source_offset: int | None = None) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "article_id": article_id,
        "outcome": outcome,
        "reason": reason,
        "events": events,
        "tallies": tallies,
        "source_partition": source_partition,
        "source_offset": source_offset,
        "extractor_version": extractor_version,
        "processed_at": utc_now(),
    }
