"""Kafka wiring of the aggregator: Faust agents and changelog-backed tables.

Flow (each arrow a topic, so each step is partitioned by what it needs):
  events --(re-keyed by bucket)--> canonicalize --> events.canonical
                                        \\--(re-keyed by actor)--> actor tables
  tallies --(re-keyed by actor)--> actor tables

Every table is keyed by a string whose prefix before ``|`` is the actor (or the
canonical id), and every stream that writes it is keyed by that same string, so
``table_route`` on the actor finds the worker that owns all of an actor's rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import faust

from services.aggregator import buckets as buckets_mod
from services.aggregator import canonical, index
from services.common import schemas
from services.common.codec import DecodeError, decode_object, encode
from services.common.faust_app import make_app, raw_topic
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
    # The app's default key serializer is "raw": a str key "CHN" is the bytes b"CHN", the
    # same bytes that key the stream writing it, so table_route finds the owning worker.
    return app.Table(name, default=None, partitions=settings.partitions, key_type=str,
                     help=help_text)


def build_tables(app: faust.App, settings: Settings) -> AggregatorTables:
    actor_help = {
        "calls_per_month": "actor|month -> canonical ids of distinct phone calls",
        "events_per_month": "actor|month -> {type: canonical ids}",
        "channels_per_month": "actor|month -> {channel: canonical ids}",
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
               "events_per_month", "channels_per_month", "counterparts", "actor_events")


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
    changelogs = {f"{app_id}-{name}-changelog": {"cleanup.policy": "compact"}
                  for name in TABLE_NAMES}
    return {**{key: {} for key in internal_topics(settings).values()}, **changelogs}


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


def _canonicalize_agents(app: faust.App, settings: Settings, tables: AggregatorTables,
                         topics: dict[str, faust.TopicT]) -> None:
    @app.agent(topics["events"], concurrency=1)
    async def rekey_events(stream: faust.StreamT) -> None:
        async for message in stream.events():
            event, error = _decoded_event(message.message.value)
            if error:
                letter = deadletter_message(
                    stage="aggregate", reason=error, payload=message.message.value,
                    key=message.message.key, source_topic=message.message.topic,
                    source_partition=message.message.partition,
                    source_offset=message.message.offset)
                await topics["deadletter"].send(key=message.message.key, value=encode(letter))
                continue
            await topics["by_bucket"].send(key=canonical.bucket_key(event).encode(),
                                           value=message.message.value)

    @app.agent(topics["by_bucket"], concurrency=1)
    async def canonicalize(stream: faust.StreamT) -> None:
        async for payload in stream:
            event = decode_object(payload)
            for role, key, message in canonicalize_event(tables.buckets, event):
                target = topics["canonical"] if role == "canonical" else topics["by_actor"]
                await target.send(key=key.encode(), value=encode(message))

    @app.agent(topics["canonical"], concurrency=1)
    async def store_canonical(stream: faust.StreamT) -> None:
        async for message in stream.events():
            store_canonical_record(tables, decode_object(message.message.value))


def canonicalize_event(buckets: Any, event: dict[str, Any]) -> list[buckets_mod.Output]:
    """Add one event to its bucket (a table); return the messages that publish it."""
    key = canonical.bucket_key(event)
    state, outputs = buckets_mod.apply_event(buckets.get(key), event)
    if state is not None:
        buckets[key] = state
    return outputs


def _decoded_event(payload: bytes | None) -> tuple[dict[str, Any], str | None]:
    try:
        event = decode_object(payload)
        schemas.validate("event", event)
    except (DecodeError, schemas.InvalidMessage) as exc:
        return {}, str(exc)
    return event, None


def _actor_agents(app: faust.App, tables: AggregatorTables,
                  topics: dict[str, faust.TopicT]) -> None:
    @app.agent(topics["tallies"], concurrency=1)
    async def rekey_tallies(stream: faust.StreamT) -> None:
        async for message in stream.events():
            try:
                tally = decode_object(message.message.value)
                schemas.validate("tally", tally)
            except (DecodeError, schemas.InvalidMessage) as exc:
                letter = deadletter_message(stage="aggregate", reason=str(exc),
                                            payload=message.message.value,
                                            source_topic=message.message.topic,
                                            source_partition=message.message.partition,
                                            source_offset=message.message.offset)
                await topics["deadletter"].send(value=encode(letter))
                continue
            for actor in canonical.actors_of([tally["actor"]]):
                op = {"op": "tally", "actor": actor, "tally": tally}
                await topics["by_actor"].send(key=actor.encode(), value=encode(op))

    @app.agent(topics["by_actor"], concurrency=1)
    async def update_actor_tables(stream: faust.StreamT) -> None:
        async for payload in stream:
            apply_actor_op(tables, decode_object(payload))


def apply_actor_op(tables: AggregatorTables, op: dict[str, Any]) -> None:
    """Apply one operation to every table row of its actor (idempotent)."""
    actor = op["actor"]
    if op["op"] == "tally":
        rows = dict(tables.tallies.get(actor) or {})
        rows[op["tally"]["tally_id"]] = op["tally"]
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
