"""The benchmark corpus: seeded, news-like in its actor mix, re-reporting big events."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from bench.corpus import CorpusGenerator


def _leads(count: int, seed: int = 3) -> list[tuple[str, str, str]]:
    """(country, country, day) of ``count`` leads, one published a day from 2015."""
    generator = CorpusGenerator(seed=seed, size=300)
    leads = [generator._lead(date(2015, 1, 1) + timedelta(days=n)) for n in range(count)]
    return [(lead.a["country"], lead.b["country"], lead.on.isoformat()) for lead in leads]


def test_same_seed_same_corpus() -> None:
    first = list(CorpusGenerator(seed=5, size=500).articles(50))
    assert first == list(CorpusGenerator(seed=5, size=500).articles(50))
    assert first != list(CorpusGenerator(seed=6, size=500).articles(50))


def test_a_few_countries_take_most_of_the_coverage() -> None:
    countries = Counter(c for a, b, _ in _leads(3000) for c in (a, b))
    total = sum(countries.values())
    top = [code for code, _ in countries.most_common(10)]
    assert {"USA", "CHN", "RUS"} <= set(top)
    assert sum(countries[c] for c in top) / total > 0.35  # a uniform draw gives ~0.05
    assert len(countries) > 100  # and the long tail is there


def test_big_events_are_reported_again() -> None:
    events = Counter((min(a, b), max(a, b), on) for a, b, on in _leads(3000))
    reported_again = sum(n - 1 for n in events.values())
    assert 0.25 < reported_again / 3000 < 0.45
