"""From canonical events to per-actor table rows: pure functions.

A canonical event counts, for each of its actors, in the month of its date
(day- or month-precise occurred events only). Table values are sets of
canonical ids (an actor-month row maps each to its summary), so applying the
same operation twice changes nothing, and a count is always the size of a set:
never a counter that a replay could bump. Calls, types, channels and
counterparts per month are all read from that one row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from services.common.ids import party_code

Record = dict[str, Any]


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


def apply_op(row: dict[str, Any] | None, op: dict[str, Any]) -> dict[str, Any]:
    """The new ``actor_events`` row (canonical id -> summary) of one actor-month after ``op``."""
    s = op["summary"]
    cid = s["canonical_id"]
    rows = {k: v for k, v in (row or {}).items() if k != cid}
    if op["op"] == "upsert":
        rows[cid] = s
    return rows


def row_key(actor: str, month: str) -> str:
    return f"{actor}|{month}"


class MonthIndex:
    """The months that have an ``actor_events`` row, per actor.

    Kept in memory beside the table and rebuilt from its keys after every
    recovery, rather than stored as a table of its own: in a backfill most
    events open a new actor-month, and a stored index would cost a changelog
    write for each of them.
    """

    def __init__(self) -> None:
        self._months: dict[str, set[str]] = {}

    def update(self, actor: str, month: str, *, present: bool) -> None:
        if present:
            self._months.setdefault(actor, set()).add(month)
        elif month in self._months.get(actor, ()):
            self._months[actor].discard(month)
            if not self._months[actor]:
                del self._months[actor]

    def rebuild(self, row_keys: Iterable[str]) -> None:
        self._months = {}
        for key in row_keys:
            actor, _, month = key.rpartition("|")
            self.update(actor, month, present=True)

    def get(self, actor: str, default: list[str] | None = None) -> list[str] | None:
        months = self._months.get(actor)
        return sorted(months) if months else default

    def as_dict(self) -> dict[str, list[str]]:
        return {actor: sorted(months) for actor, months in sorted(self._months.items())}

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._months))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MonthIndex) and self._months == other._months

    __hash__ = None  # type: ignore[assignment]
