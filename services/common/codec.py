"""Bytes on the wire: every Parley message is one orjson-encoded JSON object."""

from __future__ import annotations

import base64
from typing import Any

import orjson


class DecodeError(ValueError):
    """The bytes are not one JSON object."""


def encode(message: Any) -> bytes:
    return orjson.dumps(message)


def decode_object(payload: bytes | str | None) -> dict[str, Any]:
    """Decode one JSON object; raise ``DecodeError`` with the reason otherwise."""
    if payload is None or len(payload) == 0:
        raise DecodeError("empty message")
    if isinstance(payload, bytes):
        try:
            payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"not UTF-8: {exc.reason} at byte {exc.start}") from None
    try:
        value = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(f"invalid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise DecodeError(f"expected a JSON object, got {type(value).__name__}")
    return value


def payload_as_text(payload: bytes | str | None, limit: int) -> tuple[str, str, bool]:
    """The payload as (text, encoding, truncated) for a dead letter: UTF-8 text, else base64."""
    raw = payload.encode("utf-8", "surrogatepass") if isinstance(payload, str) else payload or b""
    truncated = len(raw) > limit
    raw = raw[:limit]
    for cut in range(4):  # a cut may split one UTF-8 character: drop its first bytes
        try:
            return raw[:len(raw) - cut].decode("utf-8"), "utf-8", truncated
        except UnicodeDecodeError:
            if not truncated:
                break
    return base64.b64encode(raw).decode("ascii"), "base64", truncated
