"""Validation of every Parley message against the JSON Schemas in ``schemas/``.

Schemas are compiled once (fastjsonschema generates Python code), so validating
a message costs microseconds, and is done where a message enters the system.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
import orjson

SCHEMA_NAMES = ("article", "event", "tally", "deadletter", "canonical_event", "receipt",
                "participant")


class InvalidMessage(ValueError):
    """A message does not match its schema; the text says which field and why."""


def schemas_dir() -> Path:
    override = os.environ.get("PARLEY_SCHEMAS_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "schemas"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema ``name`` with its references to sibling files inlined."""
    raw = orjson.loads((schemas_dir() / f"{name}.schema.json").read_bytes())
    return _inline_refs(raw)


def _inline_refs(node: Any) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.endswith(".schema.json"):
            inner = dict(load_schema(ref.removesuffix(".schema.json")))
            inner.pop("$id", None)
            inner.pop("$schema", None)
            return inner
        return {k: _inline_refs(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_refs(v) for v in node]
    return node


@cache
def _validator(name: str) -> Callable[[Any], Any]:
    return fastjsonschema.compile(load_schema(name))


def validate(name: str, message: Any) -> None:
    """Raise ``InvalidMessage`` unless ``message`` matches schema ``name``."""
    try:
        _validator(name)(message)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise InvalidMessage(f"{name}: {exc.message}") from None
