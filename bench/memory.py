"""Memory of the aggregator's tables per million events: in-process dicts and real workers.

(1) ``LocalAggregator`` (the aggregator's functions on plain dicts, which is what
    the in-memory Faust store holds) is fed N generated `events` messages and its
    tables are measured with tracemalloc (memory still allocated after the feed,
    minus before), then extrapolated linearly to a million events.
(2) An aggregator worker per store (``memory://``, and ``rocksdb://`` when the
    ``rocksdict`` package is installed) consumes the same N events from a fresh
    `events` topic; once its ``actor_events`` table holds every canonical id of
    the reference, the worker's RSS (minus its RSS when idle before the feed) and
    the size on disk of its data directory are reported, also per million.

Events are gold-format records built with ``event_message``: two office holders
of different countries (from the reference data), a type, a day in 2015-2025;
``--repeat`` of them report an event already reported by another article (as
wire copy does), which the aggregator counts once.

    python -m bench.memory [--events 50000] [--worker-events 10000] [--stores memory,rocksdb]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench import harness
from bench.corpus import CorpusGenerator
from services.aggregator.local import LocalAggregator
from services.common.codec import encode
from services.common.messages import event_message, event_type_codes
from services.common.settings import Settings

MILLION = 1_000_000
MIB = 1024 * 1024


def generated_events(count: int, seed: int, repeat: float) -> Iterator[dict[str, Any]]:
    """``count`` `events` messages; a ``repeat`` share re-reports an earlier event."""
    rng = random.Random(seed)
    people = CorpusGenerator(seed).people
    types = sorted(event_type_codes())
    told: list[dict[str, Any]] = []
    for number in range(count):
        article = {"id": f"mem-{number:08d}", "url": f"https://news.example/m/{number}",
                   "published": None, "source": "bench"}
        if told and rng.random() < repeat:
            event = rng.choice(told)
        else:
            event = _event(rng, people, types)
            told.append(event)
        article["published"] = event["date"]
        yield event_message(event, article=article, extractor_version="bench")


def _event(rng: random.Random, people: list[dict[str, Any]], types: list[str]) -> dict[str, Any]:
    a, b = rng.sample(people, 2)
    while a["country"] == b["country"]:
        a, b = rng.sample(people, 2)
    day = date(2015, 1, 1) + timedelta(days=rng.randrange(3900))
    names = f"{a['name']} met {b['name']}"
    return {"type": rng.choice(types), "date": day.isoformat(), "precision": "day",
            "participants": [{"name": p["name"], "country": p["country"]} for p in (a, b)],
            "status": "occurred", "evidence": f"{names} on {day:%B %d}.",
            "evidence_spans": [[0, len(names)]], "confidence": 0.8, "rule": "bench"}


# --- (1) plain dicts -----------------------------------------------------------------------

@dataclass
class DictMemory:
    events: int
    canonical: int
    bytes: int
    seconds: float  # untraced


def measure_dicts(events: list[dict[str, Any]]) -> DictMemory:
    began = time.perf_counter()
    untraced = LocalAggregator()
    for event in events:
        untraced.add_event(event)
    seconds = time.perf_counter() - began
    del untraced
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    aggregator = LocalAggregator()
    for event in events:
        aggregator.add_event(event)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return DictMemory(len(events), aggregator.live_canonical_events(), after - before,
                      seconds)


# --- (2) workers ---------------------------------------------------------------------------

@dataclass
class WorkerMemory:
    store: str
    events: int
    idle_rss: int
    rss: int
    disk: int
    seconds: float


def expected_ids(events: list[dict[str, Any]]) -> set[str]:
    reference = LocalAggregator()
    for event in events:
        reference.add_event(event)
    return {summary["canonical_id"] for summary in reference.tables.actor_events.values()}


def measure_worker(settings: Settings, events: list[dict[str, Any]],
                   expected: set[str], timeout: float) -> WorkerMemory:
    worker = harness.start_worker(settings, "aggregator")
    try:
        time.sleep(2)  # let the worker settle after its first rebalance
        idle = harness.rss_bytes(worker.process.pid)
        seconds = asyncio.run(_feed(settings, events, expected, timeout))
        time.sleep(3)  # let pending changelog writes and store flushes finish
        rss = harness.rss_bytes(worker.process.pid)
        disk = harness.disk_bytes(settings.data_dir / "workers")
    finally:
        worker.stop()
    return WorkerMemory(settings.store, len(events), idle, rss, disk, seconds)


async def _feed(settings: Settings, events: list[dict[str, Any]], expected: set[str],
                timeout: float) -> float:
    consumer = await harness.topic_consumer(settings, harness.changelog_topic(settings))
    producer = await harness.start_producer(settings)
    try:
        messages = [(e["event_id"].encode(), encode(e)) for e in events]
        began = await harness.publish_all(producer, settings.topic_events, messages)
        watcher = harness.ActorEventsWatcher(expected)
        done = await harness.follow_until_complete(consumer, watcher, timeout)
        return done - began
    finally:
        await producer.stop()
        await consumer.stop()


def rocksdb_available() -> bool:
    try:
        import rocksdict  # noqa: F401
    except ImportError:
        return False
    return True


# --- the run -------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", help="Kafka bootstrap servers (default: as bench.pipeline)")
    parser.add_argument("--events", type=int, default=50000, help="events for the dicts")
    parser.add_argument("--worker-events", type=int, default=10000,
                        help="events for each worker (0: no workers)")
    parser.add_argument("--stores", default="memory,rocksdb")
    parser.add_argument("--repeat", type=float, default=0.3,
                        help="share of events that re-report an earlier one")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=900.0)
    return parser.parse_args(argv)


def per_million(value: float, events: int) -> str:
    return f"{value * MILLION / events / MIB:,.0f} MiB"


def report_dicts(m: DictMemory) -> str:
    rows = [("LocalAggregator (plain dicts)", f"{m.events:,}", f"{m.canonical:,}",
             f"{m.bytes / MIB:,.1f} MiB", per_million(m.bytes, m.events),
             f"{m.events / m.seconds:,.0f}")]
    return harness.table(rows, ("tables", "events", "canonical", "tracemalloc",
                                "per 1M events", "events/s"))


def report_workers(results: list[WorkerMemory]) -> str:
    rows = [(f"aggregator worker, {r.store}", f"{r.events:,}", f"{r.idle_rss / MIB:,.0f} MiB",
             f"{r.rss / MIB:,.0f} MiB", per_million(r.rss - r.idle_rss, r.events),
             f"{r.disk / MIB:,.1f} MiB", per_million(r.disk, r.events),
             f"{r.events / r.seconds:,.0f}")
            for r in results]
    return harness.table(rows, ("worker", "events", "idle RSS", "RSS", "RSS growth per 1M",
                                "disk", "disk per 1M", "events/s"))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    events = list(generated_events(max(args.events, args.worker_events), args.seed, args.repeat))
    print(f"{len(events):,} generated events, {args.repeat:.0%} re-reports", flush=True)
    print(report_dicts(measure_dicts(events[:args.events])), flush=True)
    if not args.worker_events:
        return 0
    fed = events[:args.worker_events]
    expected = expected_ids(fed)
    stores = [s.strip() for s in args.stores.split(",")]
    if "rocksdb" in stores and not rocksdb_available():
        print("rocksdb: skipped, the rocksdict package is not installed")
        stores.remove("rocksdb")
    with harness.broker(args.bootstrap) as bootstrap, \
            tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        results = [measure_worker(harness.bench_settings(bootstrap, Path(tmp) / store,
                                                         store=f"{store}://"),
                                  fed, expected, args.timeout) for store in stores]
    print(report_workers(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
