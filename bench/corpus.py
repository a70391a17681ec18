"""A seeded generator of news-like article corpora, for benchmarks and crash tests.

Articles look like wire copy: a dateline, a lead sentence that reports an
interaction between two real office holders (taken from the reference data, in
office on the date), background paragraphs, quotes, and about a fifth of the
articles with no diplomatic event at all. Same seed, same corpus.

The mix follows the news rather than a uniform draw: a few countries take most
of the coverage (leaders are drawn by their country's rank in
``bench/data/coverage.json``, a Zipf law), and a big event is reported many
times: a third of the leads re-report one of the recent events (same leaders,
same day, the other side's wording or another date form), so the aggregator's
deduplication and its large buckets are exercised as in production.

    python -m bench.corpus 1000 --seed 7 --size 3000 > corpus.jsonl
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import deque
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

import orjson

DATA = Path(__file__).resolve().parents[1] / "services" / "extractor" / "data"
COVERAGE = Path(__file__).resolve().parent / "data" / "coverage.json"
ZIPF_EXPONENT = 1.0
REREPORT_SHARE = 0.35  # of leads: another article about a recent event
RECENT_EVENTS = 400  # how far back a re-report reaches
ROLES = {"head_of_state": "President", "head_of_government": "Prime Minister"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

LEADS = [
    "{a} held a phone call with {b} on {when}.",
    "{a} spoke with {b} by telephone on {when}, officials said.",
    "{a} and {b} held talks via video link on {when}.",
    "{a} met with {b} in {city} on {when}.",
    "{a} received visiting {b} in {city} on {when}.",
    "{a} sent a congratulatory message to {b} on {when}.",
    "{a} held a virtual meeting with {b} on {when}.",
    "{a} hosted {b} for talks in {city} on {when}.",
]
PLANNED = "{a} will visit {city} next month for talks with {b}, the foreign ministry said."
FILLER = [
    "The two sides exchanged views on bilateral relations and regional issues of common "
    "concern.",
    "Trade between the two countries has grown steadily over the past decade, according to "
    "official figures.",
    "Analysts said the contacts reflected a broader effort to stabilise ties after a period "
    "of tension.",
    "Both governments pledged to deepen cooperation in energy, agriculture and technology.",
    "The statement did not give details on the timing of further consultations.",
    "Officials stressed the importance of multilateralism and dialogue in addressing global "
    "challenges.",
    "The economy ministry published new figures on exports and investment on the same day.",
    "Climate change, public health and food security were also on the agenda, aides said.",
    "Opposition lawmakers criticised the government's handling of the negotiations.",
    "Markets reacted calmly to the news, with the currency little changed in afternoon "
    "trading.",
    "Local media reported that a number of agreements were being prepared for signature.",
    "A spokesperson declined to comment on reports of disagreements over the final text.",
]
QUOTES = [
    "\"We stand ready to work with all partners for peace and development,\" {a} said.",
    "\"Our relationship has a bright future,\" {a} told reporters.",
]


def _load_people() -> list[dict[str, Any]]:
    people = []
    for path in sorted((DATA / "leaders").glob("*.json")):
        for person in orjson.loads(path.read_bytes()):
            for office in person.get("offices", []):
                if office.get("role") in ROLES and office.get("country"):
                    people.append({"name": person["name"], "country": office["country"],
                                   "role": office["role"], "start": office["start"],
                                   "end": office.get("end") or "2026-12-31"})
    return people


def _load_countries() -> dict[str, dict[str, Any]]:
    return {c["iso3"]: c for c in orjson.loads((DATA / "countries.json").read_bytes())}


class Lead(NamedTuple):
    """One reported event: who, with whom, on which day, in which words."""

    a: dict[str, Any]
    b: dict[str, Any]
    on: date
    template: str


def _coverage_weights(people: list[dict[str, Any]]) -> list[float]:
    """A weight per office holder: their country's Zipf weight, shared among its holders.

    Countries missing from the coverage ranking follow it, in code order.
    """
    ranked = orjson.loads(COVERAGE.read_bytes())["countries"]
    others = sorted({p["country"] for p in people} - set(ranked))
    rank = {code: n for n, code in enumerate(ranked + others, start=1)}
    holders: dict[str, int] = {}
    for person in people:
        holders[person["country"]] = holders.get(person["country"], 0) + 1
    return [rank[p["country"]] ** -ZIPF_EXPONENT / holders[p["country"]] for p in people]


class CorpusGenerator:
    """Deterministic articles from a seed; ``event_share`` of them report an event."""

    def __init__(self, seed: int = 7, size: int = 3000, event_share: float = 0.8) -> None:
        self.random = random.Random(seed)
        self.size = size
        self.event_share = event_share
        self.people = _load_people()
        self.countries = _load_countries()
        self.cum_weights = list(accumulate(_coverage_weights(self.people)))
        self.recent: deque[Lead] = deque(maxlen=RECENT_EVENTS)

    def articles(self, count: int) -> Iterator[dict[str, Any]]:
        for number in range(count):
            yield self.article(number)

    def article(self, number: int) -> dict[str, Any]:
        published = date(2015, 1, 1) + timedelta(days=self.random.randrange(3900))
        paragraphs = []
        if self.random.random() < self.event_share:
            lead = self._lead(published)
            if lead.on < published - timedelta(days=5):  # a re-report: days after the event
                published = lead.on + timedelta(days=self.random.randrange(0, 4))
            paragraphs.append(self._lead_sentence(lead))
        while sum(len(p) for p in paragraphs) < self.size:
            paragraphs.append(self._paragraph())
        city = self.random.choice(list(self.countries.values())).get("capital") or "Geneva"
        dateline = f"{city.upper()}, {MONTHS[published.month - 1][:3]}. {published.day} -- "
        text = f" date {published.isoformat()} \n\n{dateline}" + "\n\n".join(paragraphs)
        return {"id": f"gen-{number:07d}", "url": f"https://news.example/{number}",
                "published": published.isoformat(), "text": text}

    def _lead(self, published: date) -> Lead:
        if self.recent and self.random.random() < REREPORT_SHARE:
            a, b, on, template = self.random.choice(self.recent)
            if self.random.random() < 0.5:
                a, b = b, a  # the other side's report
            return Lead(a, b, on, template)
        on = published - timedelta(days=self.random.randrange(0, 6))
        a, b = self._pair(on)
        template = PLANNED if self.random.random() < 0.1 else self.random.choice(LEADS)
        lead = Lead(a, b, on, template)
        self.recent.append(lead)
        return lead

    def _lead_sentence(self, lead: Lead) -> str:
        on = lead.on
        host = self.countries.get(lead.b["country"], {})
        when = WEEKDAYS[on.weekday()] if self.random.random() < 0.5 else \
            f"{MONTHS[on.month - 1]} {on.day}"
        return lead.template.format(a=self._title(lead.a), b=self._title(lead.b), when=when,
                                    city=host.get("capital") or "the capital")

    def _pair(self, on: date) -> tuple[dict[str, Any], dict[str, Any]]:
        day = on.isoformat()
        while True:
            a, b = self.random.choices(self.people, cum_weights=self.cum_weights, k=2)
            if a["country"] != b["country"] and all(p["start"] <= day <= p["end"]
                                                    for p in (a, b)):
                return a, b

    def _title(self, person: dict[str, Any]) -> str:
        adjectives = self.countries.get(person["country"], {}).get("adjectives") or []
        adjective = adjectives[0] if adjectives else ""
        return f"{adjective} {ROLES[person['role']]} {person['name']}".strip()

    def _paragraph(self) -> str:
        sentences = self.random.sample(FILLER, 3)
        if self.random.random() < 0.3:
            person = self.random.choice(self.people)
            sentences.append(self.random.choice(QUOTES).format(a=person["name"]))
        return " ".join(sentences)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--size", type=int, default=3000, help="approximate characters")
    args = parser.parse_args(argv)
    out = sys.stdout.buffer
    for article in CorpusGenerator(args.seed, args.size).articles(args.count):
        out.write(orjson.dumps(article) + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
