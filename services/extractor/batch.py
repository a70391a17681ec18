"""Batch extraction over article JSON lines, and the command line entry point."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator

from .extract import extract


def _published(value: object) -> dt.date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def extract_line(line: str | bytes) -> dict:
    """One article JSON line to {"id", "events", "tallies"}; errors are reported, not raised."""
    article_id = None
    try:
        row = json.loads(line)
        if not isinstance(row, dict):
            raise ValueError("article line is not a JSON object")
        article_id = row.get("id")
        text = row.get("text")
        if not isinstance(text, str):
            raise ValueError("article has no text")
        result = extract(text, _published(row.get("published")))
        return {"id": article_id, **result}
    except Exception as error:  # one bad article must not stop the batch
        return {"id": article_id, "events": [], "tallies": [],
                "error": f"{type(error).__name__}: {error}"}


def extract_lines(lines: Iterable[str | bytes]) -> Iterator[dict]:
    """For each non-blank article line, its extraction result."""
    for line in lines:
        if isinstance(line, bytes):
            if not line.strip():
                continue
        elif not line.strip():
            continue
        yield extract_line(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="parley extract",
                                     description="Extract diplomatic events from articles.")
    parser.add_argument("--articles", default="-",
                        help="JSON-lines file of articles (default: stdin)")
    args = parser.parse_args(argv)
    if args.articles == "-":
        _write(extract_lines(sys.stdin))
    else:
        with open(args.articles, encoding="utf-8") as source:
            _write(extract_lines(source))
    return 0


def _write(results: Iterator[dict]) -> None:
    out = sys.stdout
    for result in results:
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
