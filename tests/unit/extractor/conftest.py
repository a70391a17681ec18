"""Helpers for extractor tests: short articles written for the tests."""

from __future__ import annotations

import datetime as dt

import pytest

from services.extractor import extract


def run(text: str, published: str | None = "2021-10-27") -> dict:
    day = dt.date.fromisoformat(published) if published else None
    return extract(text, day)


def parties(event: dict) -> set[str]:
    return {p.get("country") or p.get("org") for p in event["participants"]}


@pytest.fixture
def extract_text():
    return run
