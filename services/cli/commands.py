"""The subcommands of ``parley``: argument parsing and a call into the right service."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

import orjson

from services.common.cpus import pin_this_process
from services.common.settings import Settings, settings_reference


def configure_kafka(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["start", "stop", "status", "restart"])
    p.add_argument("--port", type=int, help="broker port (default PARLEY_KAFKA_PORT or 9092)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds to wait")


def run_kafka(args: argparse.Namespace) -> int:
    from services.broker.__main__ import main as broker_main

    argv = [args.action, "--timeout", str(args.timeout)]
    if args.port:
        argv += ["--port", str(args.port)]
    return broker_main(argv)


def configure_worker(p: argparse.ArgumentParser) -> None:
    p.add_argument("service", choices=["extractor", "aggregator"])
    p.add_argument("--web-port", type=int, help="web view port (default from settings)")
    p.add_argument("--loglevel", default=None, help="worker log level (default PARLEY_LOG_LEVEL)")


def run_worker(args: argparse.Namespace) -> int:
    from services.cli.workers import run_worker as run

    return run(Settings.from_env(), args.service, args.web_port, args.loglevel)


def configure_ingest(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", type=Path,
                   help="files or folders of text, JSON or JSONL articles; '-' for stdin")
    p.add_argument("--events", type=Path, metavar="FILE",
                   help="publish gold-format event records (JSONL) to the events topic, "
                        "without extraction")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")


def run_ingest(args: argparse.Namespace) -> int:
    from services.cli.ingest import ingest_articles, ingest_events, print_summary

    settings = Settings.from_env()
    pin_this_process(settings.worker_cpus)
    if args.events:
        summary = asyncio.run(ingest_events(settings, args.events))
    elif args.paths:
        summary = asyncio.run(ingest_articles(settings, args.paths, quiet=args.quiet))
    else:
        print("parley ingest: give paths, '-' for stdin, or --events FILE", file=sys.stderr)
        return 2
    print_summary(summary, as_json=args.json)
    return 0 if summary["published"] or summary["duplicates"] or not summary["rejected"] else 1


def configure_serve_ingest(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, help="port (default PARLEY_INGEST_PORT or 8080)")


def run_serve_ingest(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from services.producer.http import serve

    settings = Settings.from_env()
    pin_this_process(settings.worker_cpus)
    if args.port:
        settings = replace(settings, ingest_port=args.port)
    serve(settings)
    return 0


def configure_extract(p: argparse.ArgumentParser) -> None:
    p.add_argument("--articles", type=Path, help="articles JSONL (default: stdin)")


def run_extract(args: argparse.Namespace) -> int:
    from services.extractor.batch import main as batch_main

    return batch_main(["--articles", str(args.articles)] if args.articles else [])


def configure_topics(p: argparse.ArgumentParser) -> None:
    p.add_argument("--list", action="store_true", help="only print the topic names")


def run_topics(args: argparse.Namespace) -> int:
    from services.common.kafka import ensure_topics

    settings = Settings.from_env()
    if not args.list:
        asyncio.run(ensure_topics(settings))
    print("\n".join(settings.all_topics()))
    return 0


def configure_audit(p: argparse.ArgumentParser) -> None:
    p.add_argument("ids", nargs="*", help="article ids (default: every article)")
    p.add_argument("--since", help="only articles ingested at or after this ISO time")
    p.add_argument("--until", help="only articles ingested before this ISO time")
    p.add_argument("--show", type=int, default=10, help="list up to N pending/dead-lettered ids")


def run_audit(args: argparse.Namespace) -> int:
    from services.cli.audit import audit, print_audit

    report = asyncio.run(audit(Settings.from_env(), set(args.ids), args.since, args.until))
    print_audit(report, args.show)
    return 0


def configure_lag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the offsets as JSON")


def run_lag(args: argparse.Namespace) -> int:
    from services.cli.audit import worker_lag

    lag = asyncio.run(worker_lag(Settings.from_env()))
    if args.json:
        print(orjson.dumps(lag).decode())
        return 0
    for group, topics in lag.items():
        for topic, (committed, end) in topics.items():
            print(f"{group:32} {topic:48} committed {committed:>10,} end {end:>10,} "
                  f"lag {end - committed:>8,}")
    return 0


def configure_config(p: argparse.ArgumentParser) -> None:
    p.add_argument("--markdown", action="store_true", help="as a Markdown table")


def run_config(args: argparse.Namespace) -> int:
    rows = settings_reference()
    if args.markdown:
        print("| variable | default | meaning |\n|---|---|---|")
        for env, default, doc in rows:
            print(f"| `{env}` | `{default}` | {doc} |")
        return 0
    for env, default, doc in rows:
        current = os.environ.get(env)
        now = f" (now {current!r})" if current else ""
        print(f"{env:28} default {default!r}{now}\n    {doc}")
    return 0


def configure_demo(p: argparse.ArgumentParser) -> None:
    p.add_argument("--exit", action="store_true", help="stop after printing the tables")
    p.add_argument("--seeds", type=Path, default=Path("seeds"), help="what to ingest")
    p.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for tables")


def run_demo(args: argparse.Namespace) -> int:
    from services.cli.demo import run_demo as demo

    return demo(Settings.from_env(), args.seeds, exit_after=args.exit, timeout=args.timeout)


def dumps(value: object) -> str:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
