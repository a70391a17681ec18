"""Answers to table queries, computed from table rows: pure, no Kafka or HTTP.

Each function takes ``get(table, key)`` to read one row, so it runs the same on
Faust tables (in the worker that owns the actor) and on plain dicts in tests.
Every monthly view (calls, types, channels, counterparts) is computed from the
actor's ``actor_events`` rows, the only actor-month table the workers write.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.common.messages import EVENT_TYPES, event_type_codes

Getter = Callable[[str, str], Any]
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
ACTOR = re.compile(r"^[^\x00-\x1f|]{1,128}$")
CHANNELS = tuple(sorted({c["channel"] for c in event_type_codes().values()}))


class BadQuery(ValueError):
    """A query parameter is missing or malformed; the text says which and why."""


@dataclass(frozen=True)
class Query:
    actor: str
    start: str = "0000-01"
    end: str = "9999-12"
    type: str | None = None
    channel: str | None = None
    counterpart: str | None = None
    limit: int = 1000

    def months(self, known: list[str]) -> list[str]:
        return [m for m in known if self.start <= m <= self.end]


def parse_query(params: dict[str, str], *, actor_required: bool = True) -> Query:
    """Validate query parameters (actor, from, to, type, channel, counterpart, limit)."""
    unknown = set(params) - {"actor", "from", "to", "type", "channel", "counterpart", "limit"}
    if unknown:
        raise BadQuery(f"unknown parameter(s): {', '.join(sorted(unknown))}")
    actor = params.get("actor", "").strip()
    if not actor and actor_required:
        raise BadQuery("parameter 'actor' is required (an ISO3 or organisation code, or a "
                       "person's name)")
    if actor and not ACTOR.match(actor):
        raise BadQuery("parameter 'actor' must be 1-128 printable characters without '|'")
    start, end = params.get("from", "0000-01"), params.get("to", "9999-12")
    for name, value in (("from", start), ("to", end)):
        if value not in ("0000-01", "9999-12") and not MONTH.match(value):
            raise BadQuery(f"parameter {name!r} must be a month, YYYY-MM; got {value!r}")
    if start > end:
        raise BadQuery(f"'from' ({start}) is after 'to' ({end})")
    kind = params.get("type") or None
    if kind and kind not in EVENT_TYPES:
        raise BadQuery(f"parameter 'type' must be one of {', '.join(EVENT_TYPES)}")
    channel = params.get("channel") or None
    if channel and channel not in CHANNELS:
        raise BadQuery(f"parameter 'channel' must be one of {', '.join(CHANNELS)}")
    counterpart = params.get("counterpart") or None
    if counterpart and not ACTOR.match(counterpart):
        raise BadQuery("parameter 'counterpart' must be 1-128 printable characters")
    return Query(actor, start, end, kind, channel, counterpart, _limit(params.get("limit")))


def _limit(raw: str | None) -> int:
    if raw is None:
        return 1000
    if not raw.isdigit() or not 1 <= int(raw) <= 10000:
        raise BadQuery("parameter 'limit' must be a whole number from 1 to 10000")
    return int(raw)


def _rows_by_month(get: Getter, table: str, q: Query) -> list[tuple[str, Any]]:
    months = q.months(get("actor_months", q.actor) or [])
    return [(m, row) for m in months if (row := get(table, f"{q.actor}|{m}"))]


def _event_filter(q: Query, summaries: dict[str, Any]) -> set[str]:
    """Canonical ids of the month's events that pass the type/channel/counterpart filters."""
    return {cid for cid, s in summaries.items()
            if (not q.type or s["type"] == q.type)
            and (not q.channel or s["channel"] == q.channel)
            and (not q.counterpart or q.counterpart in s["counterparts"])}


def _selected(get: Getter, q: Query) -> list[tuple[str, dict[str, Any]]]:
    """(month, {canonical id: summary}) of the actor's events that pass the filters."""
    out = []
    for month, summaries in _rows_by_month(get, "actor_events", q):
        keep = _event_filter(q, summaries)
        if keep:
            out.append((month, {cid: summaries[cid] for cid in sorted(keep)}))
    return out


def calls_per_month(get: Getter, q: Query) -> list[dict[str, Any]]:
    out = []
    for month, summaries in _selected(get, q):
        ids = [cid for cid, s in summaries.items() if s["type"] == "phone_call"]
        if ids:
            out.append({"actor": q.actor, "month": month, "calls": len(ids),
                        "canonical_ids": ids})
    return out


def _grouped(get: Getter, q: Query, field: str,
             groups_of: Callable[[dict[str, Any]], list[str]]) -> list[dict[str, Any]]:
    """Rows of (month, group) with the events of each group, groups in name order."""
    out = []
    for month, summaries in _selected(get, q):
        groups: dict[str, list[str]] = {}
        for cid, s in summaries.items():
            for name in groups_of(s):
                groups.setdefault(name, []).append(cid)
        out += [{"actor": q.actor, "month": month, field: name, "count": len(ids),
                 "canonical_ids": ids} for name, ids in sorted(groups.items())]
    return out


def events_per_month(get: Getter, q: Query) -> list[dict[str, Any]]:
    return _grouped(get, q, "type", lambda s: [s["type"]])


def channels_per_month(get: Getter, q: Query) -> list[dict[str, Any]]:
    return _grouped(get, q, "channel", lambda s: [s["channel"]])


def counterparts(get: Getter, q: Query) -> list[dict[str, Any]]:
    """Distinct events per counterpart over the whole month range, most first."""
    totals: dict[str, set[str]] = {}
    for row in _grouped(get, q, "counterpart", lambda s: s["counterparts"]):
        totals.setdefault(row["counterpart"], set()).update(row["canonical_ids"])
    ranked = sorted(totals.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [{"actor": q.actor, "counterpart": name, "count": len(ids),
             "canonical_ids": sorted(ids)} for name, ids in ranked][:q.limit]


def actor_events(get: Getter, q: Query) -> list[dict[str, Any]]:
    """Canonical events of the actor in the month range, newest first."""
    out: list[dict[str, Any]] = []
    for _month, summaries in _selected(get, q):
        out += summaries.values()
    out.sort(key=lambda s: (s["date"] or "", s["canonical_id"]), reverse=True)
    return out[:q.limit]


def tallies(get: Getter, q: Query) -> list[dict[str, Any]]:
    """Each reported tally of the actor beside the distinct events Parley observed."""
    rows = []
    for tally in (get("tallies", q.actor) or {}).values():
        kinds = tally["type"] if isinstance(tally["type"], list) else [tally["type"]]
        if q.type and q.type not in kinds:
            continue
        start, end = period_bounds(tally.get("period"))
        if end[:7] < q.start or start[:7] > q.end:
            continue
        observed = _observed(get, q.actor, set(kinds), start, end)
        rows.append({"actor": q.actor, "type": tally["type"], "reported": tally["count"],
                     "qualifier": tally["qualifier"], "period": tally["period"],
                     "observed": observed, "evidence": tally["evidence"],
                     "article_ids": tally.get("article_ids", [tally["article_id"]]),
                     "tally_id": tally["tally_id"]})
    rows.sort(key=lambda r: (r["period"] or "", str(r["type"]), r["tally_id"]))
    return rows[:q.limit]


def period_bounds(period: str | None) -> tuple[str, str]:
    """First and last day (YYYY-MM-DD) of a tally period."""
    if not period:
        return "0000-01-01", "9999-12-31"
    if "/" in period:
        start, end = period.split("/", 1)
        return start, end
    if len(period) == 4:
        return f"{period}-01-01", f"{period}-12-31"
    return f"{period}-01", f"{period}-31"


def _observed(get: Getter, actor: str, kinds: set[str], start: str, end: str) -> int:
    q = Query(actor, start[:7], end[:7])
    seen = set()
    for _, summaries in _rows_by_month(get, "actor_events", q):
        for cid, s in summaries.items():
            if s["type"] in kinds and _within(s["date"], start, end):
                seen.add(cid)
    return len(seen)


def _within(date: str, start: str, end: str) -> bool:
    """A month-precise date counts when its month overlaps the period."""
    return start[:len(date)] <= date <= end[:len(date)]


TABLE_QUERIES: dict[str, tuple[Callable[[Getter, Query], list[dict[str, Any]]], str]] = {
    "calls_per_month": (calls_per_month, "Distinct phone calls per actor per month"),
    "events_per_month": (events_per_month, "Distinct events per actor, month and type"),
    "channels_per_month": (channels_per_month,
                           "Channel mix per actor and month (phone, video, in person, written)"),
    "counterparts": (counterparts, "Distinct events per counterpart of an actor, most first"),
    "tallies": (tallies, "Reported tallies beside the distinct events observed"),
}


CANONICAL_ID = re.compile(r"^[0-9a-f]{24}$")


def is_canonical_id(value: str) -> bool:
    return bool(CANONICAL_ID.match(value))
