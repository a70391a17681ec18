"""The whole pipeline on a real broker, beside the extractor alone and a raw Kafka loop.

All figures come from one run on one machine, so the ratios are what count on a
shared, noisy host. Every measurement gets fresh topics and consumer groups.

(a) extractor alone: ``extract`` in this process over the corpus (best of passes,
    wall time), articles/s.
(b) raw loop: one aiokafka consumer reads the articles topic (pre-filled with the
    same corpus) and produces every message unchanged to another topic with the
    producer settings Parley uses; the ceiling for one Python process, msgs/s.
(c) pipeline: an extractor and an aggregator worker (``parley worker``). After a
    warm-up corpus (``WARMUP`` articles) has gone through, the corpus is published
    at once; the backfill is complete when the aggregator's ``actor_events`` table
    holds every canonical id the reference aggregation (``LocalAggregator`` over
    the same ``extract`` results) holds. The table is followed through its
    changelog topic, and the end time is the Kafka timestamp of the changelog
    record that completed it. Throughput = articles / (that time - first publish).
    Above ``--reference-limit`` articles no reference is computed: completion is
    every receipt on ``articles.processed`` and then a changelog quiet for 5 s.
    The CPU time of every process on the machine during the backfill (workers,
    broker, this benchmark) is read from /proc, per article, with the ceiling it
    sets: all cores / CPU per article.
(c') the same backfill with a core of its own for the extraction process: its
    workers run with PARLEY_EXTRACT_CPUS (the first CPU) and PARLEY_CPUS (the
    others), and the broker's and this benchmark's threads are moved to the
    others for the run, as PARLEY_CPUS would have put them (``--no-pinned``: not run).
(d) latency at a steady offered load: articles published one by one at ``--rate``
    per second; for each article that yields an event counted in the actor tables,
    the Kafka timestamp of the article vs that of the first ``actor_events``
    changelog record (at or after the article) holding each of its canonical events
    (article -> canonical ids from ``events.canonical``'s ``article_ids``); the
    article's latency is the slowest of its events. Articles without such an event
    (no event, planned, year-precise) are left out.

    python -m bench.pipeline [--articles 5000] [--rate 100 --seconds 30] [--profile]
    python -m bench.pipeline --million        # measures, extrapolates, runs it if < 20 min
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from bench import harness
from bench.corpus import CorpusGenerator
from services.common.kafka import ensure_topics
from services.common.settings import Settings
from services.extractor import EXTRACTOR_VERSION

# Articles through the workers before the timing, so workers and broker are past their
# start-up (first metadata, caches, the broker's JIT). A new broker still spends more CPU per
# article than one that has run for minutes (README, Performance): that is not warmed away.
WARMUP = 1000
MILLION = 1_000_000
BROKER_CPU = "broker (Kafka)"
WORKER_KINDS = ("extractor", "aggregator")


@dataclass
class Backfill:
    """One backfill through the pipeline."""

    articles: int
    seconds: float
    cpu: dict[str, float] = field(default_factory=dict)  # process -> CPU seconds used
    host_busy: float = 0.0  # share of all the machine's CPU time that was busy
    profiles: dict[str, Path] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.articles / self.seconds


# --- (b) the raw loop ------------------------------------------------------------------------

async def raw_loop(settings: Settings, messages: list[tuple[bytes, bytes]]) -> float:
    """msgs/s of a consume-and-produce loop with no processing, articles -> another topic."""
    target = f"{settings.topic_articles}.copy"
    await ensure_topics(settings, extra={target: {}})
    producer = await harness.start_producer(settings)
    try:
        await harness.publish_all(producer, settings.topic_articles, messages)
        consumer = await harness.topic_consumer(settings, settings.topic_articles)
        try:
            began = time.perf_counter()
            await _copy(consumer, producer, target, len(messages))
            return len(messages) / (time.perf_counter() - began)
        finally:
            await consumer.stop()
    finally:
        await producer.stop()


async def _copy(consumer: AIOKafkaConsumer, producer: Any, target: str, count: int) -> None:
    copied = 0
    while copied < count:
        batch = await consumer.getmany(timeout_ms=500, max_records=1000)
        pending = [await producer.send(target, r.value, key=r.key)
                   for items in batch.values() for r in items]
        await asyncio.gather(*pending)
        copied += len(pending)


# --- (c) backfill ----------------------------------------------------------------------------

async def backfill(settings: Settings, workers: list[harness.WorkerProcess],
                   warmup: harness.Extracted, corpus: harness.Extracted | None,
                   messages: Iterable[tuple[bytes, bytes]], count: int,
                   profile: float, timeout: float) -> Backfill:
    """Warm the workers up, then publish ``count`` articles at once and time the tables.

    ``messages`` are the articles' (key, value): a list encoded beforehand keeps the
    encoding out of the measured time, a generator (for a million) does not.
    """
    consumer = await harness.topic_consumer(settings, harness.changelog_topic(settings),
                                            settings.topic_processed)
    producer = await harness.start_producer(settings)
    try:
        watcher = harness.ActorEventsWatcher(warmup.expected_canonical_ids())
        await harness.publish_all(producer, settings.topic_articles,
                                  harness.article_messages(warmup.articles))
        await harness.follow_until_complete(_only_changelog(consumer, settings), watcher, 120)
        processes = _processes(workers, settings.bootstrap)
        cpu_before = {name: cpu() for name, cpu in processes.items()}
        host_before = harness.host_ticks()
        spies = _profile(workers, profile, settings.data_dir)
        if corpus is not None:
            watcher.expect(corpus.expected_canonical_ids())
            began = await harness.publish_all(producer, settings.topic_articles, messages)
            done = await harness.follow_until_complete(consumer, watcher, timeout)
        else:
            began, done = await _without_reference(consumer, producer, settings, messages,
                                                   watcher, count, timeout)
        cpu = {name: used() - cpu_before[name] for name, used in processes.items()}
        busy, ticks = (after - before for after, before
                       in zip(harness.host_ticks(), host_before, strict=True))
        for spy in spies.values():
            spy[0].wait(timeout=profile + 60)
        return Backfill(count, done - began, cpu, busy / max(ticks, 1),
                        {k: v[1] for k, v in spies.items()})
    finally:
        await producer.stop()
        await consumer.stop()


def _only_changelog(consumer: AIOKafkaConsumer, settings: Settings) -> AIOKafkaConsumer:
    # Receipts of the warm-up are read (and dropped) here too; only changelog records count.
    consumer.pause(*[TopicPartition(settings.topic_processed, p)
                     for p in range(settings.partitions)])
    return consumer


async def _without_reference(consumer: AIOKafkaConsumer, producer: Any, settings: Settings,
                             messages: Iterable[tuple[bytes, bytes]],
                             watcher: harness.ActorEventsWatcher, count: int,
                             timeout: float) -> tuple[float, float]:
    """Publish while counting receipts; done = every receipt, then 5 s of changelog quiet."""
    consumer.resume(*[TopicPartition(settings.topic_processed, p)
                      for p in range(settings.partitions)])
    receipts: set[bytes] = set()

    def sink(topic: str, record: Any) -> None:
        if topic == settings.topic_processed:
            if record.key and not record.key.startswith(b"warm-"):
                receipts.add(record.key)
        else:
            watcher.add(record.key, record.value, record.timestamp)

    began = time.time()
    publishing = asyncio.ensure_future(
        harness.publish_all(producer, settings.topic_articles, messages))
    deadline = time.monotonic() + timeout
    while len(receipts) < count and time.monotonic() < deadline:
        batch = await consumer.getmany(timeout_ms=200, max_records=5000)
        for tp, items in batch.items():
            for record in items:
                sink(tp.topic, record)
    await publishing
    await harness.read_while(consumer, sink, publishing, quiet=5.0)
    return began, watcher.last_timestamp / 1000


def _name(worker: harness.WorkerProcess) -> str:
    return f"{worker.service}:{worker.web_port}"


def _processes(workers: list[harness.WorkerProcess],
               bootstrap: str) -> dict[str, Callable[[], float]]:
    """The CPU-time readers of every process of the run on this machine, by name."""
    readers: dict[str, Callable[[], float]] = {}
    for worker in workers:
        readers[_name(worker)] = partial(harness.cpu_seconds, worker.process.pid)
        for number, child in enumerate(harness.child_processes(worker.process.pid), 1):
            readers[f"{_name(worker)} process {number}"] = partial(harness.cpu_seconds, child)
    if bootstrap in harness.BROKER_PIDS:
        readers[BROKER_CPU] = partial(harness.cpu_seconds, harness.BROKER_PIDS[bootstrap])
    readers["benchmark (publisher, watcher)"] = lambda: sum(os.times()[:2])
    return readers


def _profile(workers: list[harness.WorkerProcess], seconds: float,
             root: Path) -> dict[str, tuple[Any, Path]]:
    spies = {}
    for worker in workers if seconds else []:
        output = root / f"profile-{worker.service}-{worker.web_port}.txt"
        spy = harness.start_profiler(worker.process.pid, seconds, output)
        if spy is not None:
            spies[_name(worker)] = (spy, output)
    return spies


# --- (d) latency ---------------------------------------------------------------------------

@dataclass
class Latency:
    offered: float
    achieved: float
    measured: int
    excluded: int
    milliseconds: list[float]


async def latency(settings: Settings, articles: list[dict[str, Any]], rate: float) -> Latency:
    """Publish at ``rate`` per second; publish -> actor_events latency per article."""
    canonical_topic, changelog = settings.topic_canonical, harness.changelog_topic(settings)
    consumer = await harness.topic_consumer(settings, changelog, canonical_topic)
    producer = await harness.start_producer(settings)
    watcher = harness.ActorEventsWatcher(set())
    article_cids: dict[str, set[str]] = {}

    def sink(topic: str, record: Any) -> None:
        if topic == changelog:
            watcher.add(record.key, record.value, record.timestamp)
        elif record.value is not None:
            event = orjson.loads(record.value)
            for article_id in event.get("article_ids") or []:
                article_cids.setdefault(article_id, set()).add(event["canonical_id"])

    try:
        publishing = asyncio.ensure_future(harness.publish_paced(
            producer, settings.topic_articles, harness.article_messages(articles), rate))
        await harness.read_while(consumer, sink, publishing, quiet=5.0)
        sent = publishing.result()
        span = (max(sent.values()) - min(sent.values())) / 1000
        achieved = (len(sent) - 1) / span if span else rate
    finally:
        await producer.stop()
        await consumer.stop()
    waits = [_article_latency(sent[a], article_cids.get(a, set()), watcher) for a in sent]
    measured = [w for w in waits if w is not None]
    return Latency(rate, achieved, len(measured), len(waits) - len(measured), measured)


def _article_latency(published: int, cids: set[str],
                     watcher: harness.ActorEventsWatcher) -> float | None:
    """ms until every counted canonical event of the article is in actor_events."""
    waits = []
    for cid in cids:
        after = [t for t in watcher.appearances.get(cid, []) if t >= published]
        if after:
            waits.append(min(after) - published)
    return float(max(waits)) if waits else None


# --- the run -------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Broker: --bootstrap, else KAFKA_BOOTSTRAP_SERVERS, else the local broker "
               "(parley kafka start) if it runs, else one started for the run.")
    parser.add_argument("--bootstrap", help="Kafka bootstrap servers")
    parser.add_argument("--articles", type=int, default=5000,
                        help="backfill size (a short backfill is dominated by its ramp-up)")
    parser.add_argument("--million", action="store_true",
                        help=f"after the default run, backfill {MILLION:,} generated articles "
                             "if the measured rate says it takes less than --max-minutes")
    parser.add_argument("--max-minutes", type=float, default=30.0,
                        help="run the million only if the measured rate says it takes less "
                             "(the target)")
    parser.add_argument("--rate", type=float, default=100.0, help="offered load, articles/s")
    parser.add_argument("--seconds", type=float, default=30.0, help="duration of the load")
    parser.add_argument("--size", type=int, default=3000, help="article size, characters")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--passes", type=int, default=3, help="passes of the extractor alone")
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--extract-processes", type=int,
                        default=Settings.from_env().extract_processes,
                        help="the extractor worker's extraction processes "
                             "(PARLEY_EXTRACT_PROCESSES; 0: in its own process)")
    parser.add_argument("--reference-limit", type=int, default=20000,
                        help="above this many articles, completion is detected without "
                             "a reference aggregation")
    parser.add_argument("--pinned", action=argparse.BooleanOptionalAction, default=True,
                        help="also a backfill (c') with a core for each extraction process "
                             "(PARLEY_EXTRACT_CPUS) and the rest on the other cores "
                             "(PARLEY_CPUS; the broker and this benchmark moved there too)")
    parser.add_argument("--profile", action="store_true",
                        help="sample the workers with py-spy during the backfill")
    parser.add_argument("--timeout", type=float, default=900.0)
    return parser.parse_args(argv)


@dataclass
class Pinned:
    """(c'): the backfill with the extraction processes on CPUs of their own."""

    split: harness.CpuSplit
    backfill: Backfill
    broker_moved: bool  # False: the broker does not run here, or not as Parley's

    def label(self) -> str:
        return f"(c') the same, {self.split}" + ("" if self.broker_moved else
                                                 " (broker not here: not moved)")


@dataclass
class Results:
    extracted: harness.Extracted
    raw: float
    backfill: Backfill
    latency: Latency | None
    extract_processes: int
    pinned: Pinned | None = None


def run(args: argparse.Namespace, bootstrap: str, root: Path) -> Results:
    referenced = args.articles <= args.reference_limit
    sample = list(CorpusGenerator(args.seed, args.size).articles(
        min(args.articles, args.reference_limit)))
    warm = harness.renamed(CorpusGenerator(args.seed + 1000, args.size).articles(WARMUP), "warm")
    print(f"extractor {EXTRACTOR_VERSION}; corpus {args.articles} articles of ~{args.size} "
          f"characters (seed {args.seed}); broker {bootstrap}", flush=True)
    warmup = harness.extract_corpus(warm, passes=1)
    extracted = harness.extract_corpus(sample, args.passes, reference=warmup.reference)
    warmup = harness.extract_corpus(warm, passes=1)  # its own reference, for the warm-up check
    raw = asyncio.run(raw_loop(harness.bench_settings(bootstrap, root / "raw", args.partitions),
                               harness.article_messages(sample)))
    split = harness.CpuSplit.of(args.extract_processes) if args.pinned else None
    pinned = None
    if split is not None and referenced:  # first: (c) then has the broker warmer, if anything
        pinned = pinned_backfill(bootstrap, root, args, split, warmup, extracted)
    settings = harness.bench_settings(bootstrap, root / "pipeline", args.partitions,
                                      extract_processes=args.extract_processes)
    with harness.running(settings, {"extractor": 1, "aggregator": 1}) as workers:
        filled = asyncio.run(backfill(
            settings, workers, warmup, extracted if referenced else None,
            _messages(sample if referenced else CorpusGenerator(args.seed, args.size)
                      .articles(args.articles)), args.articles,
            profile=_profile_seconds(args, extracted), timeout=args.timeout))
        lat = None
        if args.rate and args.seconds:
            load = harness.renamed(CorpusGenerator(args.seed + 2000, args.size)
                                   .articles(int(args.rate * args.seconds)), "load")
            lat = asyncio.run(latency(settings, load, args.rate))
    return Results(extracted, raw, filled, lat, args.extract_processes, pinned)


def pinned_backfill(bootstrap: str, root: Path, args: argparse.Namespace,
                    split: harness.CpuSplit, warmup: harness.Extracted,
                    extracted: harness.Extracted) -> Pinned:
    """(c) again, the extraction processes on cores of their own: workers started with
    PARLEY_EXTRACT_CPUS and PARLEY_CPUS, this benchmark and the broker (if it runs
    here) moved to the rest, as they run already."""
    settings = harness.bench_settings(bootstrap, root / "pinned", args.partitions,
                                      extract_processes=args.extract_processes,
                                      **split.settings())
    broker = [harness.BROKER_PIDS[bootstrap]] if bootstrap in harness.BROKER_PIDS else []
    with harness.running(settings, {"extractor": 1, "aggregator": 1}) as workers, \
            harness.pinned([*broker, os.getpid()], split.rest):
        filled = asyncio.run(backfill(settings, workers, warmup, extracted,
                                      harness.article_messages(extracted.articles),
                                      len(extracted.articles), profile=0, timeout=args.timeout))
    return Pinned(split, filled, broker_moved=bool(broker))


def _messages(articles: Iterable[dict[str, Any]]) -> Iterable[tuple[bytes, bytes]]:
    """The articles' messages: encoded now for a list, one by one for a generator."""
    if isinstance(articles, list):
        return harness.article_messages(articles)
    return (m for a in articles for m in harness.article_messages([a]))


def _profile_seconds(args: argparse.Namespace, extracted: harness.Extracted) -> float:
    # Sample about the expected length of the backfill, so idle time stays out.
    return max(2.0, 0.8 * len(extracted.articles) / extracted.per_second) if args.profile else 0


def _busiest_worker_row(b: Backfill, extractor_rate: float) -> list[tuple[str, str, str]]:
    """The ceiling one worker process sets: a Python worker uses one core at most."""
    workers = {name: cpu for name, cpu in b.cpu.items() if name.split(":")[0] in WORKER_KINDS}
    if not workers:
        return []
    name = max(workers, key=lambda worker: workers[worker])
    rate = b.articles / max(workers[name], 1e-9)
    kind, _, child = name.partition(" ")  # "extractor:6067 process 1": its extraction process
    return [(f"    ceiling: one core / CPU of {kind.split(':')[0]} {child}".rstrip(),
             f"{rate:,.0f} articles/s", f"{rate / extractor_rate:.2f} of (a)")]


def _extraction(processes: int) -> str:
    if not processes:
        return "extraction in the worker"
    return f"{processes} extraction process{'es' if processes > 1 else ''}"


def report(results: Results) -> str:
    e, b, lat = results.extracted, results.backfill, results.latency
    rows = [
        ("(a) extractor alone, in-process", f"{e.per_second:,.0f} articles/s", ""),
        ("(b) raw aiokafka consume+produce loop", f"{results.raw:,.0f} msgs/s",
         f"{results.raw / e.per_second:.1f}x (a)"),
        (f"(c) pipeline backfill, 1+1 workers, {_extraction(results.extract_processes)}",
         f"{b.per_second:,.0f} articles/s",
         f"{b.articles} in {b.seconds:.1f} s"),
        ("    pipeline / extractor alone", f"{b.per_second / e.per_second:.2f}", "target >= 0.80"),
    ]
    rows += [(f"    CPU of {name}", f"{1000 * cpu / b.articles:.2f} ms/article",
              f"{100 * cpu / b.seconds:.0f}% of a core") for name, cpu in b.cpu.items()]
    cores = len(os.sched_getaffinity(0))
    broker_known = BROKER_CPU in b.cpu
    ceiling = cores * b.articles / max(sum(b.cpu.values()), 1e-9)
    rows += [("    CPU of the whole machine", f"{100 * b.host_busy:.0f}% busy",
              f"{cores} cores"),
             ("    extract() alone, for comparison", f"{1000 / e.per_second:.2f} ms/article",
              ""),
             ("    ceiling: all cores / CPU per article" if broker_known else
              "    ceiling, broker's CPU unknown (not run here)", f"{ceiling:,.0f} articles/s",
              f"{ceiling / e.per_second:.2f} of (a)")]
    rows += _busiest_worker_row(b, e.per_second)
    if results.pinned is not None:
        p = results.pinned.backfill
        rows += [(results.pinned.label(), f"{p.per_second:,.0f} articles/s",
                  f"{p.articles} in {p.seconds:.1f} s"),
                 ("    pinned pipeline / extractor alone", f"{p.per_second / e.per_second:.2f}",
                  f"{p.per_second / b.per_second:.2f} of (c)")]
        rows += [(f"    CPU of {name}", f"{1000 * cpu / p.articles:.2f} ms/article",
                  f"{100 * cpu / p.seconds:.0f}% of a core") for name, cpu in p.cpu.items()
                 if " process " in name]
    if lat is not None:
        ms = lat.milliseconds
        rows += [
            (f"(d) offered load (achieved {lat.achieved:.0f}/s)", f"{lat.offered:.0f} articles/s",
             f"{lat.measured} measured, {lat.excluded} without counted event"),
            ("    latency publish -> table p50", f"{harness.percentile(ms, .5):.0f} ms", ""),
            ("    latency publish -> table p99", f"{harness.percentile(ms, .99):.0f} ms",
             "target < 500 ms"),
            ("    latency publish -> table max", f"{max(ms, default=0):.0f} ms", ""),
        ]
    rows.append(("1M-article backfill at (c)'s rate", f"{MILLION / b.per_second / 60:.0f} min",
                 "extrapolated"))
    return harness.table(rows, ("measurement", "figure", "note"))


def report_profiles(backfill: Backfill) -> str:
    out = []
    for name, path in backfill.profiles.items():
        if not path.exists():
            out.append(f"\n{name}: no profile (py-spy failed)")
            continue
        rows = [(frame, f"{own:.1f}", f"{total:.1f}") for frame, own, total in
                harness.hotspots(path)]
        out.append(f"\n{name}: top frames by own time (py-spy, % of busy samples)\n"
                   + harness.table(rows, ("frame", "self %", "incl %")))
    return "\n".join(out)


def run_million(args: argparse.Namespace, bootstrap: str, root: Path, rate: float) -> str:
    minutes = MILLION / rate / 60
    if minutes > args.max_minutes:
        return (f"\n{MILLION:,}-article backfill not run: {rate:.0f} articles/s means "
                f"~{minutes:.0f} min (> --max-minutes {args.max_minutes:g})")
    settings = harness.bench_settings(bootstrap, root / "million", args.partitions)
    generator = CorpusGenerator(seed=args.seed + 3000, size=args.size)
    warmup = harness.extract_corpus(harness.renamed(
        CorpusGenerator(seed=args.seed + 1000, size=args.size).articles(WARMUP), "warm"), 1)
    with harness.running(settings, {"extractor": 1, "aggregator": 1}) as workers:
        filled = asyncio.run(backfill(settings, workers, warmup, None,
                                      _messages(generator.articles(MILLION)), MILLION, 0,
                                      timeout=args.max_minutes * 120))
    return (f"\n{MILLION:,}-article backfill: {filled.seconds / 60:.1f} min, "
            f"{filled.per_second:,.0f} articles/s")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with harness.broker(args.bootstrap) as bootstrap, \
            tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        if args.articles > args.reference_limit:
            print("large backfill: completion = every receipt, then changelog quiet for 5 s")
        results = run(args, bootstrap, Path(tmp))
        print(report(results))
        if args.profile:
            print(report_profiles(results.backfill))
        if args.million:
            print(run_million(args, bootstrap, Path(tmp), results.backfill.per_second))
    return 0


if __name__ == "__main__":
    sys.exit(main())
