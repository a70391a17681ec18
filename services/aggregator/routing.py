"""Which worker owns a table key, and forwarding a request to it.

Faust's own ``route_req`` asks the producer for the key's partition, which
fails until this worker has written to that table; the partition is a pure
function of the key (Kafka's murmur2 partitioner), so it is computed here.
"""

from __future__ import annotations

import aiohttp
import faust
from aiokafka.partitioner import DefaultPartitioner
from faust.web import Request, Response, View
from yarl import URL

_PARTITIONER = DefaultPartitioner()
ROUTED_HEADER = "X-Parley-Routed"
FORWARD_TIMEOUT = aiohttp.ClientTimeout(total=10)


class KeyUnassigned(LookupError):
    """No worker owns the key's partition right now (a rebalance is under way)."""


def partition_for(key: bytes, partitions: int) -> int:
    """The partition Kafka's default partitioner gives ``key``."""
    every = list(range(partitions))
    return int(_PARTITIONER(key, every, every))


def owner_of(app: faust.App, table_name: str, key: str) -> URL:
    """The web URL of the worker holding ``key`` of ``table_name``."""
    table = app.tables[table_name]
    topic = table.changelog_topic.get_topic_name()
    partition = partition_for(key.encode("utf-8"), table.partitions or app.conf.topic_partitions)
    for host, topics in app.router.table_metadata(table_name).items():
        if partition in topics.get(topic, ()):
            return URL(host)
    raise KeyUnassigned(f"partition {partition} of {topic} has no owner yet")


def is_self(app: faust.App, url: URL) -> bool:
    mine = app.conf.canonical_url
    return (url.host, url.port) == (mine.host, mine.port)


def owners(app: faust.App, table_name: str) -> list[URL]:
    """The web URLs of the workers that own partitions of ``table_name``.

    For a table whose rows lie in a partition that their key does not give
    (``canonical_events``: the partition of the event's bucket). Raises
    KeyUnassigned while a partition has no owner, since the row may be there.
    """
    table = app.tables[table_name]
    topic = table.changelog_topic.get_topic_name()
    partitions = table.partitions or app.conf.topic_partitions
    urls: list[URL] = []
    covered: set[int] = set()
    for host, topics in app.router.table_metadata(table_name).items():
        owned = set(topics.get(topic, ()))
        if owned:
            urls.append(URL(host))
            covered |= owned
    if len(covered) < partitions:
        raise KeyUnassigned(f"{partitions - len(covered)} partitions of {topic} have no owner yet")
    return urls


async def ask(app: faust.App, request: Request, url: URL) -> tuple[int, str, str] | None:
    """(status, body, content type) of the worker at ``url`` asked the same question;
    None when it did not answer."""
    target = request.url.with_host(url.host or "127.0.0.1").with_port(url.port)
    try:
        async with app.http_client.get(target, headers={ROUTED_HEADER: "1"},
                                       timeout=FORWARD_TIMEOUT) as response:
            return response.status, await response.text(), response.content_type
    except (aiohttp.ClientError, TimeoutError):
        return None


async def forward(app: faust.App, view: View, request: Request, url: URL) -> Response:
    """Ask the owning worker the same question and relay its answer."""
    answer = await ask(app, request, url)
    if answer is None:
        return view.json({"error": f"the worker owning this key ({url}) did not answer; "
                                   "retry shortly"}, status=503)
    status, body, content_type = answer
    return view.text(body, content_type=content_type, status=status)
