"""From canonical events to per-actor table rows: pure functions.

A canonical event counts, for each of its actors, in the month of its date
(day- or month-precise occurred events only). The table holds one row per
actor, month and canonical event (its summary), so applying the same operation
twice changes nothing, and a count is always the size of a set of canonical
ids: never a counter that a replay could bump. Calls, types, channels and
counterparts per month are all read from an actor's rows of that month.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from services.common.ids import party_code

Record = dict[str, Any]
MONTH_KEY = re.compile(r"^\d{4}-\d{2}$")


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


def row_key(actor: str, month: str, canonical_id: str) -> str:
    """The ``actor_events`` key of one event of one actor: ``actor|YYYY-MM|canonical id``."""
    return f"{actor}|{month}|{canonical_id}"


def parse_row_key(key: str) -> tuple[str, str, str] | None:
    """(actor, month, canonical id) of an ``actor_events`` key (a name may hold '|'),
    or None for a key of another format."""
    parts = key.rsplit("|", 2)
    if len(parts) != 3 or not MONTH_KEY.match(parts[1]) or not parts[0]:
        return None
    return parts[0], parts[1], parts[2]


class MonthIndex:
    """The canonical ids that have an ``actor_events`` row, per actor and month.

    Kept in memory beside the table and rebuilt from its keys after every
    recovery, rather than stored as a table of its own: a stored index would
    cost a changelog write for each event, the very write it indexes.
    """

    def __init__(self) -> None:
        self._months: dict[str, dict[str, set[str]]] = {}

    def update(self, actor: str, month: str, canonical_id: str, *, present: bool) -> None:
        months = self._months.setdefault(actor, {})
        ids = months.setdefault(month, set())
        if present:
            ids.add(canonical_id)
            return
        ids.discard(canonical_id)
        if not ids:
            del months[month]
        if not months:
            del self._months[actor]

    def rebuild(self, row_keys: Iterable[str]) -> int:
        """Index these keys (and only these); returns how many were not row keys.

        The index is swapped in whole, so a query never sees it half built.
        """
        rebuilt = MonthIndex()
        skipped = 0
        for key in row_keys:
            parsed = parse_row_key(key)
            if parsed is None:
                skipped += 1
                continue
            rebuilt.update(*parsed, present=True)
        self._months = rebuilt._months
        return skipped

    def get(self, actor: str, default: list[str] | None = None) -> list[str] | None:
        """The actor's months, in order (the query API's ``actor_months``)."""
        months = self._months.get(actor)
        return sorted(months) if months else default

    def ids(self, actor: str, month: str) -> set[str]:
        return self._months.get(actor, {}).get(month, set())

    def as_dict(self) -> dict[str, list[str]]:
        return {actor: sorted(months) for actor, months in sorted(self._months.items())}

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._months))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MonthIndex) and self._months == other._months

    __hash__ = None  # type: ignore[assignment]


class ActorMonthRows:
    """``actor|YYYY-MM -> {canonical id: summary}``, read from the one-row-per-event table.

    The queries read an actor's month as one row; the table keeps each event of
    it in a row of its own, so that a new event costs one small changelog
    message, not a rewrite of the whole month (which, for an actor in the news
    every day, grows with every event).
    """

    def __init__(self, rows: Any, months: MonthIndex) -> None:
        self.rows = rows
        self.months = months

    def get(self, key: str, default: Any = None) -> dict[str, Any] | None:
        actor, _, month = key.rpartition("|")
        found = {cid: summary for cid in sorted(self.months.ids(actor, month))
                 if (summary := self.rows.get(row_key(actor, month, cid)))}
        return found or default

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, ActorMonthRows) and self.months == other.months
                and dict(self.rows) == dict(other.rows))

    __hash__ = None  # type: ignore[assignment]
