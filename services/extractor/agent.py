"""Kafka wiring of the extractor: a Faust agent from `articles` to `events`/`tallies`.

What a batch of `articles` messages gives (events, tallies, receipts, dead
letters) is worked out by ``handling.py``, pure and tested without a broker:
checked and turned into messages here, extracted in the worker's extraction
processes (``processes.py``). The agent around it only moves bytes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import faust

from services.common import faust_fixes
from services.common.faust_app import make_app, process_batches_elsewhere, raw_topic
from services.common.settings import Settings
from services.extractor import EXTRACTOR_VERSION
from services.extractor.handling import Article, Message, SourcePosition, load_reference_data
from services.extractor.processes import ExtractionProcesses


def build_extractor_app(settings: Settings) -> faust.App:
    """The extractor worker: one agent, `articles` in, events/tallies/dead letters out."""
    app = make_app("extractor", settings, web_port=settings.extractor_web_port)
    if not settings.extract_processes:
        # Loaded now, not in the first batch; it lives as long as the worker, which
        # freezes it out of the collector's scans before it starts.
        load_reference_data()
    topics = {"events": settings.topic_events, "tallies": settings.topic_tallies,
              "deadletter": settings.topic_deadletter, "processed": settings.topic_processed}

    async def named(work: Awaitable[list[Message]]) -> list[Message]:
        return [(topics[role], key, value) for role, key, value in await work]

    @app.agent(raw_topic(app, settings.topic_articles), concurrency=1)
    async def extract_articles(stream: faust.StreamT) -> None:
        extraction = await _started_extraction(settings)

        def start(runs: list[list[Any]]) -> Awaitable[list[Message]]:
            work = extraction.handle([_article(e.message) for run in runs for e in run])
            return asyncio.ensure_future(named(work))

        try:
            await process_batches_elsewhere(app, stream, settings, start)
        finally:
            extraction.close()

    @app.page("/health")
    async def health(web: Any, request: Any) -> Any:
        return web.json({"status": "ok", "service": "extractor",
                         "extractor_version": EXTRACTOR_VERSION})

    return app


async def _started_extraction(settings: Settings) -> ExtractionProcesses:
    """The extraction processes, started; else the worker stops (Faust would restart the
    agent again and again, and the worker would look healthy while it handles nothing)."""
    try:
        extraction = ExtractionProcesses(settings.extract_processes, settings.max_article_bytes,
                                         settings.extraction_cpus)
        await asyncio.get_running_loop().run_in_executor(None, extraction.warm_up)
        return extraction
    except Exception as exc:
        faust_fixes.fail_stop("the extraction processes did not start", exc)


def _article(message: Any) -> Article:
    return message.value, SourcePosition(message.key, message.topic, message.partition,
                                         message.offset)
