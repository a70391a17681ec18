"""The aggregator's JSON API over the Faust web view, routed to the key's owner.

Every actor query is answered by the worker that owns the actor's partition
(``app.router.route_req``), so the answer is the same with one worker or many.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faust
from faust.exceptions import SameNode
from faust.web import Request, Response, View
from faust.web.exceptions import ServiceUnavailable

from services.aggregator import queries
from services.aggregator.openapi import openapi_document

STATIC = Path(__file__).parent / "static"
ROUTING_TABLE = "events_per_month"


def register_views(app: faust.App, tables: Any, canonical_topic: faust.TopicT) -> None:
    """Add the query endpoints, the OpenAPI document and the dashboard to ``app``."""
    by_name = tables.by_name()

    def get(table: str, key: str) -> Any:
        return by_name[table].get(key)

    async def routed(view: View, request: Request, table: str, key: str,
                     answer: Any) -> Response:
        try:
            return await app.router.route_req(table, key, view.web, request)
        except SameNode:
            return view.json(answer())
        except ServiceUnavailable:
            return view.json({"error": "the partition of this key is being rebalanced; "
                                       "retry shortly"}, status=503)

    @app.page("/health")
    class Health(View):
        async def get(self, request: Request) -> Response:
            return self.json({"status": "ok", "service": "aggregator",
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
            return await routed(self, request, ROUTING_TABLE, q.actor,
                                lambda: {"table": name, "query": _echo(q), "rows": run(get, q)})

    @app.page("/events")
    class EventList(View):
        async def get(self, request: Request) -> Response:
            try:
                q = queries.parse_query(dict(request.query))
            except queries.BadQuery as exc:
                return self.json({"error": str(exc)}, status=400)
            return await routed(self, request, ROUTING_TABLE, q.actor,
                                lambda: {"query": _echo(q),
                                         "events": queries.actor_events(get, q)})

    @app.page("/events/{canonical_id}")
    class EventDetail(View):
        async def get(self, request: Request, canonical_id: str) -> Response:
            if not queries.is_canonical_id(canonical_id):
                return self.json({"error": "a canonical id is 24 hex digits"}, status=400)
            try:
                return await app.router.route_topic_req(canonical_topic, canonical_id.encode(),
                                                        self.web, request)
            except SameNode:
                record = tables.canonical_events.get(canonical_id)
                if record is None:
                    return self.json({"error": f"no canonical event {canonical_id}"},
                                     status=404)
                return self.json(record)
            except ServiceUnavailable:
                return self.json({"error": "partition being rebalanced; retry"}, status=503)

    @app.page("/openapi.json")
    class OpenApi(View):
        async def get(self, request: Request) -> Response:
            return self.json(openapi_document())

    @app.page("/")
    class Dashboard(View):
        async def get(self, request: Request) -> Response:
            html = (STATIC / "dashboard.html").read_text(encoding="utf-8")
            return self.html(html)


def _echo(q: queries.Query) -> dict[str, Any]:
    return {"actor": q.actor, "from": q.start, "to": q.end, "type": q.type,
            "channel": q.channel, "counterpart": q.counterpart}
