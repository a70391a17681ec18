"""``parley ingest``: articles from files/stdin, or gold event records, onto Kafka."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from tqdm import tqdm

from services.common import schemas
from services.common.codec import encode
from services.common.kafka import ensure_topics, start_producer
from services.common.messages import deadletter_message, event_key, event_message, tally_message
from services.common.settings import Settings
from services.producer.articles import (
    RawRecord,
    RejectedArticle,
    form_of,
    input_files,
    records_from_bytes,
)
from services.producer.publish import ArticlePublisher

INGEST_VERSION = "gold-import"


def read_records(paths: list[Path]) -> Iterator[RawRecord]:
    """Records of every input, stdin for '-'; unreadable files become rejected records."""
    for path in paths:
        if str(path) == "-":
            yield from records_from_bytes(sys.stdin.buffer.read(), "stdin")
            continue
        if not path.exists():
            yield RawRecord(RejectedArticle(f"no such file: {path}"), str(path), b"")
            continue
        for file in input_files([path]):
            try:
                data = file.read_bytes()
            except OSError as exc:
                yield RawRecord(RejectedArticle(f"cannot read: {exc}"), str(file), b"")
                continue
            yield from records_from_bytes(data, str(file), form_of(file))


async def ingest_articles(settings: Settings, paths: list[Path], *,
                          quiet: bool = False) -> dict[str, Any]:
    await ensure_topics(settings)
    producer = await start_producer(settings)
    try:
        publisher = ArticlePublisher(producer, settings)
        records = read_records(paths)
        bulk = len(paths) > 1 or any(p.is_dir() or p.suffix in (".jsonl", ".json")
                                     for p in paths if str(p) != "-")
        with tqdm(records, unit=" articles", disable=quiet or not bulk, file=sys.stderr,
                  desc="ingest") as progress:
            summary = await publisher.publish_all(progress)
    finally:
        await producer.stop()
    return summary.as_dict()


def gold_messages(line: bytes) -> Iterator[tuple[str, bytes, bytes]]:
    """(role, key, value) for each event and tally of one gold-format line."""
    row = orjson.loads(line)
    article = {"id": str(row["id"]), "url": row.get("url"), "published": row.get("published"),
               "source": row.get("source")}
    for event in row.get("events", []):
        message = event_message(event, article=article, extractor_version=INGEST_VERSION)
        schemas.validate("event", message)
        yield "events", event_key(message).encode(), encode(message)
    for tally in row.get("tallies", []):
        message = tally_message(tally, article=article, extractor_version=INGEST_VERSION)
        schemas.validate("tally", message)
        actor = message["actor"].get("country") or message["actor"].get("org") or "?"
        yield "tallies", actor.encode(), encode(message)


async def ingest_events(settings: Settings, path: Path) -> dict[str, Any]:
    """Publish gold-format event records straight to `events`/`tallies` (no extraction).

    A line that is not a valid record is counted, reported and dead-lettered; the
    other lines are published.
    """
    await ensure_topics(settings)
    producer = await start_producer(settings)
    topics = {"events": settings.topic_events, "tallies": settings.topic_tallies}
    counts: dict[str, Any] = {"published": 0, "duplicates": 0, "rejected": 0, "errors": []}
    try:
        for number, line in enumerate(path.read_bytes().splitlines(), start=1):
            if not line.strip():
                continue
            try:
                messages = list(gold_messages(line))
            except Exception as exc:  # any malformed record: report it, keep going
                reason = f"{path}:{number}: {type(exc).__name__}: {exc}"
                counts["rejected"] += 1
                counts["errors"].append({"origin": f"{path}:{number}", "reason": reason})
                letter = deadletter_message(stage="ingest", reason=reason, payload=line,
                                            error_type=type(exc).__name__)
                await producer.send(settings.topic_deadletter, encode(letter))
                continue
            for role, key, value in messages:
                await producer.send(topics[role], value, key=key)
                counts["published"] += 1
        await producer.flush()
    finally:
        await producer.stop()
    return counts


def print_summary(summary: dict[str, Any], *, as_json: bool) -> None:
    if as_json:
        print(orjson.dumps({k: v for k, v in summary.items() if k != "ids"}).decode())
        return
    print(f"published: {summary['published']}  duplicates: {summary['duplicates']}  "
          f"rejected: {summary['rejected']}")
    for reason, count in (summary.get("rejected_reasons") or {}).items():
        print(f"  rejected {count}: {reason}")
    for error in summary.get("errors", [])[:20]:
        print(f"  {error['origin']}: {error['reason']}", file=sys.stderr)
