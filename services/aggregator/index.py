"""From canonical events to per-actor table rows: pure functions.

A canonical event counts, for each of its actors, in the month of its date
(day- or month-precise occurred events only). Table values are sets of
canonical ids, so applying the same operation twice changes nothing, and a
count is always the size of a set: never a counter that a replay could bump.
"""

from __future__ import annotations

from typing import Any

from services.common.ids import party_code

Record = dict[str, Any]
ACTOR_TABLES = ("calls_per_month", "events_per_month", "counterparts",
                "actor_events")


def month_of(record: Record | None) -> str | None:
    """The month an event counts in, or None when it does not count in monthly tables."""
    if not record or record.get("deleted") or record.get("status") != "occurred":
        return None
    if record.get("precision") not in ("day", "month") or not record.get("date"):
        return None
    return str(record["date"])[:7]


def summary(record: Record, actor: str) -> dict[str, Any]:
    """What the actor tables keep of one canonical event, seen from one actor."""
    return {
        "canonical_id": record["canonical_id"],
        "month": month_of(record),
        "date": record["date"],
        "precision": record["precision"],
        "type": record["type"],
        "channel": record["channel"],
        "counterparts": counterparts(record, actor),
        "participants": record["participants"],
        "mentions": record["mentions"],
        "evidence": (record.get("evidence") or [""])[0],
    }


def counterparts(record: Record, actor: str) -> list[str]:
    """Other parties, as codes for a country/organisation actor, as names for a person."""
    codes = [party_code(p) for p in record["participants"]]
    if actor in codes:
        return sorted(c for c in codes if c != actor)
    names = [p.get("name") or party_code(p) for p in record["participants"]]
    return sorted(n for n in names if n != actor)


def index_ops(old: Record | None, new: Record | None) -> list[dict[str, Any]]:
    """Operations ({"op", "actor", "summary"}) that move the actor tables from old to new."""
    ops: list[dict[str, Any]] = []
    new_actors = set(new["actors"]) if month_of(new) else set()
    if month_of(old):
        assert old is not None
        ops += [{"op": "remove", "actor": a, "summary": summary(old, a)}
                for a in sorted(set(old["actors"]) - new_actors)]
    if new_actors:
        assert new is not None
        ops += [{"op": "upsert", "actor": a, "summary": summary(new, a)}
                for a in sorted(new_actors)]
    return ops


def _with(ids: list[str], cid: str, present: bool) -> list[str]:
    members = set(ids)
    if present:
        members.add(cid)
    else:
        members.discard(cid)
    return sorted(members)


def _with_in(groups: dict[str, list[str]], names: list[str], cid: str,
             present: bool) -> dict[str, list[str]]:
    out = {k: [c for c in v if c != cid] for k, v in groups.items()}
    for name in names if present else []:
        out[name] = _with(out.get(name, []), cid, True)
    return {k: v for k, v in out.items() if v}


def apply_op(table: str, value: Any, op: dict[str, Any]) -> Any:
    """The new value of one actor-month row of ``table`` after ``op``."""
    s = op["summary"]
    cid, present = s["canonical_id"], op["op"] == "upsert"
    if table == "calls_per_month":
        return _with(value or [], cid, present and s["type"] == "phone_call")
    if table == "events_per_month":
        return _with_in(value or {}, [s["type"]], cid, present)
    if table == "counterparts":
        return _with_in(value or {}, s["counterparts"], cid, present)
    if table == "actor_events":
        rows = {k: v for k, v in (value or {}).items() if k != cid}
        if present:
            rows[cid] = s
        return rows
    raise KeyError(table)


def row_key(actor: str, month: str) -> str:
    return f"{actor}|{month}"
