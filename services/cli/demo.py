"""``parley demo``: the whole system on one machine, fed with ``seeds/``."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from services.cli.ingest import ingest_articles
from services.cli.workers import spawn_worker
from services.common.codec import decode_object
from services.common.kafka import ensure_topics, read_topic
from services.common.settings import Settings

SHOWN_TABLES = ("events_per_month", "calls_per_month", "channels_per_month", "counterparts",
                "tallies")


def run_demo(settings: Settings, seeds: Path, *, exit_after: bool, timeout: float) -> int:
    signal.signal(signal.SIGTERM, _interrupt)
    started_broker = _ensure_broker(settings)
    workers = _start_workers(settings)
    try:
        actors = asyncio.run(_feed_and_wait(settings, seeds, timeout))
        asyncio.run(_print_tables(settings, actors))
        if not exit_after:
            print("\nServing; Ctrl-C to stop.", flush=True)
            _wait_for_interrupt(workers)
    finally:
        _stop_workers(workers)
        if started_broker and exit_after:
            print("(the Kafka broker keeps running: `parley kafka stop` stops it)")
    return 0


def _ensure_broker(settings: Settings) -> bool:
    if not settings.uses_local_broker:
        return False
    from services.broker import (
        BrokerConfig,
        BrokerUnavailable,
        broker_status,
        start_broker,
        wait_until_ready,
    )

    config = BrokerConfig.from_env()
    if broker_status(config)["running"]:
        return False
    try:  # a broker we did not start already serves this port: use it
        wait_until_ready(settings.bootstrap, timeout=2.0)
        return False
    except BrokerUnavailable:
        pass
    print(f"Starting Kafka on {start_broker(config)} ...", flush=True)
    return True


def _start_workers(settings: Settings) -> list[subprocess.Popen[bytes]]:
    logs = settings.data_dir / "logs"
    asyncio.run(ensure_topics(settings))
    workers = [spawn_worker("extractor", web_port=settings.extractor_web_port,
                            log_path=logs / "extractor.log"),
               spawn_worker("aggregator", web_port=settings.aggregator_web_port,
                            log_path=logs / "aggregator.log")]
    print(f"Workers started (logs in {logs}/).", flush=True)
    return workers


async def _feed_and_wait(settings: Settings, seeds: Path, timeout: float) -> list[str]:
    base = f"http://{settings.web_host}:{settings.aggregator_web_port}"
    deadline = time.monotonic() + timeout
    await _wait_http(f"{base}/health", deadline)
    summary = await ingest_articles(settings, [seeds], quiet=True)
    print(f"Ingested {seeds}: published {summary['published']}, rejected "
          f"{summary['rejected']}.", flush=True)
    ids = set(summary["ids"])
    await _wait_receipts(settings, ids, deadline)
    actors = await _actors_of(settings, ids)
    await _wait_stable(base, actors, deadline)
    return actors


async def _wait_http(url: str, deadline: float) -> None:
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.5)
    raise TimeoutError(f"{url} did not answer in time")


async def _wait_receipts(settings: Settings, ids: set[str], deadline: float) -> None:
    while time.monotonic() < deadline:
        records = await read_topic(settings, settings.topic_processed)
        done = {r.key.decode() for r in records if r.key} & ids
        if done == ids:
            return
        await asyncio.sleep(1.0)
    raise TimeoutError("the extractor did not process every seed article in time")


async def _actors_of(settings: Settings, ids: set[str]) -> list[str]:
    counts: dict[str, int] = {}
    for record in await read_topic(settings, settings.topic_events):
        event = decode_object(record.value)
        if event.get("article_id") in ids:
            for p in event["participants"]:
                code = p.get("country") or p.get("org")
                if code:
                    counts[code] = counts.get(code, 0) + 1
    return sorted(counts, key=lambda c: (-counts[c], c))


async def _wait_stable(base: str, actors: list[str], deadline: float) -> None:
    """Wait until the tables answer the same three times running."""
    previous, same = None, 0
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline and same < 3:
            answers = [await _get(http, f"{base}/tables/events_per_month?actor={a}")
                       for a in actors]
            same = same + 1 if answers == previous and any(
                a.get("rows") for a in answers) else 0
            previous = answers
            await asyncio.sleep(1.0)


async def _get(http: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    async with http.get(url) as response:
        return orjson.loads(await response.read())


async def _print_tables(settings: Settings, actors: list[str]) -> None:
    base = f"http://{settings.web_host}:{settings.aggregator_web_port}"
    async with aiohttp.ClientSession() as http:
        for table in SHOWN_TABLES:
            print(f"\n== {table}")
            for actor in actors:
                rows = (await _get(http, f"{base}/tables/{table}?actor={actor}"))["rows"]
                for row in rows:
                    print("  " + _row_text(row))
    print(f"\nQuery them: curl '{base}/tables/events_per_month?actor=CHN&from=2021-01&to=2021-12'")
    print(f"            curl '{base}/tables'    curl '{base}/events?actor=CHN'")
    print(f"Dashboard:  {base}/    OpenAPI: {base}/openapi.json")


def _row_text(row: dict[str, Any]) -> str:
    hidden = {"canonical_ids", "evidence", "article_ids", "tally_id"}
    return "  ".join(f"{k}={v}" for k, v in row.items() if k not in hidden)


def _interrupt(signum: int, frame: Any) -> None:
    """A SIGTERM (a supervisor, `timeout`, `kill`) stops the demo as Ctrl-C does:
    without it Python exits at once and leaves the workers running."""
    raise KeyboardInterrupt


def _wait_for_interrupt(workers: list[subprocess.Popen[bytes]]) -> None:
    try:
        while all(w.poll() is None for w in workers):
            time.sleep(1.0)
        print("a worker stopped; see its log", file=sys.stderr)
    except KeyboardInterrupt:
        pass


def _stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
