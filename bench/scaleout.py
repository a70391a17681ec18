"""Backfill throughput with more workers: the same corpus through each layout, in one run.

Each layout (extractor workers x aggregator workers) gets fresh topics and
groups with ``--partitions`` partitions, a warm-up corpus, then the same
backfill as ``bench.pipeline`` (complete when ``actor_events`` holds every
canonical id of the reference aggregation; Kafka timestamps). Ratios are against
the first layout measured in the same run.

    python -m bench.scaleout [--articles 5000] [--layouts 1x1,2x2]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from bench import harness
from bench.corpus import CorpusGenerator
from bench.pipeline import WARMUP, Backfill, backfill
from services.extractor import EXTRACTOR_VERSION


def parse_layouts(text: str) -> list[dict[str, int]]:
    """'1x1,2x2' -> [{"extractor": 1, "aggregator": 1}, {"extractor": 2, "aggregator": 2}]."""
    layouts = []
    for item in text.split(","):
        extractors, _, aggregators = item.strip().partition("x")
        layouts.append({"extractor": int(extractors), "aggregator": int(aggregators or 1)})
    return layouts


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", help="Kafka bootstrap servers (default: as bench.pipeline)")
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--layouts", default="1x1,2x2",
                        help="comma-separated EXTRACTORSxAGGREGATORS, the first is the baseline")
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--size", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=900.0)
    return parser.parse_args(argv)


def measure(args: argparse.Namespace, bootstrap: str, root: Path) -> list[tuple[str, Backfill]]:
    corpus = list(CorpusGenerator(args.seed, args.size).articles(args.articles))
    warm = harness.renamed(CorpusGenerator(args.seed + 1000, args.size).articles(WARMUP), "warm")
    warmup = harness.extract_corpus(warm, passes=1)
    extracted = harness.extract_corpus(corpus, 1, reference=harness.extract_corpus(
        warm, passes=1).reference)
    messages = harness.article_messages(corpus)
    out = []
    for number, layout in enumerate(parse_layouts(args.layouts)):
        name = f"{layout['extractor']} extractor + {layout['aggregator']} aggregator"
        settings = harness.bench_settings(bootstrap, root / f"layout{number}", args.partitions)
        with harness.running(settings, layout) as workers:
            filled = asyncio.run(backfill(settings, workers, warmup, extracted, messages,
                                          len(corpus), profile=0, timeout=args.timeout))
        print(f"  {name}: {filled.per_second:.0f} articles/s", flush=True)
        out.append((name, filled))
    return out


def report(results: list[tuple[str, Backfill]]) -> str:
    base = results[0][1].per_second
    rows = []
    for name, filled in results:
        cpu = ", ".join(f"{k.split(':')[0][:3]} {100 * v / filled.seconds:.0f}%"
                        for k, v in filled.cpu.items())
        rows.append((name, f"{filled.articles}", f"{filled.seconds:.1f}",
                     f"{filled.per_second:,.0f}", f"{filled.per_second / base:.2f}", cpu))
    return harness.table(rows, ("layout", "articles", "seconds", "articles/s", "ratio",
                                "CPU per process (% of a core)"))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with harness.broker(args.bootstrap) as bootstrap, \
            tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        print(f"extractor {EXTRACTOR_VERSION}; {args.articles} articles of ~{args.size} "
              f"characters; {args.partitions} partitions; broker {bootstrap}", flush=True)
        print(report(measure(args, bootstrap, Path(tmp))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
