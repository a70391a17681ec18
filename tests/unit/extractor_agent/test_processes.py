"""Extraction in child processes gives what extraction in the worker's own process gives."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import orjson
import pytest

from services.common import faust_fixes
from services.common.settings import Settings
from services.extractor.agent import _started_extraction
from services.extractor.handling import SourcePosition, handle_articles
from services.extractor.processes import ExtractionProcesses

TEXTS = [
    "PARIS, March 1 -- French President Emmanuel Macron held a phone call with "
    "German Chancellor Olaf Scholz on Wednesday.",
    "BEIJING, March 2 -- Chinese President Xi Jinping met Brazilian President Luiz "
    "Inacio Lula da Silva in Beijing on Thursday.",
    "The weather in Paris was mild on Wednesday.",
]


def _articles() -> list[tuple[bytes | None, SourcePosition]]:
    good = [orjson.dumps({"schema_version": 1, "id": f"a{n}", "url": None,
                          "published": "2023-03-03", "title": None, "source": None,
                          "text": text, "ingested_at": "2023-03-03T10:00:00Z"})
            for n, text in enumerate(TEXTS)]
    payloads = [good[0], b"{broken", good[1], None, good[2]]
    return [(p, SourcePosition(f"a{n}".encode(), "articles", 0, n))
            for n, p in enumerate(payloads)]


def _comparable(messages: list[tuple[str, bytes | None, bytes]]) -> list[tuple[Any, ...]]:
    # Timestamps differ from run to run; everything else must not.
    out = []
    for role, key, value in messages:
        body = orjson.loads(value)
        for stamp in ("extracted_at", "processed_at", "failed_at"):
            body.pop(stamp, None)
        out.append((role, key, body))
    return out


@pytest.mark.parametrize("count", [0, 1, 2])
async def test_child_processes_give_the_messages_in_the_batch_order(count: int) -> None:
    articles = _articles()
    extraction = ExtractionProcesses(count, 100_000)
    try:
        extraction.warm_up()
        messages = await extraction.handle(articles)
    finally:
        extraction.close()
    assert _comparable(messages) == _comparable(handle_articles(articles, 100_000))
    roles = [role for role, _, _ in messages]
    assert roles.count("processed") == len(articles)
    assert roles.count("deadletter") == 2 and "events" in roles


async def test_an_empty_batch_gives_nothing() -> None:
    extraction = ExtractionProcesses(1, 100_000)
    try:
        assert await extraction.handle([]) == []
    finally:
        extraction.close()


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="PARLEY_EXTRACT_PROCESSES"):
        ExtractionProcesses(-1, 100_000)


async def test_a_batch_whose_process_died_fails_rather_than_waits() -> None:
    extraction = ExtractionProcesses(1, 100_000)
    try:
        extraction.warm_up()
        [pid] = extraction.pids()
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            await asyncio.wait_for(extraction.handle(_articles()), timeout=30)
    finally:
        extraction.close()


async def test_a_worker_whose_extraction_cannot_start_stops(
        monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []

    def fake_fail_stop(what: str, exc: BaseException | None = None) -> None:
        said.append(what)
        raise SystemExit(70)

    monkeypatch.setattr(faust_fixes, "fail_stop", fake_fail_stop)
    with pytest.raises(SystemExit):
        await _started_extraction(dataclasses.replace(Settings(), extract_processes=-1))
    assert said == ["the extraction processes did not start"]
