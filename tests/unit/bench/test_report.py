"""The pipeline report names the ceilings its CPU figures set."""

from __future__ import annotations

import pytest

from bench.pipeline import Backfill, _busiest_worker_row


@pytest.mark.parametrize(("cpu", "busiest", "rate"), [
    ({"extractor:11": 1.25, "aggregator:12": 0.5, "broker (Kafka)": 2.5},
     "extractor", "800 articles/s"),
    ({"extractor:11": 0.15, "extractor:11 process 1": 0.95, "aggregator:12": 0.5},
     "extractor process 1", "1,053 articles/s"),  # the extraction process, not its worker
])
def test_the_busiest_worker_process_sets_a_one_core_ceiling(cpu: dict[str, float],
                                                            busiest: str, rate: str) -> None:
    [(label, figure, note)] = _busiest_worker_row(Backfill(1000, 2.0, cpu, 0.8), 1000.0)
    assert label.endswith(f"CPU of {busiest}")
    assert figure == rate
    assert note == f"{float(rate.split()[0].replace(',', '')) / 1000:.2f} of (a)"


def test_no_worker_no_ceiling_row() -> None:
    assert _busiest_worker_row(Backfill(10, 1.0, {"broker (Kafka)": 1.0}, 0.5), 100.0) == []
