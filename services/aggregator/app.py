"""Kafka wiring of the aggregator: Faust agents and changelog-backed tables.

Flow (each arrow a topic, so each step is partitioned by what it needs):
  events --(re-keyed by bucket)--> canonicalize --> events.canonical
                                        \\--(re-keyed by actor)--> actor tables
  tallies --(re-keyed by actor)--> actor tables

Faust writes a table row to the changelog partition of the message being
processed. The actor tables are written only while processing `ops-by-actor`
messages keyed by the actor, so every ``actor|month`` row of an actor lies in the
partition Kafka's partitioner gives the actor alone; ``routing.py`` computes that
partition to find the worker that owns the rows. Faust's own ``route_req`` would
hash the whole row key and must not be used on these tables.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import faust

from services.aggregator import buckets as buckets_mod
from services.aggregator import canonical, index
from services.common import schemas
from services.common.codec import DecodeError, decode_object, encode
from services.common.faust_app import make_app, raw_topic
from services.common.kafka import MAX_MESSAGE_BYTES
from services.common.messages import deadletter_message
from services.common.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class AggregatorTables:
    """The tables of one aggregator app, by name."""

    buckets: faust.Table
    canonical_events: faust.Table
    actor_months: faust.Table
    tallies: faust.Table
    actor_tables: dict[str, faust.Table]

    def by_name(self) -> dict[str, faust.Table]:
        return {"canonical_events": self.canonical_events, "tallies": self.tallies,
                "actor_months": self.actor_months, **self.actor_tables}


def _table(app: faust.App, name: str, settings: Settings, help_text: str) -> faust.Table:
    # Keys are str with the app's default "raw" serializer: "CHN" is the bytes b"CHN",
    # the same bytes that key the stream writing it.
    return app.Table(name, default=None, partitions=settings.partitions, key_type=str,
                     help=help_text)


def build_tables(app: faust.App, settings: Settings) -> AggregatorTables:
    actor_help = {
        "calls_per_month": "actor|month -> canonical ids of distinct phone calls",
        "events_per_month": "actor|month -> {type: canonical ids}",
        "counterparts": "actor|month -> {counterpart: canonical ids}",
        "actor_events": "actor|month -> {canonical id: summary}",
    }
    return AggregatorTables(
        buckets=_table(app, "buckets", settings, "type|parties -> {event id: mention}"),
        canonical_events=_table(app, "canonical_events", settings,
                                "canonical id -> canonical event"),
        actor_months=_table(app, "actor_months", settings, "actor -> months with events"),
        tallies=_table(app, "tallies", settings, "actor -> {tally id: reported tally}"),
        actor_tables={name: _table(app, name, settings, text)
                      for name, text in actor_help.items()},
    )


def build_aggregator_app(settings: Settings, *, web_port: int | None = None) -> faust.App:
    """The aggregator worker: canonical events, actor tables and the query API."""
    app = make_app("aggregator", settings, web_port=web_port or settings.aggregator_web_port)
    tables = build_tables(app, settings)
    topics = _topics(app, settings)
    _canonicalize_agents(app, settings, tables, topics)
    _actor_agents(app, tables, topics)
    from services.aggregator.views import register_views

    register_views(app, tables)
    return app


TABLE_NAMES = ("buckets", "canonical_events", "actor_months", "tallies", "calls_per_month",
               "events_per_month", "counterparts", "actor_events")


def internal_topics(settings: Settings) -> dict[str, str]:
    """The aggregator's repartition topics, by role."""
    app_id = f"{settings.app_prefix}-aggregator"
    return {"by_bucket": f"{app_id}-events-by-bucket", "by_actor": f"{app_id}-ops-by-actor"}


def topics_to_create(settings: Settings) -> dict[str, dict[str, str]]:
    """Repartition and changelog topics, with their configs, made before the worker starts.

    Faust would create them itself, but asynchronously: an agent that starts
    before the metadata shows them crashes on a partition-count mismatch.
    """
    app_id = f"{settings.app_prefix}-aggregator"
    big = {"max.message.bytes": str(MAX_MESSAGE_BYTES)}
    changelogs = {f"{app_id}-{name}-changelog": {"cleanup.policy": "compact", **big}
                  for name in TABLE_NAMES}
    return {**{key: dict(big) for key in internal_topics(settings).values()}, **changelogs}


def _topics(app: faust.App, settings: Settings) -> dict[str, faust.TopicT]:
    internal = {"partitions": settings.partitions, "internal": True}
    names = internal_topics(settings)
    return {
        "events": raw_topic(app, settings.topic_events),
        "tallies": raw_topic(app, settings.topic_tallies),
        "deadletter": raw_topic(app, settings.topic_deadletter),
        "canonical": raw_topic(app, settings.topic_canonical),
        "by_bucket": raw_topic(app, names["by_bucket"], **internal),
        "by_actor": raw_topic(app, names["by_actor"], **internal),
    }


Outgoing = list[tuple[str, bytes | None, bytes]]  # (topic role, key, value)
PRECISION_LENGTH = {"day": 10, "month": 7, "year": 4}


def _guarded_agent(app: faust.App, name: str, source: faust.TopicT,
                   topics: dict[str, faust.TopicT],
                   handle: Callable[[Any], Outgoing]) -> None:
    """An agent that sends what ``handle`` returns, and dead-letters what makes it fail.

    Faust acknowledges a message whose handler raised and restarts the agent, so
    without this the message would be skipped silently.
    """
    async def run(stream: faust.StreamT) -> None:
        async for event in stream.events():
            message = event.message
            try:
                outgoing = handle(message)
            except Exception as exc:  # a bad message must not stop or vanish from the stream
                log.warning("%s: %s at %s:%s", name, exc, message.partition, message.offset)
                outgoing = [("deadletter", message.key, _letter(message, exc))]
            for role, key, value in outgoing:
                await topics[role].send(key=key, value=value)

    run.__name__ = name
    app.agent(source, name=name, concurrency=1)(run)


def _letter(message: Any, exc: Exception) -> bytes:
    reason = str(exc) if isinstance(exc, (DecodeError, schemas.InvalidMessage, ValueError)) \
        else f"{type(exc).__name__}: {exc}"
    return encode(deadletter_message(
        stage="aggregate", reason=reason or type(exc).__name__, payload=message.value,
        error_type=type(exc).__name__, key=message.key, source_topic=message.topic,
        source_partition=message.partition, source_offset=message.offset))


def _canonicalize_agents(app: faust.App, settings: Settings, tables: AggregatorTables,
                         topics: dict[str, faust.TopicT]) -> None:
    def rekey_event(message: Any) -> Outgoing:
        event = valid_event(message.value)
        return [("by_bucket", canonical.bucket_key(event).encode(), message.value)]

    def canonicalize(message: Any) -> Outgoing:
        event = decode_object(message.value)
        position = f"{message.partition}:{message.offset}"
        return [("canonical" if role == "canonical" else "by_actor", key.encode(), encode(value))
                for role, key, value in canonicalize_event(tables.buckets, event, position)]

    def store_canonical(message: Any) -> Outgoing:
        record = decode_object(message.value)
        schemas.validate("canonical_event", record)
        store_canonical_record(tables, record)
        return []

    _guarded_agent(app, "rekey_events", topics["events"], topics, rekey_event)
    _guarded_agent(app, "canonicalize", topics["by_bucket"], topics, canonicalize)
    _guarded_agent(app, "store_canonical", topics["canonical"], topics, store_canonical)


def canonicalize_event(buckets: Any, event: dict[str, Any],
                       position: str) -> list[buckets_mod.Output]:
    """Add one event, read at ``position`` of the repartition topic, to its bucket."""
    key = canonical.bucket_key(event)
    state, outputs = buckets_mod.apply_event(buckets.get(key), event, position)
    if state is not None:
        buckets[key] = state
    return outputs


def valid_event(payload: bytes | None) -> dict[str, Any]:
    """An `events` message that the tables can count, else ValueError with the reason."""
    event = decode_object(payload)
    schemas.validate("event", event)
    size = PRECISION_LENGTH.get(event["precision"])
    date = event.get("date")
    if size and (not date or len(date) != size):
        raise ValueError(f"date {date!r} does not have precision {event['precision']!r}")
    return event


def _actor_agents(app: faust.App, tables: AggregatorTables,
                  topics: dict[str, faust.TopicT]) -> None:
    def rekey_tally(message: Any) -> Outgoing:
        tally = decode_object(message.value)
        schemas.validate("tally", tally)
        return [("by_actor", actor.encode(), encode({"op": "tally", "actor": actor,
                                                      "tally": tally}))
                for actor in canonical.actors_of([tally["actor"]])]

    def update_actor_tables(message: Any) -> Outgoing:
        apply_actor_op(tables, decode_object(message.value))
        return []

    _guarded_agent(app, "rekey_tallies", topics["tallies"], topics, rekey_tally)
    _guarded_agent(app, "update_actor_tables", topics["by_actor"], topics, update_actor_tables)


def apply_actor_op(tables: AggregatorTables, op: dict[str, Any]) -> None:
    """Apply one operation to every table row of its actor (idempotent)."""
    actor = op["actor"]
    if op["op"] == "tally":
        rows = dict(tables.tallies.get(actor) or {})
        rows[op["tally"]["tally_id"]] = merged_tally(rows.get(op["tally"]["tally_id"]),
                                                     op["tally"])
        _store(tables.tallies, actor, rows)
        return
    month = op["summary"]["month"]
    key = index.row_key(actor, month)
    for name, table in tables.actor_tables.items():
        _store(table, key, index.apply_op(name, table.get(key), op))
    months = set(tables.actor_months.get(actor) or [])
    if tables.actor_tables["actor_events"].get(key):
        months.add(month)
    else:
        months.discard(month)
    _store(tables.actor_months, actor, sorted(months))


def merged_tally(known: dict[str, Any] | None, tally: dict[str, Any]) -> dict[str, Any]:
    """One row per reported count, with every article that reported it."""
    articles = set((known or {}).get("article_ids", [])) | {tally["article_id"]}
    first = known or tally
    return {**first, "article_ids": sorted(articles)}


def store_canonical_record(tables: AggregatorTables, record: dict[str, Any]) -> None:
    """Keep the latest version of a canonical event; a tombstone removes it."""
    _store(tables.canonical_events, record["canonical_id"],
           None if record.get("deleted") else record)


def _store(table: Any, key: str, value: Any) -> None:
    """Write a row only when it changes: every write is a changelog message."""
    current = table.get(key)
    if value == current:
        return
    if value:
        table[key] = value
    elif current is not None:
        del table[key]
