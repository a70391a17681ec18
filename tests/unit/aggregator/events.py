"""Small builders of event messages for aggregator tests."""

from __future__ import annotations

from typing import Any

from services.common.messages import event_message


def party(name: str, code: str) -> dict[str, Any]:
    if len(code) == 3 and code.isupper():
        return {"name": name, "country": code}
    return {"name": name, "country": None, "org": code}


def event(article: str, kind: str, date: str | None, precision: str,
          *parties: tuple[str, str], status: str = "occurred") -> dict[str, Any]:
    record = {"type": kind, "date": date, "precision": precision, "status": status,
              "participants": [party(n, c) for n, c in parties], "evidence": f"{article}"}
    return event_message(record, article={"id": article, "url": None, "published": "2023-06-30",
                                          "source": f"{article}.example"},
                         extractor_version="test")


XI = ("Xi Jinping", "CHN")
MACRON = ("Emmanuel Macron", "FRA")
SCHOLZ = ("Olaf Scholz", "DEU")

# Reports of Xi's calls and meetings with Macron and Scholz in spring 2023: the same
# call reported three ways (day, month, from the other side), a three-way video
# meeting, a meeting and a planned one.
SAMPLE_EVENTS = [
    event("a1", "phone_call", "2023-04-06", "day", XI, MACRON),
    event("a2", "phone_call", "2023-04", "month", XI, MACRON),
    event("a3", "phone_call", "2023-04-06", "day", MACRON, XI),
    event("a4", "video_meeting", "2023-05-10", "day", XI, MACRON, SCHOLZ),
    event("a5", "meeting", "2023-05-11", "day", XI, SCHOLZ),
    event("a6", "meeting", None, "unknown", XI, SCHOLZ, status="planned"),
]
