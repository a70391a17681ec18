"""Helpers for tests on a real broker: free ports, worker processes, polling HTTP."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError

import orjson

from services.common.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def isolated_settings(bootstrap: str, data_dir: Path, partitions: int = 4) -> Settings:
    """Settings with topics, consumer groups and ports of their own, on a shared broker."""
    tag = uuid.uuid4().hex[:8]
    return Settings(
        kafka_bootstrap_servers=bootstrap,
        topic_articles=f"t{tag}.articles", topic_events=f"t{tag}.events",
        topic_tallies=f"t{tag}.tallies", topic_deadletter=f"t{tag}.deadletter",
        topic_canonical=f"t{tag}.events.canonical", topic_processed=f"t{tag}.processed",
        partitions=partitions, aggregator_web_port=free_port(),
        extractor_web_port=free_port(), ingest_port=free_port(), data_dir=data_dir,
        app_prefix=f"parley-{tag}", log_level="warning",
    )


def http_json(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
              timeout: float = 10.0) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=data, headers=headers or {},
                                     method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, orjson.loads(response.read() or b"null")
    except HTTPError as exc:
        body = exc.read()
        try:
            return exc.code, orjson.loads(body)
        except orjson.JSONDecodeError:
            return exc.code, body.decode("utf-8", "replace")


def wait_for(check: Callable[[], Any], *, timeout: float, interval: float = 0.5,
             what: str = "condition") -> Any:
    """Poll ``check`` until it returns something truthy; fail with ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except (URLError, OSError, ConnectionError) as exc:
            last_error = exc
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} ({last_error})")


@dataclass
class WorkerProcess:
    service: str
    web_port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def kill(self) -> None:
        """SIGKILL: no shutdown, no final commit, as a crash would leave it."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def start_worker(settings: Settings, service: str, *, web_port: int | None = None,
                 wait: bool = True) -> WorkerProcess:
    port = web_port or (settings.aggregator_web_port if service == "aggregator"
                        else settings.extractor_web_port)
    log = settings.data_dir / f"{service}-{port}-{uuid.uuid4().hex[:4]}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "worker", service, "--web-port", str(port)],
        stdout=log.open("ab"), stderr=subprocess.STDOUT, cwd=REPO,
        env={**os.environ, **settings.to_env()}, start_new_session=True)
    worker = WorkerProcess(service, port, process, log)
    if wait:
        wait_for(lambda: _healthy(worker), timeout=90, what=f"{service} worker on {port}")
    return worker


def _healthy(worker: WorkerProcess) -> bool:
    if worker.process.poll() is not None:
        raise AssertionError(f"{worker.service} worker exited:\n{worker.log_tail()}")
    status, body = http_json(f"{worker.base}/health", timeout=2)
    return status == 200 and body.get("ready", True)


def child_processes(pid: int) -> list[int]:
    """The processes ``pid`` started that work for it (an extractor's extraction
    processes), and theirs; not multiprocessing's resource tracker, which only waits."""
    found = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in (int(c) for c in _read(children).split()):
            if "resource_tracker" not in _read(Path(f"/proc/{child}/cmdline")):
                found.append(child)
            found += child_processes(child)
    return found


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:  # the process has just ended
        return ""


@contextmanager
def workers(settings: Settings, *services: str) -> Iterator[list[WorkerProcess]]:
    started: list[WorkerProcess] = []
    try:
        for service in services:
            started.append(start_worker(settings, service))
        yield started
    finally:
        for worker in started:
            worker.stop()


def run_parley(settings: Settings, *args: str, stdin: bytes | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "services.cli", *args], input=stdin,
                          capture_output=True, cwd=REPO, timeout=timeout,
                          env={**os.environ, **settings.to_env()})


def read_topic(settings: Settings, topic: str) -> list[Any]:
    from services.common.kafka import read_topic as read

    return asyncio.run(read(settings, topic))


def read_json_topic(settings: Settings, topic: str) -> list[dict[str, Any]]:
    return [orjson.loads(r.value) for r in read_topic(settings, topic)]
