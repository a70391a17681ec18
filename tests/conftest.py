"""Fixtures shared by every test tier."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_EVAL = REPO.parent / "shared" / "eval"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO
