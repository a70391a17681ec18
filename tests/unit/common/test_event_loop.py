"""The workers' event loop comes from PARLEY_EVENT_LOOP."""

import asyncio

import pytest

from services.cli.workers import _use_event_loop


def test_an_unknown_event_loop_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="PARLEY_EVENT_LOOP='tokio'"):
        _use_event_loop("tokio")


def test_uvloop_becomes_the_loop_of_new_event_loops() -> None:
    try:
        _use_event_loop("uvloop")
        loop = asyncio.new_event_loop()
        try:
            assert type(loop).__module__.startswith("uvloop")
        finally:
            loop.close()
    finally:
        asyncio.set_event_loop_policy(None)


def test_without_uvloop_the_worker_runs_on_asyncio(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    try:
        _use_event_loop("uvloop")
        loop = asyncio.new_event_loop()
        try:
            assert type(loop).__module__.startswith("asyncio")
        finally:
            loop.close()
    finally:
        asyncio.set_event_loop_policy(None)
