"""Running a Faust worker for one service, in this process or as a child process."""

from __future__ import annotations

import importlib.util
import logging
import os
import subprocess
import sys
from pathlib import Path

import faust

from services.common import cpus, heap
from services.common.settings import Settings


def build_app(settings: Settings, service: str, web_port: int | None = None) -> faust.App:
    if service == "extractor":
        from dataclasses import replace

        from services.extractor.agent import build_extractor_app

        if web_port:
            settings = replace(settings, extractor_web_port=web_port)
        return build_extractor_app(settings)
    from services.aggregator.app import build_aggregator_app

    return build_aggregator_app(settings, web_port=web_port)


class _Worker(faust.Worker):
    def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
        super().on_setup_root_logger(logger, level)
        # mode leaves the root logger at DEBUG and filters in its handler, so each
        # debug call on the Kafka client's hot path would still build a record.
        logger.setLevel(level or logging.WARNING)


def run_worker(settings: Settings, service: str, web_port: int | None,
               loglevel: str | None) -> int:
    """Run the worker until SIGINT/SIGTERM (blocks)."""
    import asyncio

    from services.common.kafka import ensure_topics

    # A bad list of extraction CPUs stops the worker now, not at its first batch; the
    # worker is pinned before Faust and the Kafka client start threads, which inherit it.
    shared = settings.extraction_cpus & settings.worker_cpus
    if shared:
        logging.getLogger(__name__).warning(
            "PARLEY_EXTRACT_CPUS and PARLEY_CPUS share CPU %s: the extraction processes "
            "will wait for it whenever the worker's Kafka work has it", sorted(shared))
    cpus.pin_this_process(settings.worker_cpus)
    # Topics are created with their configs (sizes, compaction) before Faust would
    # auto-create them with defaults.
    _use_event_loop(settings.event_loop)
    asyncio.run(ensure_topics(settings, extra=_internal_topics(settings, service)))
    if service == "aggregator":
        from services.aggregator.app import refuse_an_earlier_canonical_layout

        asyncio.run(refuse_an_earlier_canonical_layout(settings))
    app = build_app(settings, service, web_port)
    worker = _Worker(app, loglevel=loglevel or settings.log_level, quiet=True,
                     redirect_stdouts=False)
    # Faust warns whenever more than 100 table writes wait to be produced: that is its
    # backpressure doing its job under load, not a fault worth a line per batch.
    logging.getLogger("faust.transport.producer").setLevel(logging.ERROR)
    # Full collections would otherwise scan these long-lived objects again and again.
    heap.collect_and_freeze()
    worker.execute_from_commandline()
    return 0


def _use_event_loop(name: str) -> None:
    """Install the workers' event loop (the consumer thread's loop follows it)."""
    import mode.loop

    if name not in ("aio", "uvloop"):
        raise ValueError(f"PARLEY_EVENT_LOOP={name!r}: use uvloop or aio")
    if name == "uvloop" and importlib.util.find_spec("uvloop") is None:
        # Not installed where it has no wheel (Windows): asyncio's own loop works too.
        logging.getLogger(__name__).warning(
            "uvloop is not installed: running on asyncio's own loop (PARLEY_EVENT_LOOP=aio)")
        name = "aio"
    mode.loop.use(name)


def _internal_topics(settings: Settings, service: str) -> dict[str, dict[str, str]]:
    if service != "aggregator":
        return {}
    from services.aggregator.app import topics_to_create

    return topics_to_create(settings)


def spawn_worker(service: str, *, web_port: int, log_path: Path,
                 env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start ``parley worker SERVICE`` as a child process, its output in ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("ab")
    command = [sys.executable, "-m", "services.cli", "worker", service,
               "--web-port", str(web_port)]
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, **(env or {})}, start_new_session=True)
