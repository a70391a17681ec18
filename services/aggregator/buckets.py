"""One bucket's state and the messages that publish it: pure, replay-safe.

A bucket keeps every mention of one type between one set of parties, the
canonical events it has retired (absorbed into others), and, per canonical
event, every actor it was ever published for. A new mention publishes what
changed. The same mention read again from the same position of the repartition
topic means the message is being processed again after a crash: what the first
attempt published may or may not have reached Kafka, so the bucket's whole state
is published again, removals included. The same mention from another position
is a duplicate report and publishes nothing. Every output is idempotent (upserts
and removals of set members), so publishing twice is harmless.
"""

from __future__ import annotations

from typing import Any

from services.aggregator import canonical, index

Output = tuple[str, str, dict[str, Any]]  # (role: canonical | actor, key, message)
State = dict[str, Any]


def apply_event(state: State | None, event: dict[str, Any],
                position: str) -> tuple[State | None, list[Output]]:
    """(new state, or None when unchanged; the messages to publish) for one event."""
    bucket = canonical.bucket_key(event)
    known_mentions = (state or {}).get("mentions", {})
    retired = dict((state or {}).get("retired", {}))
    published = dict((state or {}).get("published", {}))
    known = known_mentions.get(event["event_id"])
    if known is not None:
        if known.get("position") != position:
            return None, []
        return None, republish(canonical.canonical_events(bucket, known_mentions), retired,
                               published)
    mentions = {**known_mentions,
                event["event_id"]: {**canonical.mention_of(event), "position": position}}
    before, after = _changed_records(bucket, known_mentions, mentions)
    retired.update({cid: record for cid, record in before.items() if cid not in after})
    for cid, record in after.items():
        if index.month_of(record):
            published[cid] = sorted(set(published.get(cid, [])) | set(record["actors"]))
    state = {"mentions": mentions, "retired": retired, "published": published}
    return state, changes(before, after)


def _changed_records(bucket: str, old: dict[str, canonical.Mention],
                     new: dict[str, canonical.Mention]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The canonical records before and after that a new mention can have changed.

    Grouping is cheap and building records is not, so records are built only
    for groups whose mentions differ (and planned ones): a bucket with thousands
    of mentions costs one regrouping per mention, not thousands of records.
    Unchanged groups give equal records, which ``changes`` would skip anyway.
    """
    groups_before = canonical.grouped(bucket, old)
    groups_after = canonical.grouped(bucket, new)
    changed = {cid for cid in groups_before.keys() | groups_after.keys()
               if groups_before.get(cid) != groups_after.get(cid)}
    return (canonical.records_of(bucket, old, groups_before, changed),
            canonical.records_of(bucket, new, groups_after, changed))


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[Output]:
    """Messages that take the canonical topic and the actor tables from before to after."""
    updated, tombstones = canonical.changes(before, after)
    out: list[Output] = [("canonical", r["canonical_id"], r) for r in updated + tombstones]
    for cid in sorted(set(before) | set(after)):
        if before.get(cid) != after.get(cid):
            out += _ops(index.index_ops(before.get(cid), after.get(cid)))
    return out


def republish(current: dict[str, Any], retired: dict[str, Any],
              published: dict[str, list[str]]) -> list[Output]:
    """Every message that the bucket's state implies, for a replayed event."""
    out: list[Output] = []
    for cid, old in retired.items():
        out.append(("canonical", cid, canonical.tombstone(old, canonical.successor(old, current))))
        out += _ops(index.index_ops(old, None))
    for cid, record in current.items():
        out.append(("canonical", cid, record))
        dropped = set(published.get(cid, [])) - set(record["actors"])
        out += _ops([{"op": "remove", "actor": a, "summary": index.summary(record, a)}
                     for a in sorted(dropped)])
        out += _ops(index.index_ops(None, record))
    return out


def _ops(ops: list[dict[str, Any]]) -> list[Output]:
    return [("actor", op["actor"], op) for op in ops]
