"""What the broker benchmarks share: a broker, isolated workers, publishing, watching tables.

Worker processes, isolated settings and polling come from the integration-test
harness (``tests/integration/harness.py``); this module adds what only the
benchmarks need: timed publishing, and a watcher that follows the aggregator's
``actor_events`` changelog to tell when (and how fast) the tables caught up.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from services.aggregator.local import LocalAggregator
from services.common.codec import encode
from services.common.cpus import cpu_list
from services.common.kafka import ensure_topics, producer_options
from services.common.messages import article_message, event_message
from services.common.settings import Settings
from services.extractor import EXTRACTOR_VERSION, extract
from tests.integration.harness import (
    WorkerProcess,
    child_processes,
    free_port,
    http_json,
    isolated_settings,
    start_worker,
    wait_for,
)

__all__ = ["WorkerProcess", "child_processes", "free_port", "http_json", "start_worker",
           "wait_for"]


# --- broker and settings -------------------------------------------------------------------

BROKER_PIDS: dict[str, int] = {}  # bootstrap -> pid, of the brokers Parley runs here


@contextlib.contextmanager
def broker(bootstrap: str | None) -> Iterator[str]:
    """The bootstrap servers to use: the given ones, a running local broker, else our own."""
    from services.broker import BrokerConfig, broker_status, start_broker, stop_broker

    given = bootstrap or os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        yield given
        return
    local = Settings.from_env()
    if _reachable(local.bootstrap):
        _remember_pid(local.bootstrap, broker_status(BrokerConfig.from_env()))
        yield local.bootstrap
        return
    with tempfile.TemporaryDirectory(prefix="parley-bench-kafka-") as data:
        config = dataclasses.replace(BrokerConfig.from_env(), port=free_port(),
                                     controller_port=free_port(), data_dir=Path(data))
        start_broker(config, timeout=120.0)
        _remember_pid(config.bootstrap, broker_status(config))
        try:
            yield config.bootstrap
        finally:
            stop_broker(config)


def _remember_pid(bootstrap: str, status: dict[str, Any]) -> None:
    if status.get("running") and status.get("bootstrap") == bootstrap:
        BROKER_PIDS[bootstrap] = int(status["pid"])


def _reachable(bootstrap: str) -> bool:
    import socket

    host, _, port = bootstrap.split(",")[0].rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=1):
            return True
    except OSError:
        return False


def bench_settings(bootstrap: str, root: Path, partitions: int = 4, **changes: Any) -> Settings:
    """Fresh topics, consumer groups, ports and data directory for one measurement."""
    settings = isolated_settings(bootstrap, root, partitions=partitions)
    settings = dataclasses.replace(settings, **changes)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings


def changelog_topic(settings: Settings, table: str = "actor_events") -> str:
    return f"{settings.app_prefix}-aggregator-{table}-changelog"


@contextlib.contextmanager
def running(settings: Settings, layout: dict[str, int]) -> Iterator[list[WorkerProcess]]:
    """Start ``{"extractor": n, "aggregator": m}`` workers (each on its own port); stop them."""
    started: list[WorkerProcess] = []
    try:
        for service, count in layout.items():
            for _ in range(count):
                started.append(start_worker(settings, service, web_port=free_port()))
        yield started
    finally:
        for worker in started:
            worker.stop()


# --- the reference: what the tables must end up holding ------------------------------------

@dataclass
class Extracted:
    """A corpus run through ``extract`` in this process, with the reference aggregation."""

    articles: list[dict[str, Any]]
    seconds: float
    reference: LocalAggregator = field(default_factory=LocalAggregator)

    @property
    def per_second(self) -> float:
        return len(self.articles) / self.seconds

    def expected_canonical_ids(self) -> set[str]:
        """Canonical ids the ``actor_events`` table holds once every article is through."""
        return {summary["canonical_id"] for summary in
                self.reference.tables.actor_events.values()}


def extract_corpus(articles: list[dict[str, Any]], passes: int = 3,
                   reference: LocalAggregator | None = None) -> Extracted:
    """Best-of-``passes`` wall time of ``extract`` over ``articles``, and the reference tables
    (added to ``reference`` when given, so a warm-up corpus can share them)."""
    work = [(a["text"], date.fromisoformat(a["published"]) if a.get("published") else None)
            for a in articles]
    extract(*work[0])  # reference data loads outside the timing
    best, results = float("inf"), []
    for _ in range(passes):
        began = time.perf_counter()
        results = [extract(text, published) for text, published in work]
        best = min(best, time.perf_counter() - began)
    out = Extracted(articles, best, reference or LocalAggregator())
    for article, result in zip(articles, results, strict=True):
        for event in result["events"]:
            out.reference.add_event(event_message(event, article=article,
                                                  extractor_version=EXTRACTOR_VERSION))
    return out


def renamed(articles: Iterable[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    """Copies with ids of their own (the generator numbers every corpus from 0)."""
    return [{**a, "id": f"{prefix}-{a['id']}", "url": f"{a['url']}/{prefix}"} for a in articles]


# --- publishing ----------------------------------------------------------------------------

async def start_producer(settings: Settings) -> AIOKafkaProducer:
    producer = AIOKafkaProducer(**producer_options(settings))
    await producer.start()
    return producer


async def publish_all(producer: AIOKafkaProducer, topic: str,
                      messages: Iterable[tuple[bytes, bytes]], chunk: int = 5000) -> float:
    """Send every (key, value) as fast as the producer takes them, waiting for the acks
    every ``chunk`` messages (so a generator of a million stays small); returns the
    time of the first send."""
    began = time.time()
    pending = []
    for key, value in messages:
        pending.append(await producer.send(topic, value, key=key))
        if len(pending) >= chunk:
            await asyncio.gather(*pending)
            pending = []
    await asyncio.gather(*pending)
    return began


async def publish_paced(producer: AIOKafkaProducer, topic: str,
                        messages: list[tuple[bytes, bytes]], rate: float) -> dict[str, int]:
    """Send one message every 1/``rate`` seconds on a fixed schedule (no drift);
    returns each key's Kafka timestamp (ms) as the broker acknowledged it."""
    began = time.monotonic()
    pending = []
    for number, (key, value) in enumerate(messages):
        delay = began + number / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        pending.append(await producer.send(topic, value, key=key))
    acks = await asyncio.gather(*pending)
    return {key.decode(): ack.timestamp for (key, _), ack in zip(messages, acks, strict=True)}


def article_messages(articles: list[dict[str, Any]]) -> list[tuple[bytes, bytes]]:
    return [(a["id"].encode(), encode(article_message(
        text=a["text"], url=a.get("url"), published=a.get("published"), source="bench",
        article_id=a["id"]))) for a in articles]


# --- watching topics -----------------------------------------------------------------------

async def topic_consumer(settings: Settings, *topics: str) -> AIOKafkaConsumer:
    """A group-less consumer of every partition of ``topics`` from the beginning."""
    await ensure_topics(settings, extra={t: {} for t in topics})
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap, group_id=None,
                                enable_auto_commit=False, auto_offset_reset="earliest",
                                max_partition_fetch_bytes=8 * 1024 * 1024)
    await consumer.start()
    assigned = [TopicPartition(t, p) for t in topics for p in range(settings.partitions)]
    consumer.assign(assigned)
    await consumer.seek_to_beginning(*assigned)
    return consumer


class ActorEventsWatcher:
    """Follows the ``actor_events`` changelog: which canonical ids the table holds now,
    and the Kafka timestamp (ms) of every changelog record that held each id.

    It shares the machine with the pipeline it measures, so it reads the id from the
    row key (``"actor|month|canonical id"``, JSON as Faust writes a str key) instead
    of decoding the value, and keeps the count of missing ids as it goes instead of
    scanning them at every poll.
    """

    def __init__(self, expected: set[str]) -> None:
        self.present: set[bytes] = set()  # keys of the rows the table holds
        self.holders: Counter[str] = Counter()
        self.appearances: dict[str, list[int]] = {}
        self.records = 0
        self.last_timestamp = 0
        self.completed_at = 0  # timestamp of the record after which nothing expected missed
        self.expect(expected)

    def expect(self, expected: set[str]) -> None:
        """From now on, complete means every id of ``expected`` is held."""
        self.expected = set(expected)
        self._missing = sum(1 for cid in self.expected if self.holders[cid] <= 0)
        self.completed_at = self.last_timestamp if not self._missing else 0

    def add(self, key: bytes, value: bytes | None, timestamp: int) -> None:
        self.records += 1
        self.last_timestamp = max(self.last_timestamp, timestamp)
        cid = key.rpartition(b"|")[2].rstrip(b'"').decode()  # hex: nothing to unescape
        if value is not None:
            self.appearances.setdefault(cid, []).append(timestamp)
            if key not in self.present:
                self.present.add(key)
                self._count(cid, +1, timestamp)
        elif key in self.present:  # a tombstone
            self.present.discard(key)
            self._count(cid, -1, timestamp)

    def _count(self, cid: str, change: int, timestamp: int) -> None:
        before = self.holders[cid]
        self.holders[cid] = before + change
        if cid in self.expected and (before <= 0) != (before + change <= 0):
            self._missing += 1 if change < 0 else -1
            self.completed_at = timestamp if not self._missing else 0

    def missing(self) -> int:
        return self._missing


async def follow_until_complete(consumer: AIOKafkaConsumer, watcher: ActorEventsWatcher,
                                timeout: float) -> float:
    """Read the changelog until the table holds every expected id; returns the Kafka
    timestamp (s) of the changelog record that completed it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = await consumer.getmany(timeout_ms=200, max_records=5000)
        for items in batch.values():
            for record in items:
                watcher.add(record.key, record.value, record.timestamp)
        if not watcher.missing():
            return watcher.completed_at / 1000
    raise TimeoutError(f"{watcher.missing()} of {len(watcher.expected)} canonical ids "
                       f"still missing from actor_events after {timeout}s")


async def read_while(consumer: AIOKafkaConsumer, sink: Any, busy: asyncio.Future[Any],
                     quiet: float = 3.0) -> None:
    """Hand every record to ``sink(topic, record)`` until ``busy`` is done and then
    ``quiet`` seconds pass with nothing new."""
    last = time.monotonic()
    while not busy.done() or time.monotonic() - last < quiet:
        batch = await consumer.getmany(timeout_ms=200, max_records=5000)
        for tp, items in batch.items():
            last = time.monotonic()
            for record in items:
                sink(tp.topic, record)


# --- processes -----------------------------------------------------------------------------

@dataclass(frozen=True)
class CpuSplit:
    """Extraction on some CPUs, everything else on the others (``services.common.cpus``)."""

    extraction: frozenset[int]
    rest: frozenset[int]

    @classmethod
    def of(cls, extraction_processes: int) -> CpuSplit | None:
        """A core for each extraction process, the rest for the others; None if too few."""
        usable = sorted(usable_cpus())  # those this benchmark may use
        if extraction_processes < 1 or len(usable) <= extraction_processes:
            return None
        return cls(frozenset(usable[:extraction_processes]),
                   frozenset(usable[extraction_processes:]))

    def settings(self) -> dict[str, str]:
        return {"extract_cpus": cpu_list(self.extraction), "cpus": cpu_list(self.rest)}

    def __str__(self) -> str:
        return f"extraction on CPU {cpu_list(self.extraction)}, the rest on {cpu_list(self.rest)}"


def usable_cpus() -> frozenset[int]:
    return frozenset(os.sched_getaffinity(0))


@contextlib.contextmanager
def pinned(pids: Iterable[int], cpus: frozenset[int]) -> Iterator[None]:
    """Every thread of ``pids`` (already running: the broker, this process) on ``cpus``,
    as PARLEY_CPUS would have put them; their own CPUs again afterwards."""
    before = {pid: os.sched_getaffinity(pid) for pid in pids}  # of each main thread
    _set_threads(before, cpus)
    try:
        yield
    finally:  # threads started meanwhile (the JVM's, say) are given the main thread's too
        for pid, cpus_before in before.items():
            _set_threads([pid], cpus_before)


def _set_threads(pids: Iterable[int], cpus: set[int] | frozenset[int]) -> None:
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):  # a thread that ended meanwhile
                os.sched_setaffinity(int(task.name), cpus)


def rss_bytes(pid: int) -> int:
    """Resident set size of one process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time one process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def host_ticks() -> tuple[int, int]:
    """(busy, all) CPU ticks of the whole machine so far, from /proc/stat."""
    ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    return sum(ticks) - idle, sum(ticks)


def disk_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    """A plain-text table, first column left-aligned, the others right-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        cells = [str(c).ljust(w) if i == 0 else str(c).rjust(w)
                 for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        return "  ".join(cells)

    return "\n".join([line(header), "  ".join("-" * w for w in widths),
                      *(line(r) for r in rows)])


# --- where the time goes -------------------------------------------------------------------

def start_profiler(pid: int, seconds: float, output: Path) -> subprocess.Popen[bytes] | None:
    """Sample one process with py-spy (collapsed stacks), if py-spy is installed."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        return None
    return subprocess.Popen([spy, "record", "--pid", str(pid), "--duration", str(int(seconds)),
                             "--rate", "200", "--format", "raw", "--nonblocking", "--gil",
                             "--subprocesses",
                             "--output", str(output)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def hotspots(collapsed: Path, top: int = 12) -> list[tuple[str, float, float]]:
    """(frame, self %, inclusive %) of the busiest frames in py-spy's collapsed stacks."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        frames = [_short_frame(f) for f in stack.split(";")]
        total += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            inclusive[frame] += int(count)
    return [(frame, 100 * n / total, 100 * inclusive[frame] / total)
            for frame, n in own.most_common(top)]


def _short_frame(frame: str) -> str:
    """'extract (/work/.../services/extractor/engine.py:12)' -> 'extract (extractor/engine.py)'."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    parts = Path(path).parts
    for anchor in ("services", "site-packages", "python3.11"):
        if anchor in parts:
            parts = parts[parts.index(anchor) + 1:]
            break
    return f"{name} ({'/'.join(parts[-2:])})"
