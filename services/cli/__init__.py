"""The ``parley`` command: one entry point for every service and tool."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from services.cli import commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parley",
        description="Parley: a live, queryable record of diplomacy from the news, on Kafka.",
        epilog="Configuration comes from environment variables: see `parley config`.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (helptext, configure, _) in COMMANDS.items():
        configure(sub.add_parser(name, help=helptext, description=helptext))
    return parser


COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None],
                          Callable[[argparse.Namespace], int]]] = {
    "demo": ("Start Kafka if needed and the workers, ingest seeds/, print the tables, serve",
             commands.configure_demo, commands.run_demo),
    "kafka": ("Run the local single-node Kafka broker (KRaft): start | stop | status | restart",
              commands.configure_kafka, commands.run_kafka),
    "worker": ("Run a service worker: extractor or aggregator (Faust)",
               commands.configure_worker, commands.run_worker),
    "ingest": ("Publish articles (files, folders, JSON, JSONL, stdin '-') or --events",
               commands.configure_ingest, commands.run_ingest),
    "serve-ingest": ("Serve the HTTP ingest endpoint POST /articles",
                     commands.configure_serve_ingest, commands.run_serve_ingest),
    "extract": ("Extract events from an articles JSONL file, no broker (gold format out)",
                commands.configure_extract, commands.run_extract),
    "topics": ("Create Parley's topics on the broker (idempotent)",
               commands.configure_topics, commands.run_topics),
    "audit": ("Report which articles were processed, dead-lettered or are still pending",
              commands.configure_audit, commands.run_audit),
    "lag": ("Show each worker group's committed and end offsets per topic (its lag)",
            commands.configure_lag, commands.run_lag),
    "config": ("Print every configuration variable, its default and current value",
               commands.configure_config, commands.run_config),
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command][2](args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
