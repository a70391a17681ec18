"""The aggregator's JSON API over the Faust web view, routed to the key's owner.

Every actor query is answered by the worker that owns the actor's partition
(see ``routing.py``), so the answer is the same with one worker or many; a worker
that does not own it, or has not finished rebuilding its tables, answers 503.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import faust
from faust.web import Request, Response, View

from services.aggregator import canonical, queries
from services.aggregator.openapi import openapi_document
from services.aggregator.routing import (
    ROUTED_HEADER,
    KeyUnassigned,
    ask,
    forward,
    is_self,
    owner_of,
    owners,
)

STATIC = Path(__file__).parent / "static"
ROUTING_TABLE = "actor_events"
MERGED = "merged_into"


def register_views(app: faust.App, tables: Any) -> None:
    """Add the query endpoints, the OpenAPI document and the dashboard to ``app``."""
    by_name = tables.by_name()

    def get(table: str, key: str) -> Any:
        return by_name[table].get(key)

    async def routed(view: View, request: Request, table: str, key: str,
                     answer: Any) -> Response:
        """Answer here if this worker owns ``key``, else relay the owner's answer."""
        try:
            owner = owner_of(app, table, key)
        except KeyUnassigned as exc:
            return _unavailable(view, f"{exc}")
        if not is_self(app, owner):
            if request.headers.get(ROUTED_HEADER):  # ownership moved on the way: no ping-pong
                return _unavailable(view, "the partition of this key is moving")
            return await forward(app, view, request, owner)
        if not is_ready(app):
            return _unavailable(view, "this worker is still rebuilding its tables")
        body, status = answer()
        return view.json(body, status=status)

    @app.page("/health")
    class Health(View):
        async def get(self, request: Request) -> Response:
            return self.json({"status": "ok", "service": "aggregator", "ready": is_ready(app),
                              "partitions": owned_partitions(app),
                              "tables": sorted(queries.TABLE_QUERIES)})

    @app.page("/tables")
    class TableList(View):
        async def get(self, request: Request) -> Response:
            return self.json({"tables": [
                {"name": name, "description": text, "url": f"/tables/{name}?actor=CHN"}
                for name, (_, text) in queries.TABLE_QUERIES.items()]})

    @app.page("/tables/{name}")
    class TableRows(View):
        async def get(self, request: Request, name: str) -> Response:
            if name not in queries.TABLE_QUERIES:
                return self.json({"error": f"unknown table {name!r}",
                                  "tables": sorted(queries.TABLE_QUERIES)}, status=404)
            try:
                q = queries.parse_query(dict(request.query))
            except queries.BadQuery as exc:
                return self.json({"error": str(exc)}, status=400)
            run = queries.TABLE_QUERIES[name][0]

            def answer() -> tuple[dict[str, Any], int]:
                return {"table": name, "query": _echo(q), "rows": run(get, q)}, 200

            return await routed(self, request, ROUTING_TABLE, q.actor, answer)

    @app.page("/events")
    class EventList(View):
        async def get(self, request: Request) -> Response:
            try:
                q = queries.parse_query(dict(request.query))
            except queries.BadQuery as exc:
                return self.json({"error": str(exc)}, status=400)
            return await routed(self, request, ROUTING_TABLE, q.actor,
                                lambda: ({"query": _echo(q),
                                          "events": queries.actor_events(get, q)}, 200))

    @app.page("/events/{canonical_id}")
    class EventDetail(View):
        async def get(self, request: Request, canonical_id: str) -> Response:
            if not queries.is_canonical_id(canonical_id):
                return self.json({"error": "a canonical id is 24 hex digits"}, status=400)
            if not is_ready(app):
                return _unavailable(self, "this worker is still rebuilding its tables")
            record = tables.canonical_events.get(canonical.row_key(canonical_id))
            if record is None and not request.headers.get(ROUTED_HEADER):
                return await _ask_the_other_owners(self, request, canonical_id)
            body, status = canonical_answer(canonical_id, record)
            return self.json(body, status=status)

    async def _ask_the_other_owners(view: View, request: Request, canonical_id: str) -> Response:
        # A canonical event lies in its bucket's partition, which its id does not tell.
        try:
            urls = [url for url in owners(app, "canonical_events") if not is_self(app, url)]
        except KeyUnassigned as exc:
            return _unavailable(view, f"{exc}")
        answers = await asyncio.gather(*(ask(app, request, url) for url in urls))
        for answer in answers:  # the event, or the id it was merged into, wins
            if answer is not None and (answer[0] == 200 or MERGED in answer[1]):
                return view.text(answer[1], content_type=answer[2], status=answer[0])
        unsure = [str(url) for url, answer in zip(urls, answers, strict=True)
                  if answer is None or answer[0] != 404]
        if unsure:
            return _unavailable(view, f"workers could not answer: {', '.join(unsure)}")
        body, status = canonical_answer(canonical_id, None)
        return view.json(body, status=status)

    @app.page("/openapi.json")
    class OpenApi(View):
        async def get(self, request: Request) -> Response:
            return self.json(openapi_document())

    @app.page("/")
    class Dashboard(View):
        async def get(self, request: Request) -> Response:
            html = (STATIC / "dashboard.html").read_text(encoding="utf-8")
            return self.html(html)


def canonical_answer(canonical_id: str,
                     record: dict[str, Any] | None) -> tuple[dict[str, Any], int]:
    """(body, status) of a lookup by canonical id: the event, or why there is none."""
    if record is None:
        return {"error": f"no canonical event {canonical_id}"}, 404
    if record.get("deleted"):
        return {"error": f"canonical event {canonical_id} was merged into another",
                MERGED: record.get(MERGED)}, 404
    return record, 200


def _unavailable(view: View, why: str) -> Response:
    return view.json({"error": f"{why}; retry shortly"}, status=503,
                     headers={"Retry-After": "1"})


def is_ready(app: faust.App) -> bool:
    """Partitions assigned and tables recovered from their changelogs."""
    recovered = app.tables.recovery.completed.is_set()
    return bool(recovered and not app.rebalancing and app.assignor.assigned_actives())


def owned_partitions(app: faust.App) -> list[int]:
    """Partitions of the actor tables this worker owns (and so answers for)."""
    topic = app.tables[ROUTING_TABLE].changelog_topic.get_topic_name()
    return sorted(tp.partition for tp in app.assignor.assigned_actives() if tp.topic == topic)


def _echo(q: queries.Query) -> dict[str, Any]:
    return {"actor": q.actor, "from": q.start, "to": q.end, "type": q.type,
            "channel": q.channel, "counterpart": q.counterpart}
