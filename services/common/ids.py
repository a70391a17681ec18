"""Stable identities: the same input always gets the same id, so replays are harmless."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

_SPACE = re.compile(r"\s+")


def digest(*parts: str, size: int = 16) -> str:
    """Hex digest of the parts (BLAKE2b, ``size`` bytes), unambiguous in how they join."""
    h = hashlib.blake2b(digest_size=size)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(4, "big"))
        h.update(data)
    return h.hexdigest()


def normalise_text(text: str) -> str:
    """Text as compared for identity: NFKC, case-folded, whitespace collapsed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def normalise_url(url: str) -> str:
    url = url.strip()
    url = re.sub(r"^https?://", "", url, flags=re.I)
    url = url.split("#", 1)[0].rstrip("/")
    host, _, rest = url.partition("/")
    host = host.lower().removeprefix("www.")
    return f"{host}/{rest}" if rest else host


def article_id(url: str | None, text: str) -> str:
    """Hash of the URL, else of the normalised text."""
    if url and url.strip():
        return digest("url", normalise_url(url))
    return digest("text", normalise_text(text))


def party_code(participant: dict) -> str:
    """The code a participant counts by: its country, else its organisation, else its name."""
    return participant.get("country") or participant.get("org") or (participant.get("name") or "?")


def party_codes(participants: Iterable[dict]) -> list[str]:
    return sorted({party_code(p) for p in participants})


def event_id(article: str, event: dict) -> str:
    """Deterministic id of an extracted event within its article."""
    return digest("event", article, event.get("type") or "", event.get("status") or "",
                  event.get("date") or "", ",".join(party_codes(event.get("participants") or [])))


def tally_id(tally: dict) -> str:
    """The same reported count (actor, types, count, period, qualifier) in any article."""
    types = tally.get("type")
    kinds = ",".join(sorted(types)) if isinstance(types, list) else str(types)
    return digest("tally", party_code(tally.get("actor") or {}), kinds,
                  str(tally.get("count")), str(tally.get("period")), str(tally.get("qualifier")))
