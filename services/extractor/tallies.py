"""Tallies: reported counts of interactions ("made 79 phone calls in 2021")."""

from __future__ import annotations

import datetime as dt


def extract_tallies(text: str, published: dt.date | None) -> list[dict]:
    """Tally records of one article."""
    return []
