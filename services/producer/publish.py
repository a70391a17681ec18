"""Publishing articles to Kafka: keyed by article id, idempotent, with a summary."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaProducer

from services.common import schemas
from services.common.codec import encode
from services.common.messages import deadletter_message
from services.common.settings import Settings
from services.producer.articles import RawRecord, RejectedArticle, build_article


@dataclass
class IngestSummary:
    """What one ingest run did; duplicates are ids already published in this run."""

    published: int = 0
    duplicates: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    ids: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"published": self.published, "duplicates": self.duplicates,
                "rejected": sum(self.rejected.values()), "rejected_reasons": dict(self.rejected),
                "ids": self.ids, "errors": self.errors}


class ArticlePublisher:
    """Validates records and publishes them; rejected ones go to the dead-letter topic."""

    def __init__(self, producer: AIOKafkaProducer, settings: Settings) -> None:
        self.producer = producer
        self.settings = settings
        self.summary = IngestSummary()
        self._seen: set[str] = set()
        self._pending: list[asyncio.Future[Any]] = []

    async def publish(self, record: RawRecord) -> str | None:
        """Queue one record; returns its article id, or None when it was rejected."""
        try:
            if isinstance(record.value, RejectedArticle):
                raise record.value
            article = build_article(record.value, source=_source_of(record.origin),
                                    max_bytes=self.settings.max_article_bytes)
            schemas.validate("article", article)
        except (RejectedArticle, schemas.InvalidMessage) as exc:
            await self._reject(record, str(exc))
            return None
        article_id = article["id"]
        if article_id in self._seen:
            self.summary.duplicates += 1
            return article_id
        self._seen.add(article_id)
        self._pending.append(await self.producer.send(
            self.settings.topic_articles, encode(article), key=article_id.encode()))
        self.summary.published += 1
        self.summary.ids.append(article_id)
        if len(self._pending) >= 1000:
            await self.flush()
        return article_id

    async def publish_all(self, records: Iterable[RawRecord]) -> IngestSummary:
        for record in records:
            await self.publish(record)
        await self.flush()
        return self.summary

    async def flush(self) -> None:
        """Wait until every queued message is acknowledged by the broker."""
        pending, self._pending = self._pending, []
        if pending:
            await asyncio.gather(*pending)

    async def _reject(self, record: RawRecord, reason: str) -> None:
        self.summary.rejected[_reason_kind(reason)] += 1
        self.summary.errors.append({"origin": record.origin, "reason": reason})
        letter = deadletter_message(stage="ingest", reason=f"{record.origin}: {reason}",
                                    payload=record.payload, error_type="RejectedArticle")
        self._pending.append(await self.producer.send(
            self.settings.topic_deadletter, encode(letter)))


def _reason_kind(reason: str) -> str:
    """A short, countable form of a reason ('line 3: invalid JSON: ...' -> 'invalid JSON')."""
    parts = [p.strip() for p in reason.split(":")]
    if parts and parts[0].startswith("line ") and len(parts) > 1:
        parts = parts[1:]
    return parts[0][:80] if parts else "unknown"


def _source_of(origin: str) -> str | None:
    if origin in ("-", "stdin") or origin.startswith(("http", "-")):
        return None
    return origin.split(":")[0].split("[")[0].rsplit("/", 1)[-1] or None
