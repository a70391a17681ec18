"""Extraction speed on one core: articles per second and microseconds per KB.

Runs the pure ``extract`` function (no Kafka) over a generated corpus of
~3 KB articles and, where it exists, the dev gold set beside the repository.
Each figure is the best of several passes, to damp a shared machine's noise.

    python -m bench.extraction [--articles 500] [--passes 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from bench.corpus import CorpusGenerator
from services.extractor import EXTRACTOR_VERSION, extract

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev" / "articles.jsonl"


def _prepared(articles: list[dict[str, Any]]) -> list[tuple[str, date | None]]:
    return [(a["text"], date.fromisoformat(a["published"]) if a.get("published") else None)
            for a in articles]


def measure(articles: list[dict[str, Any]], passes: int) -> dict[str, float]:
    """Best-of-``passes`` throughput of ``extract`` over ``articles`` (one process)."""
    work = _prepared(articles)
    kilobytes = sum(len(text.encode()) for text, _ in work) / 1024
    extract(*work[0])  # loads the reference data outside the timing
    best = float("inf")
    for _ in range(passes):
        began = time.process_time()
        for text, published in work:
            extract(text, published)
        best = min(best, time.process_time() - began)
    return {"articles": len(work), "avg_kb": kilobytes / len(work),
            "articles_per_s": len(work) / best, "us_per_kb": best * 1e6 / kilobytes}


def corpora(count: int) -> dict[str, list[dict[str, Any]]]:
    out = {"generated ~3 KB": list(CorpusGenerator(seed=7, size=3000).articles(count))}
    if DEV.exists():
        out["dev gold set"] = [orjson.loads(line) for line in DEV.read_bytes().splitlines()
                               if line.strip()]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500, help="generated articles")
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"extractor {EXTRACTOR_VERSION}; CPU time of one process, best of {args.passes}")
    print(f"{'corpus':18} {'articles':>8} {'avg KB':>7} {'articles/s':>11} {'us/KB':>8}")
    for name, articles in corpora(args.articles).items():
        m = measure(articles, args.passes)
        print(f"{name:18} {m['articles']:8d} {m['avg_kb']:7.2f} {m['articles_per_s']:11.0f} "
              f"{m['us_per_kb']:8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
