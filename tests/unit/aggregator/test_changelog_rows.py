"""Table rows written by a batch reach the store and are queued for their changelog as
Faust's own ``table[key] = value`` would send them."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson
from aiokafka.structs import RecordMetadata, TopicPartition

from services.aggregator.app import ChangelogRows, build_aggregator_app
from services.common.faust_app import writing_for
from services.common.sending import BatchedSender
from tests.integration.harness import isolated_settings
from tests.unit.common.fakes import RecordingProducer


class _Event:  # what Faust's current-event variable holds (by weak reference)
    def __init__(self, partition: int) -> None:
        self.message = SimpleNamespace(partition=partition, offset=0)


def _event(partition: int) -> Any:
    return _Event(partition)


def test_rows_go_to_the_store_and_their_changelog_partition(tmp_path: Path) -> None:
    settings = isolated_settings("127.0.0.1:9", tmp_path)
    app = build_aggregator_app(settings, web_port=1)
    rows, canonical = app.tables["actor_events"], app.tables["canonical_events"]
    sender = BatchedSender()
    write = ChangelogRows(sender)
    with writing_for(_event(2)):
        write(rows, "CHN|2021-12|c1", {"mentions": 1})
        write(rows, "CHN|2021-12|c1", {"mentions": 1})  # unchanged: no changelog record
        write(rows, "RUS|2021-12|c1", None)  # absent: nothing to delete
        write(canonical, b"c1", {"canonical_id": "c1"})
    with writing_for(_event(3)):
        write(rows, "CHN|2021-12|c1", None)
    assert dict(rows.data) == {} and dict(canonical.data) == {b"c1": {"canonical_id": "c1"}}
    changelog = rows.changelog_topic.get_topic_name()
    assert sender._queued == [
        (changelog, 2, b'"CHN|2021-12|c1"', b'{"mentions":1}'),
        (settings.topic_canonical, 2, b"c1", orjson.dumps({"canonical_id": "c1"})),
        (changelog, 3, b'"CHN|2021-12|c1"', None),  # a tombstone
    ]


async def test_a_delivered_changelog_batch_sets_the_stores_persisted_offset(
        tmp_path: Path) -> None:
    app = build_aggregator_app(isolated_settings("127.0.0.1:9", tmp_path), web_port=1)
    table, sender = app.tables["buckets"], BatchedSender()
    persisted: list[tuple[TopicPartition, int]] = []
    table.data.set_persisted_offset = lambda tp, offset: persisted.append((tp, offset))
    with writing_for(_event(1)):
        write = ChangelogRows(sender)
        write(table, "phone|CHN,RUS|2021", {"mentions": {"e1": {}}})
        write(table, "phone|CHN,RUS|2022", {"mentions": {"e2": {}}})
    producer = RecordingProducer()
    await sender.send(producer)  # type: ignore[arg-type]
    assert dict(table.data._key_partition) == {"phone|CHN,RUS|2021": 1,
                                               "phone|CHN,RUS|2022": 1}
    [delivery] = producer.deliveries
    tp = TopicPartition(table.changelog_topic.get_topic_name(), 1)
    delivery.set_result(RecordMetadata(tp.topic, 1, tp, 40, -1, 0, None))
    await asyncio.sleep(0)
    assert persisted == [(tp, 41)]  # the offset of the batch's last row
