"""Nothing lost, nothing counted twice: SIGKILLed workers and a restarted broker.

A generated corpus goes through the real pipeline while workers are killed with
SIGKILL (no shutdown, no final commit) at random moments and restarted, or while
the broker restarts. Afterwards every table must equal the reference run: the
same extraction and aggregation code on plain dicts, with nothing interrupted.
"""

from __future__ import annotations

import os
import random
import signal
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
import pytest

from bench.corpus import CorpusGenerator
from services.aggregator.local import LocalAggregator
from services.common.messages import event_message
from services.common.settings import Settings
from services.extractor import EXTRACTOR_VERSION, extract
from tests.integration.harness import (
    WorkerProcess,
    child_processes,
    http_json,
    read_topic,
    run_parley,
    start_worker,
    wait_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

TABLES = ("calls_per_month", "events_per_month", "channels_per_month", "counterparts")
ARTICLES = 3000


def write_corpus(path: Path, count: int, seed: int) -> list[dict[str, Any]]:
    articles = list(CorpusGenerator(seed=seed, size=900).articles(count))
    path.write_bytes(b"\n".join(orjson.dumps(a) for a in articles))
    return articles


def reference_tables(articles: list[dict[str, Any]]) -> LocalAggregator:
    reference = LocalAggregator()
    for article in articles:
        result = extract(article["text"], date.fromisoformat(article["published"]))
        for event in result["events"]:
            reference.add_event(event_message(event, article=article,
                                              extractor_version=EXTRACTOR_VERSION))
    return reference


def snapshot(base: str, actors: list[str]) -> dict[tuple[str, str], Any]:
    out = {}
    for actor in actors:
        for table in TABLES:
            status, body = http_json(f"{base}/tables/{table}?actor={quote(actor)}")
            if status != 200:
                raise ConnectionError(f"{status}: {body}")
            out[(table, actor)] = body["rows"]
    return out


def expected_snapshot(reference: LocalAggregator, actors: list[str]) -> dict[tuple[str, str], Any]:
    return {(table, actor): reference.rows(table, actor)
            for actor in actors for table in TABLES}


def wait_until_equal(aggregator: WorkerProcess, expected: dict[Any, Any],
                     actors: list[str], timeout: float = 240) -> None:
    def equal() -> bool:
        return snapshot(aggregator.base, actors) == expected

    try:
        wait_for(equal, timeout=timeout, interval=2.0, what="tables equal to the reference")
    except AssertionError:
        got = snapshot(aggregator.base, actors)
        diff = [(k, got.get(k), v) for k, v in expected.items() if got.get(k) != v][:5]
        raise AssertionError(f"{len(diff)}+ tables differ, e.g. {diff}\n"
                             f"{aggregator.log_tail()}") from None


def audit_counts(settings: Settings) -> dict[str, int]:
    result = run_parley(settings, "audit")
    assert result.returncode == 0, result.stderr.decode()
    line = result.stdout.decode().splitlines()[0]
    parts = line.replace(":", "").split()
    return {parts[i]: int(parts[i + 1]) for i in range(0, len(parts) - 1, 2)}


def _actors(reference: LocalAggregator, rng: random.Random) -> list[str]:
    codes = [a for a in reference.actors() if a.isupper() and len(a) <= 5]
    people = [a for a in reference.actors() if a not in codes]
    return sorted(codes) + sorted(rng.sample(people, min(25, len(people))))


def test_sigkilled_workers_leave_exact_tables(settings: Settings, tmp_path: Path) -> None:
    rng = random.Random(20260)
    articles = write_corpus(tmp_path / "corpus.jsonl", ARTICLES, seed=11)
    reference = reference_tables(articles)
    actors = _actors(reference, rng)
    expected = expected_snapshot(reference, actors)
    workers = {"extractor": start_worker(settings, "extractor"),
               "aggregator": start_worker(settings, "aggregator")}
    kills = 0
    try:
        ingest = run_parley(settings, "ingest", str(tmp_path / "corpus.jsonl"), "--quiet")
        assert ingest.returncode == 0, ingest.stderr.decode()
        for number in range(6):
            time.sleep(rng.uniform(0.3, 1.0) if number == 0 else rng.uniform(1.0, 3.0))
            victim = rng.choice(sorted(workers))
            workers[victim].kill()
            kills += 1
            if number == 0:  # the first kill must land while work is still queued
                done = len(read_topic(settings, settings.topic_processed))
                assert done < ARTICLES, "the corpus was processed before the first kill"
            workers[victim] = start_worker(settings, victim, web_port=workers[victim].web_port,
                                           wait=False)
        workers = {name: start_worker(settings, name, web_port=w.web_port)
                   if w.process.poll() is not None else w for name, w in workers.items()}
        wait_until_equal(workers["aggregator"], expected, actors)
        report = wait_for(lambda: (a := audit_counts(settings))["pending"] == 0 and a,
                          timeout=60, what="every article processed")
    finally:
        for worker in workers.values():
            worker.stop()
    assert kills == 6
    assert report["articles"] == ARTICLES and report["extracted"] == ARTICLES
    assert report["dead-lettered"] == 0
    print(f"\ncrash test: {ARTICLES} articles, {kills} SIGKILLs survived, "
          f"{len(expected)} table rows equal to the reference, lost 0, double-counted 0")


def test_broker_restart_is_ridden_out(settings: Settings, tmp_path: Path,
                                      local_broker: Any) -> None:
    if local_broker is None:
        pytest.skip("the broker was given (KAFKA_BOOTSTRAP_SERVERS): not ours to restart")
    from services.broker import restart_broker

    articles = write_corpus(tmp_path / "corpus.jsonl", 600, seed=12)
    reference = reference_tables(articles)
    actors = _actors(reference, random.Random(3))
    expected = expected_snapshot(reference, actors)
    extractor = start_worker(settings, "extractor")
    aggregator = start_worker(settings, "aggregator")
    try:
        ingest = run_parley(settings, "ingest", str(tmp_path / "corpus.jsonl"), "--quiet")
        assert ingest.returncode == 0, ingest.stderr.decode()
        time.sleep(1.5)
        restart_broker(local_broker)
        wait_until_equal(aggregator, expected, actors)
        assert extractor.process.poll() is None, extractor.log_tail()
        assert aggregator.process.poll() is None, aggregator.log_tail()
        report = audit_counts(settings)
    finally:
        extractor.stop()
        aggregator.stop()
    assert report["pending"] == 0 and report["extracted"] == 600
    print(f"\nbroker restart: 600 articles, 1 restart survived, {len(expected)} table rows "
          "equal to the reference, lost 0")


def test_the_extraction_process_ends_with_its_worker(settings: Settings) -> None:
    """A worker killed outright (only it, not its process group) cannot shut its
    extraction process down: that process must notice and end by itself."""
    worker = start_worker(settings, "extractor")
    try:
        [child] = wait_for(lambda: child_processes(worker.process.pid), timeout=60,
                           what="the extractor's extraction process")
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.wait(timeout=30)
        wait_for(lambda: not Path(f"/proc/{child}").exists()
                 or "(Z)" in Path(f"/proc/{child}/stat").read_text()[:80],
                 timeout=10, what="the extraction process to end")
    finally:
        worker.kill()


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs")
def test_a_worker_and_its_extraction_process_run_on_their_cpus(settings: Settings) -> None:
    extraction_cpu, *worker_cpus = sorted(os.sched_getaffinity(0))
    settings = replace(settings, extract_cpus=str(extraction_cpu),
                       cpus=",".join(map(str, worker_cpus)))
    worker = start_worker(settings, "extractor")
    try:
        [child] = wait_for(lambda: child_processes(worker.process.pid), timeout=60,
                           what="the extractor's extraction process")
        assert _cpus_of_threads(worker.process.pid) == {frozenset(worker_cpus)}
        # The child pins itself as it starts, and may not have yet.
        wait_for(lambda: _cpus_of_threads(child) == {frozenset({extraction_cpu})}, timeout=30,
                 what=f"the extraction process on CPU {extraction_cpu} alone")
    finally:
        worker.stop()


def _cpus_of_threads(pid: int) -> set[frozenset[int]]:
    return {frozenset(os.sched_getaffinity(int(task.name)))
            for task in Path(f"/proc/{pid}/task").iterdir()}


def test_a_stop_signal_to_the_process_group_stops_the_extractor_cleanly(
        settings: Settings, tmp_path: Path) -> None:
    """SIGTERM for the whole group (systemd, Ctrl-C, the demo) reaches the extraction
    process too; the batch in flight must still finish, not fail the worker."""
    write_corpus(tmp_path / "corpus.jsonl", 2000, seed=5)
    worker = start_worker(settings, "extractor")
    try:
        ingest = run_parley(settings, "ingest", str(tmp_path / "corpus.jsonl"), "--quiet")
        assert ingest.returncode == 0, ingest.stderr.decode()
        wait_for(lambda: len(read_topic(settings, settings.topic_processed)) >= 100,
                 timeout=60, what="the extractor to be at work")
        worker.stop()  # SIGTERM to the process group, while batches are in flight
        assert worker.process.returncode == 0, worker.log_tail()
        assert "exiting without committing" not in worker.log.read_text(errors="replace")
    finally:
        worker.kill()
