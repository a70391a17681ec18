"""The benchmark reports: the ceilings the pipeline's CPU figures set, the ingest ratios."""

from __future__ import annotations

import pytest

from bench import harness
from bench.ingest import Published
from bench.ingest import report as ingest_report
from bench.pipeline import Backfill, Pinned, Results, _busiest_worker_row, report


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


def test_the_ingest_report_gives_medians_and_ratios_to_the_first_producer() -> None:
    runs = [Published("base", 1000, seconds, cpu, 0.06) for seconds, cpu in
            ((0.5, 0.09), (0.4, 0.10), (0.6, 0.08))]
    runs += [Published("batched", 1000, 0.2, 0.04, 0.03), Published("batched", 1000, 0.25, 0.05,
                                                                     None)]
    rows = [line.split() for line in ingest_report(runs).splitlines()[2:]]
    assert rows[0] == ["base", "articles/s", "2,000", "1.00"]
    assert rows[1] == ["client", "µs/article", "90", "1.00"]
    assert rows[3] == ["batched", "articles/s", "4,500", "2.25"]
    assert rows[4] == ["client", "µs/article", "45", "0.50"]
    assert rows[5] == ["broker", "µs/article", "30", "0.50"]  # the run without a broker figure


@pytest.mark.parametrize(("usable", "processes", "split"), [
    ({0, 1}, 1, ({0}, {1})), ({0, 1, 2, 3}, 2, ({0, 1}, {2, 3})), ({3, 5}, 1, ({3}, {5})),
    ({0}, 1, None), ({0, 1}, 2, None), ({0, 1}, 0, None)])
def test_the_pinned_backfill_gives_each_extraction_process_a_core(
        monkeypatch: pytest.MonkeyPatch, usable: set[int], processes: int,
        split: tuple[set[int], set[int]] | None) -> None:
    monkeypatch.setattr(harness, "usable_cpus", lambda: frozenset(usable))
    got = harness.CpuSplit.of(processes)
    assert (got if got is None else (got.extraction, got.rest)) == split
    if got is not None and split is not None:
        assert got.settings() == {"extract_cpus": ",".join(map(str, sorted(split[0]))),
                                  "cpus": ",".join(map(str, sorted(split[1])))}


@pytest.mark.parametrize("broker_moved", [True, False])
def test_the_pinned_backfill_is_reported_against_the_extractor_and_the_unpinned(
        broker_moved: bool) -> None:
    split = harness.CpuSplit(frozenset({0}), frozenset({1}))
    results = Results(harness.Extracted([{}] * 1000, 1.0), raw=10_000.0,
                      backfill=Backfill(5000, 6.25, {"extractor:1 process 1": 5.0}),
                      latency=None, extract_processes=1,
                      pinned=Pinned(split, Backfill(5000, 5.0, {"extractor:1 process 1": 4.5}),
                                    broker_moved))
    lines = report(results).splitlines()
    pinned = next(line for line in lines if line.startswith("(c')"))
    assert "extraction on CPU 0, the rest on 1" in pinned and "1,000 articles/s" in pinned
    assert ("not moved" in pinned) is not broker_moved
    ratio = next(line for line in lines if "pinned pipeline / extractor alone" in line).split()
    assert ratio[-4:] == ["1.00", "1.25", "of", "(c)"]  # 1,000 vs 1,000 alone and 800 in (c)
