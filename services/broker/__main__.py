"""`python -m services.broker start|stop|status|restart` — manage the local Kafka broker."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time

from services.broker import (
    BrokerConfig,
    BrokerUnavailable,
    broker_status,
    restart_broker,
    start_broker,
    stop_broker,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m services.broker",
        description=(
            "Run a single-node Apache Kafka broker (KRaft) on 127.0.0.1. Settings come from "
            "PARLEY_KAFKA_PORT, PARLEY_KAFKA_CONTROLLER_PORT, PARLEY_KAFKA_DATA_DIR, "
            "PARLEY_KAFKA_CACHE, PARLEY_KAFKA_HEAP, PARLEY_KAFKA_JVM_OPTS and PARLEY_KAFKA_VERSION."
        ),
    )
    parser.add_argument(
        "action",
        choices=["start", "stop", "status", "restart"],
        help="start (idempotent) | stop | status (JSON) | restart (same data)",
    )
    parser.add_argument("--port", type=int, help="broker port (default 9092)")
    parser.add_argument(
        "--timeout", type=float, default=90.0, help="seconds to wait for start/stop"
    )
    return parser


def config_for(port: int | None) -> BrokerConfig:
    config = BrokerConfig.from_env()
    if port is None:
        return config
    # The controller follows an overridden broker port unless it was pinned explicitly.
    controller_port = config.controller_port
    if not os.environ.get("PARLEY_KAFKA_CONTROLLER_PORT"):
        controller_port = port + 1
    return dataclasses.replace(config, port=port, controller_port=controller_port)


def run(action: str, config: BrokerConfig, timeout: float) -> None:
    if action == "status":
        print(json.dumps(broker_status(config), indent=2))
    elif action == "stop":
        was_running = stop_broker(config, timeout=timeout)
        print("stopped" if was_running else "not running")
    else:
        began = time.monotonic()
        if action == "start":
            bootstrap = start_broker(config, timeout=timeout)
        else:
            bootstrap = restart_broker(config)
        print(bootstrap)
        print(f"ready in {time.monotonic() - began:.1f}s", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        run(args.action, config_for(args.port), args.timeout)
    except BrokerUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
