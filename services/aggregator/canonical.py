"""Event identity across articles: pure functions from event mentions to canonical events.

All mentions of one type between one set of parties share a *bucket*. The
canonical events of a bucket are derived from the whole set of its mentions,
so the result does not depend on the order in which articles arrive, and a
mention seen twice changes nothing:

- mentions with a day make one event per day;
- a mention known only to the month joins the earliest day-precise event of
  that month, else makes a month-precise event (which a later day-precise
  mention absorbs: the count moves, it does not double);
- a mention known only to the year likewise joins the earliest event of that
  year, else makes a year-precise event;
- undated mentions make one undated event;
- planned mentions make planned events, marked ``fulfilled_by`` the first
  occurred event on or after the planned date (or after it was first reported).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from services.common.ids import digest, party_code
from services.common.messages import SCHEMA_VERSION, event_key, event_type_codes

Mention = dict[str, Any]
Record = dict[str, Any]
MAX_EVIDENCE = 3
MAX_EVIDENCE_CHARS = 400  # a bucket keeps every mention: keep each one small


def bucket_key(event: dict[str, Any]) -> str:
    """The bucket of an event: its `events` key (type, parties, year).

    The year keeps a bucket's state bounded; no merge crosses it (a month or a
    year mention only joins events of its own year).
    """
    return event_key(event)


def mention_of(event: dict[str, Any]) -> Mention:
    """The part of an `events` message that canonical events are built from."""
    return {
        "date": event.get("date"),
        "precision": event.get("precision") or "unknown",
        "status": event.get("status") or "occurred",
        "article_id": event.get("article_id"),
        "source": event.get("source"),
        "published": event.get("published"),
        "seen_at": event.get("extracted_at"),
        "participants": [{k: p.get(k) for k in ("name", "country", "org")}
                         for p in event.get("participants", [])],
        "evidence": (event.get("evidence") or "")[:MAX_EVIDENCE_CHARS],
    }


@dataclass(frozen=True)
class Group:
    """Mentions that tell one real-world event, and the date they share."""

    kind: str  # day | month | year | undated | planned
    date: str | None
    event_ids: tuple[str, ...]


def canonical_id(bucket: str, kind: str, date: str | None) -> str:
    return digest("canonical", bucket, kind, date or "", size=12)


def group_mentions(mentions: dict[str, Mention]) -> list[Group]:
    """Assign every mention of one bucket to exactly one group (order-independent)."""
    by_kind: dict[str, dict[str, list[str]]] = {k: {} for k in ("day", "month", "year")}
    undated: list[str] = []
    planned: dict[str | None, list[str]] = {}
    for eid in sorted(mentions):
        m = mentions[eid]
        date = _date_of(m)
        if m["status"] == "planned":
            planned.setdefault(date, []).append(eid)
        elif date:
            by_kind[m["precision"]].setdefault(date, []).append(eid)
        else:
            undated.append(eid)
    days = by_kind["day"]
    months = _attach(by_kind["month"], [days], 7)
    years = _attach(by_kind["year"], [days, months], 4)
    groups = [Group("day", d, tuple(ids)) for d, ids in days.items()]
    groups += [Group("month", d, tuple(ids)) for d, ids in months.items()]
    groups += [Group("year", d, tuple(ids)) for d, ids in years.items()]
    if undated:
        groups.append(Group("undated", None, tuple(undated)))
    groups += [Group("planned", d, tuple(ids)) for d, ids in planned.items()]
    return groups


DATE_LENGTH = {"day": 10, "month": 7, "year": 4}


def _date_of(m: Mention) -> str | None:
    date = m.get("date")
    size = DATE_LENGTH.get(m.get("precision") or "")
    return str(date)[:size] if date and size else None


def _attach(coarse: dict[str, list[str]], finer: list[dict[str, list[str]]],
            prefix: int) -> dict[str, list[str]]:
    """Move each coarse group into the earliest finer group it covers; return the rest."""
    left: dict[str, list[str]] = {}
    for date, ids in coarse.items():
        covering = sorted((d, n) for n, groups in enumerate(finer) for d in groups
                          if d[:prefix] == date)
        if covering:
            earliest, holder = covering[0]
            finer[holder][earliest] = finer[holder][earliest] + ids
        else:
            left[date] = ids
    return left


def row_key(canonical_id: str) -> bytes:
    """The key of a canonical event's table row: raw bytes, as its `events.canonical`
    message has."""
    return canonical_id.encode()


def canonical_events(bucket: str, mentions: dict[str, Mention]) -> dict[str, Record]:
    """The canonical events of one bucket, keyed by canonical id."""
    return records_of(bucket, mentions, grouped(bucket, mentions))


def grouped(bucket: str, mentions: dict[str, Mention]) -> dict[str, Group]:
    """The groups of a bucket's mentions, keyed by the canonical id each one makes."""
    return {canonical_id(bucket, g.kind, g.date): g for g in group_mentions(mentions)}


def records_of(bucket: str, mentions: dict[str, Mention], groups: dict[str, Group],
               only: set[str] | None = None) -> dict[str, Record]:
    """The canonical records of ``groups`` (of those ids in ``only``, and every planned one).

    A record depends only on its group's mentions, except a planned event's
    ``fulfilled_by``, which depends on the dates of all occurred groups: so a
    caller that knows which groups changed builds just those (and the planned).
    """
    event_type = bucket.split("|", 1)[0]
    records = {cid: _record(bucket, event_type, g, [mentions[e] for e in g.event_ids])
               for cid, g in groups.items()
               if only is None or cid in only or g.kind == "planned"}
    occurred = sorted((g.date, cid) for cid, g in groups.items()
                      if g.kind != "planned" and g.date)
    _link_fulfilled(records, occurred)
    return records


def _record(bucket: str, event_type: str, group: Group, items: list[Mention]) -> Record:
    participants = _participants(items)
    seen = sorted(m["seen_at"] for m in items if m.get("seen_at"))
    return {
        "schema_version": SCHEMA_VERSION,
        "canonical_id": canonical_id(bucket, group.kind, group.date),
        "deleted": False,
        "merged_into": None,
        "bucket": bucket,
        "type": event_type,
        "date": group.date,
        "precision": group.kind if group.kind in ("day", "month", "year") else
        _planned_precision(group),
        "status": "planned" if group.kind == "planned" else "occurred",
        "participants": participants,
        "actors": actors_of(participants),
        "channel": event_type_codes().get(event_type, {}).get("channel", "unspecified"),
        "mentions": len(items),
        "event_ids": sorted(group.event_ids),
        "article_ids": sorted({m["article_id"] for m in items if m.get("article_id")}),
        "sources": sorted({m["source"] for m in items if m.get("source")}),
        "evidence": _evidence(items),
        "first_seen": seen[0] if seen else None,
        "last_seen": seen[-1] if seen else None,
        "first_published": min((m["published"] for m in items if m.get("published")),
                               default=None),
        "fulfilled_by": None,
    }


def _planned_precision(group: Group) -> str:
    if not group.date:
        return "unknown"
    return {10: "day", 7: "month", 4: "year"}.get(len(group.date), "unknown")


def _participants(items: list[Mention]) -> list[dict[str, Any]]:
    """One entry per party code, named by the most frequent (then longest) name given."""
    names: dict[str, Counter[str]] = {}
    entries: dict[str, dict[str, Any]] = {}
    for m in items:
        for p in m["participants"]:
            code = party_code(p)
            entries.setdefault(code, {"country": p.get("country"), "org": p.get("org")})
            names.setdefault(code, Counter())[p.get("name") or code] += 1
    out = []
    for code in sorted(entries):
        name = max(names[code].items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0]
        entry = {"name": name, "country": entries[code]["country"]}
        if not entry["country"]:
            entry["org"] = entries[code]["org"]
        out.append(entry)
    return out


def actors_of(participants: Iterable[dict[str, Any]]) -> list[str]:
    """The actors an event counts for: every party code and every person's name."""
    actors = set()
    for p in participants:
        actors.add(party_code(p))
        name = p.get("name")
        if name and name != party_code(p):
            actors.add(name)
    return sorted(actors)


def _evidence(items: list[Mention]) -> list[str]:
    seen: list[str] = []
    for m in sorted(items, key=lambda m: (m.get("published") or "", m.get("evidence") or "")):
        text = m.get("evidence")
        if text and text not in seen:
            seen.append(text)
        if len(seen) == MAX_EVIDENCE:
            break
    return seen


def _link_fulfilled(records: dict[str, Record], occurred: list[tuple[str, str]]) -> None:
    """Mark each planned record with the first occurred event (date, id) on or after it."""
    for record in records.values():
        if record["status"] != "planned":
            continue
        since = record["date"] or record["first_published"] or ""
        later = [cid for date, cid in occurred if date >= since[:len(date)]]
        record["fulfilled_by"] = later[0] if later else None


def tombstone(record: Record, merged_into: str | None) -> Record:
    """The message that retires a canonical id (compaction keeps only the latest)."""
    return {"schema_version": SCHEMA_VERSION, "canonical_id": record["canonical_id"],
            "deleted": True, "merged_into": merged_into}


def changes(old: dict[str, Record], new: dict[str, Record]) -> tuple[list[Record], list[Record]]:
    """(records to publish, tombstones) that take a bucket from ``old`` to ``new``."""
    updated = [r for cid, r in new.items() if old.get(cid) != r]
    retired = [tombstone(r, successor(r, new)) for cid, r in old.items() if cid not in new]
    return updated, retired


def successor(gone: Record, new: dict[str, Record]) -> str | None:
    """The canonical event that took over a retired one's mentions."""
    ids = set(gone.get("event_ids", []))
    for cid, record in new.items():
        if ids & set(record["event_ids"]):
            return cid
    return None
