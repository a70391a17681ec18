"""A seeded generator of news-like article corpora, for benchmarks and crash tests.

Articles look like wire copy: a dateline, a lead sentence that reports an
interaction between two real office holders (taken from the reference data, in
office on the date), background paragraphs, quotes, and about a fifth of the
articles with no diplomatic event at all. Same seed, same corpus.

    python -m bench.corpus 1000 --seed 7 --size 3000 > corpus.jsonl
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

DATA = Path(__file__).resolve().parents[1] / "services" / "extractor" / "data"
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


class CorpusGenerator:
    """Deterministic articles from a seed; ``event_share`` of them report an event."""

    def __init__(self, seed: int = 7, size: int = 3000, event_share: float = 0.8) -> None:
        self.random = random.Random(seed)
        self.size = size
        self.event_share = event_share
        self.people = _load_people()
        self.countries = _load_countries()

    def articles(self, count: int) -> Iterator[dict[str, Any]]:
        for number in range(count):
            yield self.article(number)

    def article(self, number: int) -> dict[str, Any]:
        published = date(2015, 1, 1) + timedelta(days=self.random.randrange(3900))
        paragraphs = [self._lead(published)] if self.random.random() < self.event_share else []
        while sum(len(p) for p in paragraphs) < self.size:
            paragraphs.append(self._paragraph())
        city = self.random.choice(list(self.countries.values())).get("capital") or "Geneva"
        dateline = f"{city.upper()}, {MONTHS[published.month - 1][:3]}. {published.day} -- "
        text = f" date {published.isoformat()} \n\n{dateline}" + "\n\n".join(paragraphs)
        return {"id": f"gen-{number:07d}", "url": f"https://news.example/{number}",
                "published": published.isoformat(), "text": text}

    def _lead(self, published: date) -> str:
        on = published - timedelta(days=self.random.randrange(0, 6))
        a, b = self._pair(on)
        host = self.countries.get(b["country"], {})
        when = WEEKDAYS[on.weekday()] if self.random.random() < 0.5 else \
            f"{MONTHS[on.month - 1]} {on.day}"
        template = PLANNED if self.random.random() < 0.1 else self.random.choice(LEADS)
        return template.format(a=self._title(a), b=self._title(b), when=when,
                               city=host.get("capital") or "the capital")

    def _pair(self, on: date) -> tuple[dict[str, Any], dict[str, Any]]:
        day = on.isoformat()
        while True:
            a, b = self.random.sample(self.people, 2)
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
