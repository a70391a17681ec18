"""The aggregator's logic on plain dicts, in one process: no Kafka, no Faust.

It runs the same functions the Faust agents run, so it serves as the reference
("a run without crashes") in tests and as the no-broker baseline in benchmarks.
"""

from __future__ import annotations

from typing import Any

from services.aggregator import canonical, queries
from services.aggregator.app import (
    AggregatorTables,
    apply_actor_op,
    canonicalize_event,
    store_canonical_record,
)
from services.common.ids import party_code


class LocalAggregator:
    """Feed it `events` and `tallies` messages; query it like the web view."""

    def __init__(self) -> None:
        self.offset = 0
        self.tables = AggregatorTables(buckets={}, canonical_events={}, actor_events={},
                                       tallies={})

    def add_event(self, event: dict[str, Any]) -> None:
        self.offset += 1  # each event as if at its own offset of the repartition topic
        position = f"local:{self.offset}"
        for role, _, message in canonicalize_event(self.tables.buckets, event, position):
            if role == "actor":
                apply_actor_op(self.tables, message)
            else:
                store_canonical_record(self.tables, message)

    def add_tally(self, tally: dict[str, Any]) -> None:
        actors = {party_code(tally["actor"]), tally["actor"].get("name") or ""} - {""}
        for actor in sorted(actors):
            apply_actor_op(self.tables, {"op": "tally", "actor": actor, "tally": tally})

    def get(self, table: str, key: str) -> Any:
        if table == "canonical_events":
            return self.tables.canonical_events.get(canonical.row_key(key))
        return self.tables.by_name()[table].get(key)

    def live_canonical_events(self) -> int:
        """Canonical events held, not counting the tombstones of merged ids."""
        return sum(not row.get("deleted") for row in self.tables.canonical_events.values())

    def rows(self, table: str, actor: str) -> list[dict[str, Any]]:
        return queries.TABLE_QUERIES[table][0](self.get, queries.Query(actor))

    def actors(self) -> list[str]:
        return sorted(self.tables.actor_months)
