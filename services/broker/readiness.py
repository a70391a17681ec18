"""Decide that a broker is really serving: it must answer a Kafka Metadata request."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from aiokafka.client import AIOKafkaClient

from services.broker.config import BrokerUnavailable

POLL_INTERVAL_S = 0.3
MAX_PROBE_S = 5.0


def wait_until_ready(bootstrap: str, timeout: float) -> None:
    """Block until `bootstrap` answers a Metadata request listing a broker, or raise."""
    wait_for_metadata(bootstrap, timeout, still_starting=lambda: None)


def wait_for_metadata(bootstrap: str, timeout: float, still_starting: Callable[[], None]) -> None:
    """Like wait_until_ready; `still_starting` raises early if the broker process has died."""
    deadline = time.monotonic() + timeout
    last_problem = "no attempt made"
    while True:
        still_starting()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise BrokerUnavailable(
                f"Kafka at {bootstrap} was not ready within {timeout:.0f}s ({last_problem})"
            )
        problem = probe_metadata(bootstrap, min(MAX_PROBE_S, max(remaining, 0.5)))
        if problem is None:
            return
        last_problem = problem
        time.sleep(min(POLL_INTERVAL_S, max(deadline - time.monotonic(), 0)))


def probe_metadata(bootstrap: str, timeout: float) -> str | None:
    """One readiness attempt: None when the broker answered, else what went wrong."""
    host, port = split_bootstrap(bootstrap)
    # A plain connect first: cheap, and it keeps aiokafka from logging errors while the
    # port is still closed. It is not sufficient on its own: the JVM may accept TCP
    # before the broker has joined the KRaft quorum.
    if not port_accepts(host, port, timeout=min(timeout, 1.0)):
        return f"nothing listens on {host}:{port}"
    # aiokafka needs an event loop of its own; a worker thread lets callers that already
    # run inside a loop (pytest-asyncio, faust) use this synchronous function too.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _metadata_problem(bootstrap, timeout)).result()


async def _metadata_problem(bootstrap: str, timeout: float) -> str | None:
    client = AIOKafkaClient(
        bootstrap_servers=bootstrap,
        client_id="parley-broker-probe",
        request_timeout_ms=int(timeout * 1000),
    )
    try:
        await asyncio.wait_for(client.bootstrap(), timeout)
        if not client.cluster.brokers():
            return "metadata answer listed no broker yet"
        return None
    except Exception as error:  # any failure just means "not ready yet"
        return f"metadata request failed: {type(error).__name__}: {error}"
    finally:
        await client.close()


def port_accepts(host: str, port: int, timeout: float) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def split_bootstrap(bootstrap: str) -> tuple[str, int]:
    first = bootstrap.split(",")[0].strip()
    host, _, port = first.rpartition(":")
    if not host or not port.isdigit():
        raise BrokerUnavailable(f"bootstrap address {bootstrap!r} is not host:port")
    return host, int(port)
