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
