"""``parley audit`` and ``parley lag``: was every article handled, and what is still to do?"""

from __future__ import annotations

from typing import Any

from services.common.codec import DecodeError, decode_object
from services.common.kafka import consumer_lag, read_topic
from services.common.settings import Settings


async def audit(settings: Settings, ids: set[str], since: str | None,
                until: str | None) -> dict[str, Any]:
    """Count the chosen articles by outcome: extracted, dead-lettered, or still pending."""
    articles = await _article_ids(settings, since, until)
    wanted = ids or articles
    outcomes = await _outcomes(settings)
    extracted = {a for a in wanted if outcomes.get(a) == "extracted"}
    dead = {a for a in wanted if outcomes.get(a) == "deadletter"}
    pending = wanted - extracted - dead
    return {"articles": len(wanted), "extracted": len(extracted), "deadletter": len(dead),
            "pending": len(pending), "unknown_ids": sorted(ids - articles) if ids else [],
            "pending_ids": sorted(pending), "deadletter_ids": sorted(dead)}


async def _article_ids(settings: Settings, since: str | None, until: str | None) -> set[str]:
    out = set()
    for record in await read_topic(settings, settings.topic_articles):
        if since or until:
            try:
                ingested = decode_object(record.value).get("ingested_at", "")
            except DecodeError:
                continue
            if (since and ingested < since) or (until and ingested >= until):
                continue
        if record.key:
            out.add(record.key.decode("utf-8", "replace"))
    return out


async def _outcomes(settings: Settings) -> dict[str, str]:
    """The best outcome per article id: an extraction beats an earlier dead letter."""
    out: dict[str, str] = {}
    for record in await read_topic(settings, settings.topic_processed):
        try:
            receipt = decode_object(record.value)
        except DecodeError:
            continue
        article = receipt.get("article_id")
        if article and out.get(article) != "extracted":
            out[article] = receipt.get("outcome", "deadletter")
    return out


def print_audit(report: dict[str, Any], show: int) -> None:
    print(f"articles: {report['articles']}  extracted: {report['extracted']}  "
          f"dead-lettered: {report['deadletter']}  pending: {report['pending']}")
    for label in ("pending_ids", "deadletter_ids", "unknown_ids"):
        if report[label]:
            print(f"  {label}: {' '.join(report[label][:show])}")


async def worker_lag(settings: Settings) -> dict[str, dict[str, tuple[int, int]]]:
    """(committed, end) offsets per topic of the extractor's and the aggregator's groups."""
    from services.aggregator.app import internal_topics

    groups = {
        f"{settings.app_prefix}-extractor": [settings.topic_articles],
        f"{settings.app_prefix}-aggregator": [settings.topic_events, settings.topic_tallies,
                                              *internal_topics(settings).values()],
    }
    return {group: await consumer_lag(settings, group, topics)
            for group, topics in groups.items()}
