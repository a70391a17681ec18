"""The OpenAPI 3 document of the query API, served at ``/openapi.json``."""

from __future__ import annotations

from typing import Any

from services.aggregator.queries import CHANNELS, TABLE_QUERIES
from services.common.messages import EVENT_TYPES


def _param(name: str, description: str, schema: dict[str, Any],
           required: bool = False, where: str = "query") -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "description": description,
            "schema": schema}


MONTH = {"type": "string", "pattern": r"^\d{4}-\d{2}$"}
FILTERS = [
    _param("actor", "ISO3 country code, organisation code or a person's name", {"type": "string"},
           required=True),
    _param("from", "First month, YYYY-MM", MONTH),
    _param("to", "Last month, YYYY-MM", MONTH),
    _param("type", "Event type", {"type": "string", "enum": list(EVENT_TYPES)}),
    _param("channel", "Channel", {"type": "string", "enum": list(CHANNELS)}),
    _param("counterpart", "Only events with this counterpart", {"type": "string"}),
    _param("limit", "Most rows returned", {"type": "integer", "minimum": 1, "maximum": 10000}),
]
ERROR = {"description": "Bad parameter", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"error": {"type": "string"}}}}}}


def _json(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"type": "object"}}}}


def openapi_document() -> dict[str, Any]:
    tables = sorted(TABLE_QUERIES)
    return {
        "openapi": "3.0.3",
        "info": {"title": "Parley query API", "version": "1",
                 "description": "Running tables of diplomatic events, each real event counted "
                                "once. Queries are routed to the worker owning the actor."},
        "paths": {
            "/health": {"get": {"summary": "Liveness", "responses": {"200": _json("ok")}}},
            "/tables": {"get": {"summary": "List tables", "responses": {"200": _json("tables")}}},
            "/tables/{name}": {"get": {
                "summary": "Rows of one table for one actor",
                "parameters": [_param("name", "Table name", {"type": "string", "enum": tables},
                                      required=True, where="path"), *FILTERS],
                "responses": {"200": _json("rows"), "400": ERROR, "404": ERROR,
                              "503": ERROR}}},
            "/events": {"get": {
                "summary": "Canonical events of an actor in a month range, newest first",
                "parameters": FILTERS,
                "responses": {"200": _json("events"), "400": ERROR, "503": ERROR}}},
            "/events/{canonical_id}": {"get": {
                "summary": "One canonical event",
                "parameters": [_param("canonical_id", "24 hex digits",
                                      {"type": "string", "pattern": "^[0-9a-f]{24}$"},
                                      required=True, where="path")],
                "description": "404 also for an id merged into another event; the body "
                               "then names it in `merged_into`.",
                "responses": {"200": _json("the event"), "400": ERROR, "404": ERROR}}},
            "/openapi.json": {"get": {"summary": "This document",
                                      "responses": {"200": _json("OpenAPI")}}},
        },
    }
