"""The public entry point: `extract(text, published) -> {"events", "tallies"}`."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from .dates import anchors
from .engine import TYPE_INFO, Candidate, Engine
from .reference import get_reference, tokenize
from .tallies import extract_tallies
from .text import split_sentences

EXTRACTOR_VERSION = "0.3.10"


@lru_cache(maxsize=1)
def _engine() -> Engine:
    return Engine(get_reference())


def extract(text: str, published: dt.date | None) -> dict:
    """Events and tallies of one article, in the gold format plus extra fields."""
    if not text:
        return {"events": [], "tallies": []}
    engine = _engine()
    # Found once per article and shared by the event and the tally passes.
    tokens = tokenize(text)
    mentions = engine.ref.find_mentions(text, tokens)
    sentences = split_sentences(text)
    dates = anchors(text, published)
    events = [_event_record(text, c)
              for c in engine.run(text, published, mentions, tokens, sentences, dates)]
    tallies = extract_tallies(text, published, mentions, tokens, sentences, dates[0])
    return {"events": events, "tallies": tallies}


def _event_record(text: str, c: Candidate) -> dict:
    _, plover_type, channel = TYPE_INFO[c.type]
    start, end = c.evidence
    return {
        "type": c.type,
        "date": c.date,
        "precision": c.precision if c.date else "unknown",
        "participants": [a.record() for a in c.parties],
        "status": c.status,
        "evidence": text[start:end],
        "evidence_spans": [list(span) for span in c.spans],
        "cameo": c.cameo,
        "plover_type": plover_type,
        "plover_mode": c.plover_mode,
        "channel": channel,
        "confidence": round(c.confidence, 2),
        "rule": c.rule,
    }
