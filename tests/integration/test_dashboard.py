"""The dashboard page, rendered by headless Chromium against a live aggregator.

The aggregator runs as its own process on the broker at KAFKA_BOOTSTRAP_SERVERS
(else the local one), with topics and consumer groups unique to this run, and
is fed a handful of hand-written gold-format events through ``parley ingest``.
Chromium's ``--dump-dom`` shows what the page's script drew; a screenshot is
written to tests/artifacts/dashboard.png for a person to look at.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.integration.harness import (
    http_json,
    isolated_settings,
    run_parley,
    start_worker,
    wait_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def _party(name: str, country: str | None, org: str | None = None) -> dict[str, Any]:
    return {"name": name, "country": country, "org": org}


XI = _party("Xi Jinping", "CHN")
FR = _party("Claire Dumont", "FRA")
RU = _party("Ivan Petrov", "RUS")
BR = _party("Ana Souza", "BRA")
DE = _party("Karl Weber", "DEU")
ZA = _party("Thabo Nkosi", "ZAF")
UN = _party("Maria Lind", None, "UN")


def _event(kind: str, date: str, parties: list[dict[str, Any]], evidence: str,
           precision: str = "day") -> dict[str, Any]:
    return {"type": kind, "date": date, "precision": precision, "participants": [XI, *parties],
            "status": "occurred", "evidence": evidence}


# Invented articles, a few months of one actor's diplomacy; D2 reports the same
# March meeting as D1, so it must be counted once with two mentions.
GOLD_ARTICLES: list[dict[str, Any]] = [
    {"id": "D1", "source": "wire-one", "published": "2023-03-15", "events": [
        _event("phone_call", "2023-01-10", [FR], "Xi held a phone call with Dumont on Tuesday."),
        _event("meeting", "2023-01-18", [BR], "Xi met Souza in Beijing."),
        _event("meeting", "2023-03-14", [RU], "Xi and Petrov held talks in Moscow."),
    ], "tallies": [
        {"actor": XI, "type": "phone_call", "count": 6, "qualifier": "at_least",
         "period": "2023-01-01/2023-04-30",
         "evidence": "Xi has made at least six calls to leaders since January."},
    ]},
    {"id": "D2", "source": "wire-two", "published": "2023-03-16", "events": [
        _event("meeting", "2023-03-14", [RU], "The two presidents met in the Kremlin."),
        _event("phone_call", "2023-03-05", [DE], "Weber phoned Xi on Sunday."),
    ], "tallies": []},
    {"id": "D3", "source": "wire-one", "published": "2023-04-30", "events": [
        _event("video_meeting", "2023-02-03", [DE, FR], "A video summit linked three capitals."),
        _event("phone_call", "2023-02-20", [RU], "Petrov and Xi spoke by telephone."),
        _event("message", "2023-02", [ZA], "Xi sent a congratulatory message to Nkosi.",
               precision="month"),
        _event("consult", "2023-04-11", [UN], "Xi consulted Lind on the crisis."),
        _event("phone_call", "2023-04-25", [FR], "Xi and Dumont spoke again by phone."),
        _event("speech", "2023-04-02", [], "Xi addressed the forum in a keynote speech."),
    ], "tallies": [
        {"actor": XI, "type": ["meeting", "video_meeting"], "count": 3, "qualifier": "exact",
         "period": "2023", "evidence": "This year Xi has held three summits so far."},
    ]},
]
EVENT_IN_DETAIL = "The two presidents met in the Kremlin."


@dataclass(frozen=True)
class Aggregator:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def chromium_binary() -> str | None:
    for name in CHROMIUM_NAMES:
        if path := shutil.which(name):
            return path
    return None


def wait_for_events(base: str, count: int) -> None:
    """All the fed events are indexed, not just the first (the page must show them all)."""
    def indexed() -> bool:
        status, body = http_json(f"{base}/events?actor=CHN")
        tallies = http_json(f"{base}/tables/tallies?actor=CHN")[1]
        return status == 200 and len(body["events"]) >= count and bool(tallies.get("rows"))

    wait_for(indexed, timeout=90, what=f"{count} events indexed")


@pytest.fixture(scope="module")
def chromium() -> str:
    binary = chromium_binary()
    if binary is None:
        pytest.skip("headless Chromium is not installed (apt-get install -y chromium)")
    return binary


@pytest.fixture(scope="module")
def aggregator(kafka_bootstrap: str,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[Aggregator]:
    tmp = tmp_path_factory.mktemp("dashboard")
    settings = isolated_settings(kafka_bootstrap, tmp, partitions=2)
    worker = start_worker(settings, "aggregator")
    try:
        gold = tmp / "gold.jsonl"
        gold.write_text("".join(json.dumps(a) + "\n" for a in GOLD_ARTICLES))
        result = run_parley(settings, "ingest", "--events", str(gold))
        assert result.returncode == 0, result.stderr.decode()
        # 11 fed events, one reported twice: 10 distinct.
        wait_for_events(worker.base, 10)
        yield Aggregator(worker.base, worker.process, worker.log)
    finally:
        worker.stop()


def chromium_command(binary: str, profile: Path, *extra: str) -> list[str]:
    return [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
            "--window-size=1400,1800", "--virtual-time-budget=5000", *extra]


def dump_dom(binary: str, profile: Path, url: str) -> str:
    done = subprocess.run(chromium_command(binary, profile, "--dump-dom", url),
                          capture_output=True, timeout=90, check=True)
    return done.stdout.decode("utf-8", "replace")


def screenshot(binary: str, profile: Path, url: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    subprocess.run(chromium_command(binary, profile, f"--screenshot={target}", url),
                   capture_output=True, timeout=90, check=True)


def test_dashboard_draws_every_chart(chromium: str, aggregator: Aggregator,
                                     tmp_path: Path) -> None:
    dom = dump_dom(chromium, tmp_path / "profile", f"{aggregator.url}/?actor=CHN")
    # Monthly bars: calls in 4 months; types and channels stacked in each month.
    assert dom.count('data-series="calls"') == 4
    assert dom.count('data-series="phone_call"') == 4
    assert 'data-series="meeting"' in dom and 'data-series="message"' in dom
    assert 'data-series="in_person"' in dom and 'data-series="written"' in dom
    # Counterparts ranked: RUS (call + meeting) and FRA (2 calls + video) lead.
    assert 'data-counterpart="FRA" data-count="3"' in dom
    assert 'data-counterpart="RUS" data-count="2"' in dom
    # Events table: one row per distinct event, evidence shown.
    assert dom.count('class="clickable event-row"') == 10
    assert "Xi and Dumont spoke again by phone." in dom
    # Tallies: reported beside observed.
    assert "Xi has made at least six calls to leaders since January." in dom
    assert "≥ 6" in dom
    assert 'class="error"' not in dom


def test_dashboard_screenshot(chromium: str, aggregator: Aggregator, tmp_path: Path) -> None:
    target = ARTIFACTS / "dashboard.png"
    screenshot(chromium, tmp_path / "profile", f"{aggregator.url}/?actor=CHN", target)
    assert target.stat().st_size > 20_000


def test_dashboard_shows_event_record(chromium: str, aggregator: Aggregator,
                                      tmp_path: Path) -> None:
    events = http_json(f"{aggregator.url}/events?actor=CHN")[1]["events"]
    merged = next(e for e in events if e["mentions"] == 2)
    query = urllib.parse.urlencode({"actor": "CHN", "event": merged["canonical_id"]})
    dom = dump_dom(chromium, tmp_path / "profile", f"{aggregator.url}/?{query}")
    assert "<dialog" in dom and "open" in dom.split("<dialog", 1)[1].split(">", 1)[0]
    assert EVENT_IN_DETAIL in dom and "Xi and Petrov held talks in Moscow." in dom
    assert "D1, D2" in dom and "wire-one, wire-two" in dom


def test_dashboard_shows_api_error(chromium: str, aggregator: Aggregator,
                                   tmp_path: Path) -> None:
    url = f"{aggregator.url}/?actor=CHN&from=2023-04&to=2023-01"
    dom = dump_dom(chromium, tmp_path / "profile", url)
    assert 'class="error"' in dom
    assert "Bad query" in dom and "is after" in dom


def test_dashboard_empty_states(chromium: str, aggregator: Aggregator, tmp_path: Path) -> None:
    dom = dump_dom(chromium, tmp_path / "profile", f"{aggregator.url}/?actor=NZL")
    assert "No phone calls of NZL in this range." in dom
    assert "No reported tallies for NZL." in dom
    assert "<rect" not in dom


def test_dashboard_narrows_to_a_counterpart(chromium: str, aggregator: Aggregator,
                                            tmp_path: Path) -> None:
    url = f"{aggregator.url}/?actor=CHN&counterpart=RUS"
    dom = dump_dom(chromium, tmp_path / "profile", url)
    assert dom.count('class="clickable event-row"') == 2
    assert "Petrov and Xi spoke by telephone." in dom
    assert "Xi met Souza in Beijing." not in dom
