"""The extractor's work on one batch of `articles` messages, without Kafka or Faust.

``handle_article`` turns one raw `articles` message into the messages to
publish (events, tallies, a receipt, or a dead letter), never raising for bad
input; ``handle_articles`` does a batch. They are three steps, so that the
extraction processes (``processes.py``) do nothing but ``extract``:

1. ``check_articles`` decodes and checks the batch, in the worker;
2. ``extract_jobs`` runs ``extract`` on what passed, in an extraction process,
   which gets texts and dates and gives back each result as JSON bytes;
3. ``batch_messages`` builds, validates and encodes the messages, in the worker.

An extraction process is what limits a worker's throughput: the work of steps
1 and 3 (about 60 us an article, 6% of its extraction) is done beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson

from services.common import schemas
from services.common.codec import decode_object, encode
from services.common.messages import (
    deadletter_message,
    event_key,
    event_message,
    receipt_message,
    tally_message,
)
from services.extractor import EXTRACTOR_VERSION, extract

Article = tuple[bytes | None, "SourcePosition"]  # an `articles` message: value, position
Message = tuple[str, bytes | None, bytes]  # a message to publish: topic role, key, value


@dataclass(frozen=True)
class Outgoing:
    """One message to publish: which topic (by role), its key and its value."""

    role: str  # "events" | "tallies" | "deadletter" | "processed"
    key: bytes | None
    value: bytes


@dataclass(frozen=True)
class SourcePosition:
    key: bytes | None = None
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None


@dataclass(frozen=True)
class Failure:
    """Why an article gives no events: its dead letter's reason and error type."""

    error_type: str
    reason: str

    @classmethod
    def of(cls, exc: Exception) -> Failure:
        # ValueError (DecodeError and InvalidMessage among them) says what is wrong with
        # the input; anything else is a fault of the extractor.
        reason = str(exc) if isinstance(exc, ValueError) else f"extractor failed: {exc!r}"
        return cls(type(exc).__name__, reason)


Job = tuple[str, date | None]  # what ``extract`` needs of one article: its text, its date
Extracted = bytes | Failure  # one article's extraction result as JSON, or why there is none


@dataclass(frozen=True)
class Accepted:
    """An article that passed its checks, waiting for its extraction."""

    payload: bytes  # for its dead letter, should its extraction fail
    article: dict[str, Any]
    position: SourcePosition


@dataclass
class CheckedBatch:
    """A batch of `articles` messages, checked: each one accepted or failed already."""

    outcomes: list[Accepted | list[Outgoing]] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)  # one per accepted article, in order


def check_articles(articles: list[Article], max_article_bytes: int) -> CheckedBatch:
    """Decode and check a batch; what is left to extract is in its ``jobs``."""
    batch = CheckedBatch()
    for payload, position in articles:
        outcome = check_article(payload, position, max_article_bytes)
        if isinstance(outcome, list):
            batch.outcomes.append(outcome)
        else:
            batch.outcomes.append(outcome[0])
            batch.jobs.append(outcome[1])
    return batch


def check_article(payload: bytes | None, position: SourcePosition,
                  max_article_bytes: int) -> tuple[Accepted, Job] | list[Outgoing]:
    """The article and its extraction job, or the messages of its failure."""
    article_id = position.key.decode("utf-8", "replace") if position.key else None
    try:
        article = decode_object(payload)
        article_id = article.get("id") if isinstance(article.get("id"), str) else article_id
        schemas.validate("article", article)
        text = article["text"]
        if not text.strip():
            raise ValueError("text is empty (only white space)")
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_article_bytes:
            raise ValueError(f"text of {size} bytes is over the limit of {max_article_bytes}")
        return Accepted(payload, article, position), (text, _published(article))
    except Exception as exc:  # bad input becomes a dead letter, never an exception
        return _failure(payload, position, article_id, Failure.of(exc))


def extract_jobs(jobs: list[Job]) -> list[Extracted]:
    """What ``extract`` gives for each job, as JSON: an extraction process sends back
    one bytes object per article, cheap to pass, and does no other work."""
    return [_extracted(text, published) for text, published in jobs]


def _extracted(text: str, published: date | None) -> Extracted:
    try:
        return orjson.dumps(extract(text, published))
    except Exception as exc:  # one article must not stop the batch
        return Failure.of(exc)


def batch_messages(batch: CheckedBatch, extracted: list[Extracted]) -> list[Message]:
    """The messages of a checked batch, given what its jobs gave, in the batch's order."""
    if len(extracted) != len(batch.jobs):  # a fault of the caller: fail the batch, loudly
        raise RuntimeError(f"{len(extracted)} extraction results for {len(batch.jobs)} jobs")
    results = iter(extracted)
    return [(out.role, out.key, out.value) for outcome in batch.outcomes
            for out in (outcome if isinstance(outcome, list) else
                        article_messages(outcome, next(results)))]


def article_messages(accepted: Accepted, extracted: Extracted) -> list[Outgoing]:
    """The messages of one accepted article, given what its extraction gave."""
    article, position = accepted.article, accepted.position
    if isinstance(extracted, Failure):
        return _failure(accepted.payload, position, article["id"], extracted)
    try:
        return _extraction_messages(article, orjson.loads(extracted), position)
    except Exception as exc:  # one article must not stop the batch
        return _failure(accepted.payload, position, article["id"], Failure.of(exc))


def handle_article(payload: bytes | None, position: SourcePosition,
                   max_article_bytes: int) -> list[Outgoing]:
    """The messages that one `articles` message gives, never raising for bad input."""
    outcome = check_article(payload, position, max_article_bytes)
    if isinstance(outcome, list):
        return outcome
    accepted, (text, published) = outcome
    return article_messages(accepted, _extracted(text, published))


def _published(article: dict[str, Any]) -> date | None:
    value = article.get("published")
    return date.fromisoformat(value) if value else None


def _extraction_messages(article: dict[str, Any], result: dict[str, Any],
                         position: SourcePosition) -> list[Outgoing]:
    out: list[Outgoing] = []
    for event in result.get("events", []):
        message = event_message(event, article=article, extractor_version=EXTRACTOR_VERSION)
        schemas.validate("event", message)
        out.append(Outgoing("events", event_key(message).encode(), encode(message)))
    for tally in result.get("tallies", []):
        message = tally_message(tally, article=article, extractor_version=EXTRACTOR_VERSION)
        schemas.validate("tally", message)
        actor = message["actor"].get("country") or message["actor"].get("org") or "?"
        out.append(Outgoing("tallies", actor.encode(), encode(message)))
    receipt = receipt_message(article_id=article["id"], outcome="extracted",
                              events=len(result.get("events", [])),
                              tallies=len(result.get("tallies", [])),
                              extractor_version=EXTRACTOR_VERSION,
                              source_partition=position.partition,
                              source_offset=position.offset)
    out.append(Outgoing("processed", article["id"].encode(), encode(receipt)))
    return out


def _failure(payload: bytes | None, position: SourcePosition, article_id: str | None,
             failure: Failure) -> list[Outgoing]:
    reason, error_type = failure.reason, failure.error_type
    letter = deadletter_message(stage="extract", reason=reason, payload=payload,
                                error_type=error_type, article_id=article_id, key=position.key,
                                source_topic=position.topic,
                                source_partition=position.partition,
                                source_offset=position.offset)
    receipt = receipt_message(article_id=article_id, outcome="deadletter", reason=reason,
                              extractor_version=EXTRACTOR_VERSION,
                              source_partition=position.partition,
                              source_offset=position.offset)
    receipt_key = (article_id or f"{position.partition}:{position.offset}").encode()
    return [Outgoing("deadletter", position.key, encode(letter)),
            Outgoing("processed", receipt_key, encode(receipt))]


def handle_articles(articles: list[Article], max_article_bytes: int) -> list[Message]:
    """The messages that a batch of `articles` messages gives, in their order."""
    batch = check_articles(articles, max_article_bytes)
    return batch_messages(batch, extract_jobs(batch.jobs))


def load_reference_data() -> None:
    """Load what ``extract`` needs now, so that no batch waits for it."""
    extract("Parley loads its reference data.", None)
