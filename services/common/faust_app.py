"""The Faust application each Parley worker runs, configured from ``Settings``.

Each service is its own Faust app (its own consumer group), so the extractor
and the aggregator scale out independently and meet only at topics.
"""

from __future__ import annotations

from typing import Any

import faust
from faust.transport.producer import ProducerBuffer

from services.common.kafka import MAX_MESSAGE_BYTES
from services.common.settings import Settings


async def _flush_completely(buffer: ProducerBuffer) -> None:
    """Drain the table-write buffer before an offset commit, however slow the broker.

    faust-streaming's ``ProducerBuffer.flush`` returns as soon as one message
    takes longer than 0.1 s, with changelog writes still queued; the offset
    commit that follows would then cover writes that a crash loses (seen as a
    missing row after SIGKILL under load). Waiting until the buffer is empty
    keeps at-least-once intact.
    """
    while buffer.size:
        if buffer.state != "running":
            raise RuntimeError("cannot flush: the producer is not running")
        await buffer.flush_atmost(None)


ProducerBuffer.flush = _flush_completely  # type: ignore[method-assign]


def make_app(service: str, settings: Settings, *, web_port: int,
             **overrides: Any) -> faust.App:
    """A Faust app named ``<prefix>-<service>`` on the configured broker."""
    app_id = f"{settings.app_prefix}-{service}"
    datadir = settings.data_dir / "workers" / f"{app_id}-{web_port}"
    datadir.parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
        "broker": f"kafka://{settings.bootstrap.replace(',', ';kafka://')}",
        "store": settings.store,
        "datadir": str(datadir),
        "web_port": web_port,
        "web_host": settings.advertised_host,
        "web_bind": settings.web_host,
        # The URL other workers forward queries to: must be reachable from them.
        "canonical_url": f"http://{settings.advertised_host}:{web_port}",
        "topic_partitions": settings.partitions,
        "topic_replication_factor": settings.replication_factor,
        "topic_allow_declare": True,
        "processing_guarantee": "at_least_once",
        "consumer_auto_offset_reset": "earliest",
        "producer_max_request_size": MAX_MESSAGE_BYTES,
        "consumer_max_fetch_size": MAX_MESSAGE_BYTES,
        "broker_commit_every": 1000,
        "broker_commit_interval": 1.0,
        "table_standby_replicas": 0,
        "autodiscover": False,
        "web_cors_options": None,
    }
    options.update(overrides)
    return faust.App(app_id, **options)


def raw_topic(app: faust.App, name: str, **options: Any) -> faust.TopicT:
    """A topic whose keys and values Parley (de)serialises itself, with orjson."""
    return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw",
                     value_serializer="raw", **options)
