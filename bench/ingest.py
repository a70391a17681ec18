"""What publishing articles costs: Parley's producer against aiokafka's default batches.

The same generated corpus is published through ``ArticlePublisher`` (what
``parley ingest`` and the HTTP endpoint run: validation, encoding, keyed and
idempotent sends) with the producer options Parley uses, and with the same
options but aiokafka's default batch size (16 KB), alternating, each round to a
fresh topic. For each, the CPU the publishing process and the broker spent per
article, and articles per second until the last acknowledgement.

    python -m bench.ingest [--articles 20000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer

from bench import harness
from bench.corpus import CorpusGenerator
from services.common.kafka import ensure_topics, producer_options
from services.common.settings import Settings
from services.producer.articles import RawRecord
from services.producer.publish import ArticlePublisher

AIOKAFKA_DEFAULT_BATCH = 16_384


@dataclass
class Published:
    variant: str
    articles: int
    seconds: float
    client_cpu: float
    broker_cpu: float | None

    @property
    def per_second(self) -> float:
        return self.articles / self.seconds


def variants(settings: Settings) -> dict[str, dict[str, Any]]:
    """Producer options by name; the first is the baseline."""
    parley = producer_options(settings)
    return {"aiokafka default batch (16 KB)": {**parley, "max_batch_size": AIOKAFKA_DEFAULT_BATCH},
            f"Parley ({parley['max_batch_size'] // 1024} KB batches)": parley}


async def publish(settings: Settings, options: dict[str, Any], records: list[RawRecord],
                  broker_pid: int | None, variant: str) -> Published:
    producer = AIOKafkaProducer(**options)
    await producer.start()
    try:
        await producer.send_and_wait(settings.topic_articles, b"{}", key=b"warm-up")
        broker_before = harness.cpu_seconds(broker_pid) if broker_pid else 0.0
        cpu_before, began = sum(os.times()[:2]), time.perf_counter()
        summary = await ArticlePublisher(producer, settings).publish_all(records)
        seconds = time.perf_counter() - began
        client = sum(os.times()[:2]) - cpu_before
        broker = harness.cpu_seconds(broker_pid) - broker_before if broker_pid else None
    finally:
        await producer.stop()
    if summary.published != len(records):
        raise RuntimeError(f"{variant}: published {summary.published} of {len(records)}")
    return Published(variant, len(records), seconds, client, broker)


def run(args: argparse.Namespace, bootstrap: str, root: Path) -> list[Published]:
    corpus = CorpusGenerator(args.seed, args.size).articles(args.articles)
    records = [RawRecord(article, "bench", "") for article in corpus]
    out: list[Published] = []
    for number in range(args.rounds):
        for variant in range(2):
            settings = harness.bench_settings(bootstrap, root / f"round{number}-{variant}")
            name, options = list(variants(settings).items())[variant]
            asyncio.run(ensure_topics(settings))
            out.append(asyncio.run(publish(settings, options, records,
                                           harness.BROKER_PIDS.get(bootstrap), name)))
            print(f"  round {number}: {name}: {out[-1].per_second:,.0f} articles/s", flush=True)
    return out


def report(results: list[Published]) -> str:
    names = list(dict.fromkeys(r.variant for r in results))
    rows = []
    base: dict[str, float] = {}
    for name in names:
        mine = [r for r in results if r.variant == name]
        figures = {
            "articles/s": statistics.median(r.per_second for r in mine),
            "client µs/article": statistics.median(1e6 * r.client_cpu / r.articles
                                                   for r in mine),
        }
        brokers = [1e6 * r.broker_cpu / r.articles for r in mine if r.broker_cpu is not None]
        if brokers:
            figures["broker µs/article"] = statistics.median(brokers)
        base = base or figures
        for what, value in figures.items():
            ratio = value / base[what] if base.get(what) else 1.0
            rows.append((name if what == "articles/s" else "", what, f"{value:,.0f}",
                         f"{ratio:.2f}"))
    return harness.table(rows, ("producer", "median of the rounds", "figure", "ratio"))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", help="Kafka bootstrap servers (default: as bench.pipeline)")
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with harness.broker(args.bootstrap) as bootstrap, \
            tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        print(f"{args.articles} generated articles of ~{args.size} characters, "
              f"{args.rounds} alternating rounds; broker {bootstrap}")
        print(report(run(args, bootstrap, Path(tmp))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
