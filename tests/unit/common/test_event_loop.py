"""The workers' event loop comes from PARLEY_EVENT_LOOP."""

import asyncio
import importlib.util

import pytest

from services.cli.workers import _use_event_loop


def loop_module_after(name: str) -> str:
    """The module of the loops made once ``_use_event_loop(name)`` ran (policy restored)."""
    try:
        _use_event_loop(name)
        loop = asyncio.new_event_loop()
        try:
            return type(loop).__module__
        finally:
            loop.close()
    finally:
        asyncio.set_event_loop_policy(None)


def test_an_unknown_event_loop_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="PARLEY_EVENT_LOOP='tokio'"):
        _use_event_loop("tokio")


def test_uvloop_becomes_the_loop_of_new_event_loops() -> None:
    assert loop_module_after("uvloop").startswith("uvloop")


def test_without_uvloop_the_worker_runs_on_asyncio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert loop_module_after("uvloop").startswith("asyncio")
