"""One bucket's state and the messages that publish it: pure, replay-safe.

A bucket keeps every mention of one type between one set of parties, and the
canonical events it has retired (absorbed into others). A new mention publishes
what changed. A mention the bucket already holds means this message is being
processed again after a crash; what the first attempt published may or may not
have reached Kafka, so the whole current state is published again. Every output
is idempotent (upserts and removals of set members), so publishing twice is
harmless, and the tables converge to the bucket's state.
"""

from __future__ import annotations

from typing import Any

from services.aggregator import canonical, index

Output = tuple[str, str, dict[str, Any]]  # (role: canonical | actor, key, message)


def apply_event(state: dict[str, Any] | None,
                event: dict[str, Any]) -> tuple[dict[str, Any] | None, list[Output]]:
    """(new state, or None when unchanged; the messages to publish) for one event."""
    bucket = canonical.bucket_key(event)
    mentions = dict((state or {}).get("mentions", {}))
    retired = dict((state or {}).get("retired", {}))
    before = canonical.canonical_events(bucket, mentions)
    if event["event_id"] in mentions:
        return None, republish(before, retired)
    mentions[event["event_id"]] = canonical.mention_of(event)
    after = canonical.canonical_events(bucket, mentions)
    retired.update({cid: record for cid, record in before.items() if cid not in after})
    return {"mentions": mentions, "retired": retired}, changes(before, after)


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[Output]:
    """Messages that take the canonical topic and the actor tables from before to after."""
    updated, tombstones = canonical.changes(before, after)
    out: list[Output] = [("canonical", r["canonical_id"], r) for r in updated + tombstones]
    for cid, old in before.items():
        out += _ops(index.index_ops(old, after.get(cid)))
    for cid, new in after.items():
        if cid not in before:
            out += _ops(index.index_ops(None, new))
    return out


def republish(current: dict[str, Any], retired: dict[str, Any]) -> list[Output]:
    """Every message that the bucket's state implies, for a replayed event."""
    out: list[Output] = []
    for cid, old in retired.items():
        successor = canonical.successor(old, current)
        out.append(("canonical", cid, canonical.tombstone(old, successor)))
        out += _ops(index.index_ops(old, None))
    for cid, record in current.items():
        out.append(("canonical", cid, record))
        out += _ops(index.index_ops(None, record))
    return out


def _ops(ops: list[dict[str, Any]]) -> list[Output]:
    return [("actor", op["actor"], op) for op in ops]
