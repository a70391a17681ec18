"""Kafka wiring of the aggregator: Faust agents and changelog-backed tables.

Flow (each arrow a topic, so each step is partitioned by what it needs):
  events (keyed by bucket) --> canonicalize --> canonical_events (its changelog is
                                    \\              events.canonical)
                                     \\--(re-keyed by actor)--> actor tables
  tallies --(re-keyed by actor)--> actor tables
An event keyed otherwise goes through the repartition topic ``events-by-bucket``
first; the two topics are co-partitioned, so either can write a bucket.

``events.canonical`` is both the topic downstream consumers read and the
changelog of ``canonical_events``: a canonical event is written once, in the
partition of its bucket, and no agent reads it back. A lookup by canonical id
therefore asks every worker that owns a partition of it (``views.py``).

Faust writes a table row to the changelog partition of the message being
processed (a batch names it per partition: ``faust_app.writing_for``). The actor
tables are written only while processing `ops-by-actor` messages, each bound for
the partition Kafka's partitioner gives its actors' names, so every
``actor|month|id`` row of an actor lies in the partition of the actor alone;
``routing.py`` computes that partition to find the worker that owns the rows.
Faust's own ``route_req`` would hash the whole row key and must not be used on
these tables.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import faust
from faust.streams import current_event

from services.aggregator import buckets as buckets_mod
from services.aggregator import canonical, index
from services.aggregator.index import ActorMonthRows, MonthIndex
from services.aggregator.routing import partition_for
from services.common import schemas
from services.common.codec import DecodeError, decode_object, encode
from services.common.faust_app import (
    make_app,
    process_in_batches,
    raw_topic,
    sender_of,
    writing_for,
)
from services.common.kafka import MAX_MESSAGE_BYTES, consumer_lag, topic_configs
from services.common.messages import deadletter_message
from services.common.sending import BatchedSender
from services.common.settings import Settings

log = logging.getLogger(__name__)
TABLE_NAMES = ("buckets", "canonical_events", "actor_events", "tallies")  # changelog-backed


@dataclass
class AggregatorTables:
    """The tables of one aggregator app, and the in-memory index of months beside them."""

    buckets: Any
    canonical_events: Any
    actor_events: Any
    tallies: Any
    actor_months: MonthIndex = field(default_factory=MonthIndex)

    def by_name(self) -> dict[str, Any]:
        """The tables as the queries read them (``actor_events`` by actor and month)."""
        return {"canonical_events": self.canonical_events, "tallies": self.tallies,
                "actor_months": self.actor_months,
                "actor_events": ActorMonthRows(self.actor_events, self.actor_months)}

    def buffered(self) -> BufferedTables:
        """These tables seen through one batch's writes (the index is written directly)."""
        tables = (RowBuffer(getattr(self, name)) for name in TABLE_NAMES)
        return BufferedTables(*tables, actor_months=self.actor_months)


RowWriter = Callable[[Any, Any, Any], None]  # (table, key, value or None to delete)


class RowBuffer:
    """A table seen through the writes of one batch.

    Reads see the batch's own writes; ``flush`` writes each changed row to the
    table once, so a row that a batch touches a hundred times costs one
    changelog message, not a hundred.
    """

    def __init__(self, table: Any) -> None:
        self.table = table
        self.rows: dict[Any, Any] = {}

    def get(self, key: str | bytes, default: Any = None) -> Any:
        value = self.rows[key] if key in self.rows else self.table.get(key)
        return default if value is None else value

    def __setitem__(self, key: str | bytes, value: Any) -> None:
        self.rows[key] = value

    def __delitem__(self, key: str | bytes) -> None:
        self.rows[key] = None

    def flush(self, write: RowWriter | None = None) -> None:
        """Write each changed row to the table, with ``write`` (default: ``_store``)."""
        for key, value in self.rows.items():
            (write or _store)(self.table, key, value)
        self.rows.clear()


class BufferedTables(AggregatorTables):
    def flush(self, write: RowWriter | None = None) -> None:
        for name in TABLE_NAMES:
            getattr(self, name).flush(write)


class ChangelogRows:
    """Writes a Faust table's rows as ``table[key] = value`` would, but queues their
    changelog records on the app's sender, to go out in the batch's record batches.

    Faust's own write sends each row through its producer buffer with a future
    of its own (``Table.on_key_set``). The row in the store, its key and value
    bytes, its changelog partition (that of the message being processed,
    ``writing_for``) and the persisted offset a RocksDB store keeps are the same
    here; Faust's sensors and ``on_produce_message`` signal, which Parley does
    not use, are not called.
    """

    def __init__(self, sender: BatchedSender) -> None:
        self.sender = sender
        self._topics: dict[str, str] = {}  # table name -> changelog topic

    def __call__(self, table: Any, key: Any, value: Any) -> None:
        if not _changes(table.get(key), value):
            return
        if value:
            table.data[key] = value
        else:
            del table.data[key]
        changelog = table.changelog_topic
        record_key = changelog.prepare_key(key, table.key_serializer)[0]
        record_value = changelog.prepare_value(value, table.value_serializer)[0] if value \
            else None  # a tombstone, as Faust's on_key_del sends
        self.sender.add(self._topic_of(table), record_key, record_value,
                        partition=current_event().message.partition)

    def _topic_of(self, table: Any) -> str:
        topic = self._topics.get(table.name)
        if topic is None:
            topic = self._topics[table.name] = table.changelog_topic.get_topic_name()
            self.sender.on_delivered(topic, lambda tp, offset:
                                     table.data.set_persisted_offset(tp, offset))
        return topic


def _table(app: faust.App, name: str, settings: Settings, help_text: str) -> faust.Table:
    # Keys are str, JSON in the changelog (the app's default key serializer). A row's
    # changelog partition is that of the message being processed (``writing_for``),
    # which ``routing.partition_for`` computes from the raw key bytes of that message.
    return app.Table(name, default=None, partitions=settings.partitions, key_type=str,
                     help=help_text)


def _canonical_table(app: faust.App, settings: Settings) -> faust.Table:
    # Keys are bytes (Faust's raw serializer): consumers of events.canonical read the
    # canonical id as it is, not as a JSON string. The other options are those Faust
    # gives its own changelogs: without acks=False, recovery would track every offset
    # that compaction removed as a gap (an interval tree merged at each one).
    topic = app.topic(settings.topic_canonical, key_type=bytes, key_serializer="raw",
                      partitions=settings.partitions, acks=False, internal=True,
                      compacting=True, allow_empty=True, maxsize=131_072,
                      config=topic_configs(settings)[settings.topic_canonical])
    return app.Table("canonical_events", default=None, partitions=settings.partitions,
                     key_type=bytes, changelog_topic=topic,
                     help="canonical id -> canonical event, or the tombstone that retired it")


def build_tables(app: faust.App, settings: Settings) -> AggregatorTables:
    def table(name: str, help_text: str) -> faust.Table:
        return _table(app, name, settings, help_text)

    return AggregatorTables(
        buckets=table("buckets", "type|parties|year -> mentions, retired and published"),
        canonical_events=_canonical_table(app, settings),
        actor_events=table("actor_events", "actor|month|canonical id -> summary"),
        tallies=table("tallies", "actor -> {tally id: reported tally}"),
    )


def build_aggregator_app(settings: Settings, *, web_port: int | None = None) -> faust.App:
    """The aggregator worker: canonical events, actor tables and the query API."""
    app = make_app("aggregator", settings, web_port=web_port or settings.aggregator_web_port)
    tables = build_tables(app, settings)

    @tables.actor_events.on_recover
    async def index_months() -> None:
        skipped = tables.actor_months.rebuild(tables.actor_events.keys())
        if skipped:  # rows of another format: tables of an earlier version
            log.error("actor_events: %d rows of another key format are not served; rebuild "
                      "the tables from `events` under a new PARLEY_APP_ID", skipped)

    _canonicalize_agents(app, settings, tables)
    _actor_agents(app, settings, tables)
    from services.aggregator.views import register_views

    register_views(app, tables)
    return app




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
                  for name in TABLE_NAMES if name != "canonical_events"}
    return {**{key: dict(big) for key in internal_topics(settings).values()}, **changelogs}


async def refuse_an_earlier_canonical_layout(settings: Settings) -> None:
    """Exit when this group's tables were built by a version that read events.canonical back.

    That version kept each canonical event in the partition of its id; this one
    keeps it in its bucket's. Recovering both would hold one id in two
    partitions. Only that version committed offsets of events.canonical.
    """
    group = f"{settings.app_prefix}-aggregator"
    committed, _ = (await consumer_lag(settings, group, [settings.topic_canonical])).get(
        settings.topic_canonical, (0, 0))
    if committed:
        raise SystemExit(
            f"{settings.topic_canonical} was read by an earlier aggregator of {group} (it holds "
            "canonical events in their id's partition, not their bucket's): rebuild the tables "
            "from `events` under a new PARLEY_APP_ID and a new PARLEY_TOPIC_CANONICAL")


def _topics(settings: Settings) -> dict[str, str]:
    """Topic names by role."""
    return {"events": settings.topic_events, "tallies": settings.topic_tallies,
            "deadletter": settings.topic_deadletter,
            **internal_topics(settings)}


Outgoing = list[tuple[str, bytes | None, bytes]]  # (topic role, key, value)
BatchHandler = Callable[[BufferedTables, list[Any]], Outgoing]
PRECISION_LENGTH = {"day": 10, "month": 7, "year": 4}
OPS_PER_MESSAGE = 500  # keeps an ops message far below the broker's size limit


def _batch_agent(app: faust.App, name: str, source: str, settings: Settings,
                 tables: AggregatorTables, handle: BatchHandler) -> None:
    """An agent that hands ``handle`` one partition's messages of a batch at a time.

    ``handle`` reads and writes the tables through a buffer that is flushed to
    them after the messages, queueing their rows for that partition's changelog;
    then the rows and what ``handle`` returns are sent, one record batch per
    partition.
    """
    topics = _topics(settings)
    partitions = settings.partitions if source in internal_topics(settings).values() else None
    write = ChangelogRows(sender_of(app))

    def handle_runs(runs: list[list[Any]]) -> list[tuple[str, bytes | None, bytes]]:
        outgoing: Outgoing = []
        for events in runs:
            with writing_for(events[-1]):
                buffered = tables.buffered()
                outgoing += handle(buffered, [e.message for e in events])
                buffered.flush(write)
        return [(topics[role], key, value) for role, key, value in outgoing]

    async def run(stream: faust.StreamT) -> None:
        await process_in_batches(app, stream, settings, handle_runs)

    run.__name__ = name
    app.agent(raw_topic(app, source, partitions=partitions, internal=partitions is not None),
              name=name, concurrency=1)(run)


def _each(name: str, handle: Callable[[BufferedTables, Any], Outgoing]) -> BatchHandler:
    """A batch handler that handles messages one by one and dead-letters those that fail.

    Faust acknowledges a message whose handler raised and restarts the agent, so
    without this the message would be skipped silently.
    """
    def handle_all(tables: BufferedTables, messages: list[Any]) -> Outgoing:
        out: Outgoing = []
        for message in messages:
            try:
                out += handle(tables, message)
            except Exception as exc:  # a bad message must not stop or vanish from the stream
                log.warning("%s: %s at %s:%s", name, exc, message.partition, message.offset)
                out.append(("deadletter", message.key, _letter(message, exc)))
        return out

    return handle_all


def _letter(message: Any, exc: Exception) -> bytes:
    reason = str(exc) if isinstance(exc, (DecodeError, schemas.InvalidMessage, ValueError)) \
        else f"{type(exc).__name__}: {exc}"
    return encode(deadletter_message(
        stage="aggregate", reason=reason or type(exc).__name__, payload=message.value,
        error_type=type(exc).__name__, key=message.key, source_topic=message.topic,
        source_partition=message.partition, source_offset=message.offset))


def _canonicalize_agents(app: faust.App, settings: Settings, tables: AggregatorTables) -> None:
    _batch_agent(app, "canonicalize_events", settings.topic_events, settings, tables,
                 canonicalizer("canonicalize_events", rekey=True,
                               partitions=settings.partitions))
    _batch_agent(app, "canonicalize", internal_topics(settings)["by_bucket"], settings, tables,
                 canonicalizer("canonicalize", rekey=False, partitions=settings.partitions))


def canonicalizer(name: str, *, rekey: bool, partitions: int) -> BatchHandler:
    """Events into their buckets; with ``rekey``, an event whose message is not keyed by
    its bucket (a producer that keys otherwise) moves to the repartition topic first,
    since only its bucket's partition may hold its bucket."""
    tag = "e" if rekey else "b"  # positions of the two topics must not collide

    def handle_all(buffered: BufferedTables, messages: list[Any]) -> Outgoing:
        outputs: list[buckets_mod.Output] = []

        def one(_: BufferedTables, message: Any) -> Outgoing:
            event = valid_event(message.value)
            key = canonical.bucket_key(event).encode()
            if rekey and message.key != key:
                return [("by_bucket", key, message.value)]
            position = f"{tag}{message.partition}:{message.offset}"
            outputs.extend(canonicalize_event(buffered.buckets, event, position))
            return []

        moved = _each(name, one)(buffered, messages)
        for role, _, record in outputs:
            if role == "canonical":
                store_canonical_record(buffered, record)
        return moved + grouped_outputs(outputs, partitions)

    return handle_all


def grouped_outputs(outputs: list[buckets_mod.Output], partitions: int) -> Outgoing:
    """The messages for a batch's actor operations: those bound for each partition of
    ``ops-by-actor``, in their order, many to a message (canonical records are rows).

    Actors whose keys share a partition share a worker and a changelog partition,
    so one message carries the operations of all of them; it is keyed by one of
    them, which puts it in that partition.
    """
    ops: dict[int, list[dict[str, Any]]] = {}
    for role, key, value in outputs:
        if role == "actor":
            ops.setdefault(actor_partition(key, partitions), []).append(value)
    out: Outgoing = []
    for partition_ops in ops.values():
        out += [("by_actor", chunk[0]["actor"].encode(), encode({"ops": chunk}))
                for chunk in _chunks(partition_ops, OPS_PER_MESSAGE)]
    return out


@lru_cache(maxsize=65536)
def actor_partition(actor: str, partitions: int) -> int:
    return partition_for(actor.encode(), partitions)


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


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


def _actor_agents(app: faust.App, settings: Settings, tables: AggregatorTables) -> None:
    def rekey_tally(_: BufferedTables, message: Any) -> Outgoing:
        tally = decode_object(message.value)
        schemas.validate("tally", tally)
        return [("by_actor", actor.encode(),
                 encode({"ops": [{"op": "tally", "actor": actor, "tally": tally}]}))
                for actor in canonical.actors_of([tally["actor"]])]

    def update_actor_tables(buffered: BufferedTables, message: Any) -> Outgoing:
        for op in decode_object(message.value)["ops"]:
            apply_actor_op(buffered, op)
        return []

    _batch_agent(app, "rekey_tallies", settings.topic_tallies, settings, tables,
                 _each("rekey_tallies", rekey_tally))
    _batch_agent(app, "update_actor_tables", internal_topics(settings)["by_actor"], settings,
                 tables, _each("update_actor_tables", update_actor_tables))


def apply_actor_op(tables: AggregatorTables, op: dict[str, Any]) -> None:
    """Apply one operation to the table rows of its actor (idempotent)."""
    actor = op["actor"]
    if op["op"] == "tally":
        rows = dict(tables.tallies.get(actor) or {})
        rows[op["tally"]["tally_id"]] = merged_tally(rows.get(op["tally"]["tally_id"]),
                                                     op["tally"])
        _store(tables.tallies, actor, rows)
        return
    summary = op["summary"]
    month, canonical_id = summary["month"], summary["canonical_id"]
    present = op["op"] == "upsert"
    _store(tables.actor_events, index.row_key(actor, month, canonical_id),
           summary if present else None)
    tables.actor_months.update(actor, month, canonical_id, present=present)


def merged_tally(known: dict[str, Any] | None, tally: dict[str, Any]) -> dict[str, Any]:
    """One row per reported count, with every article that reported it."""
    articles = set((known or {}).get("article_ids", [])) | {tally["article_id"]}
    first = known or tally
    return {**first, "article_ids": sorted(articles)}


def store_canonical_record(tables: AggregatorTables, record: dict[str, Any]) -> None:
    """Keep the latest version of a canonical event, or the tombstone that retired it.

    The row's changelog record is the `events.canonical` message downstream
    consumers read, so a retired id keeps its tombstone (``merged_into``).
    """
    _store(tables.canonical_events, canonical.row_key(record["canonical_id"]), record)


def _store(table: Any, key: str | bytes, value: Any) -> None:
    """Write a row only when it changes: every write is a changelog message."""
    current = table.get(key)
    if not _changes(current, value):
        return
    if value:
        table[key] = value
    else:
        del table[key]


def _changes(current: Any, value: Any) -> bool:
    """Whether writing ``value`` (None or empty: delete) over ``current`` changes the row."""
    return value != current and bool(value or current is not None)
