"""`events.canonical` is the changelog of `canonical_events`, declared as Faust's own are."""

from __future__ import annotations

from pathlib import Path

from services.aggregator.app import build_aggregator_app
from tests.integration.harness import isolated_settings


def test_the_canonical_topic_is_a_compacted_changelog_without_acks(tmp_path: Path) -> None:
    settings = isolated_settings("127.0.0.1:9", tmp_path)
    app = build_aggregator_app(settings, web_port=1)
    topic = app.tables["canonical_events"].changelog_topic
    assert topic.get_topic_name() == settings.topic_canonical
    # acks=True would make recovery record every offset compaction removed as a gap.
    assert topic.acks is False and topic.internal is True and topic.compacting is True
    assert topic.config["cleanup.policy"] == "compact"
    assert topic.key_serializer == "raw"
    others = app.tables["actor_events"].changelog_topic
    assert (others.acks, others.compacting) == (topic.acks, topic.compacting)
