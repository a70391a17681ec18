"""The pipeline report names the ceilings its CPU figures set."""

from __future__ import annotations

from bench.pipeline import Backfill, _busiest_worker_row


def test_the_busiest_worker_sets_a_one_core_ceiling() -> None:
    backfill = Backfill(1000, 2.0, {"extractor:11": 1.25, "aggregator:12": 0.5,
                                    "broker (Kafka)": 2.5}, 0.8)
    [(label, figure, note)] = _busiest_worker_row(backfill, 1000.0)
    assert label.endswith("CPU of extractor")
    assert figure == "800 articles/s"
    assert note == "0.80 of (a)"


def test_no_worker_no_ceiling_row() -> None:
    assert _busiest_worker_row(Backfill(10, 1.0, {"broker (Kafka)": 1.0}, 0.5), 100.0) == []


def test_an_extraction_process_can_set_the_ceiling() -> None:
    backfill = Backfill(1000, 2.0, {"extractor:11": 0.15, "extractor:11 process 1": 0.95,
                                    "aggregator:12": 0.5}, 0.8)
    [(label, figure, _)] = _busiest_worker_row(backfill, 1000.0)
    assert label.endswith("CPU of extractor process 1")
    assert figure == "1,053 articles/s"
