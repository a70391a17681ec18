"""The extractor's work on one batch of `articles` messages, without Kafka or Faust.

``handle_article`` turns one raw `articles` message into the messages to
publish (events, tallies, a receipt, or a dead letter), never raising for bad
input. ``handle_articles`` does a batch, and is what the extractor worker runs
in its extraction processes (``processes.py``): its arguments and results are
plain bytes, tuples and small dataclasses, cheap to pass between processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from services.common import schemas
from services.common.codec import DecodeError, decode_object, encode
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


def handle_article(payload: bytes | None, position: SourcePosition,
                   max_article_bytes: int) -> list[Outgoing]:
    """The messages that one `articles` message gives, never raising for bad input."""
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
        result = extract(text, _published(article))
        return _extraction_messages(article, result, position)
    except (DecodeError, schemas.InvalidMessage, ValueError) as exc:
        return _failure(payload, position, article_id, str(exc), type(exc).__name__)
    except Exception as exc:  # an extractor bug must not stop the stream
        return _failure(payload, position, article_id, f"extractor failed: {exc!r}",
                        type(exc).__name__)


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
             reason: str, error_type: str) -> list[Outgoing]:
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
    return [(out.role, out.key, out.value) for payload, position in articles
            for out in handle_article(payload, position, max_article_bytes)]


def load_reference_data() -> None:
    """Load what ``extract`` needs now, so that no batch waits for it."""
    extract("Parley loads its reference data.", None)
