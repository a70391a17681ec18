"""Every setting Parley reads, declared once with its environment name and default.

Services receive a ``Settings`` object, so a test or a benchmark can build one by
hand. Two tools read their own few variables: the local broker
(``services/broker/config.py``, ``PARLEY_KAFKA_*``) and the schema loader
(``PARLEY_SCHEMAS_DIR``).
"""

from __future__ import annotations

import math
import os
import socket
from dataclasses import dataclass, field, fields
from pathlib import Path

from services.common.cpus import parse_cpus


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    """Parley's configuration. Build it with ``Settings.from_env()``."""

    kafka_bootstrap_servers: str = field(
        default="", metadata={"env": "KAFKA_BOOTSTRAP_SERVERS",
                              "doc": "Kafka bootstrap servers; empty: the local broker"})
    local_kafka_port: int = field(
        default=9092, metadata={"env": "PARLEY_KAFKA_PORT",
                                "doc": "Port of the local KRaft broker `parley kafka start` runs"})
    topic_articles: str = field(
        default="articles", metadata={"env": "PARLEY_TOPIC_ARTICLES", "doc": "Raw articles"})
    topic_events: str = field(
        default="events", metadata={"env": "PARLEY_TOPIC_EVENTS", "doc": "Extracted events"})
    topic_tallies: str = field(
        default="tallies", metadata={"env": "PARLEY_TOPIC_TALLIES", "doc": "Reported tallies"})
    topic_deadletter: str = field(
        default="deadletter", metadata={"env": "PARLEY_TOPIC_DEADLETTER",
                                        "doc": "Anything that failed, with the reason"})
    topic_canonical: str = field(
        default="events.canonical", metadata={"env": "PARLEY_TOPIC_CANONICAL",
                                              "doc": "Deduplicated events (compacted)"})
    topic_processed: str = field(
        default="articles.processed", metadata={"env": "PARLEY_TOPIC_PROCESSED",
                                                "doc": "One receipt per article handled"})
    partitions: int = field(
        default=4, metadata={"env": "PARLEY_PARTITIONS",
                             "doc": "Partitions of every Parley topic (created on first use)"})
    replication_factor: int = field(
        default=1, metadata={"env": "PARLEY_REPLICATION_FACTOR",
                             "doc": "Replication factor of the topics Parley creates"})
    aggregator_web_port: int = field(
        default=6066, metadata={"env": "PARLEY_WEB_PORT",
                                "doc": "Aggregator web view: queries, dashboard"})
    extractor_web_port: int = field(
        default=6067, metadata={"env": "PARLEY_EXTRACTOR_WEB_PORT",
                                "doc": "Extractor worker web view (health)"})
    web_host: str = field(
        default="127.0.0.1", metadata={"env": "PARLEY_WEB_HOST",
                                       "doc": "Interface the web views bind to"})
    web_advertised_host: str = field(
        default="", metadata={"env": "PARLEY_WEB_ADVERTISED_HOST",
                              "doc": "Host other workers use to reach this one (default: "
                                     "PARLEY_WEB_HOST, or the host name when that is 0.0.0.0)"})
    ingest_port: int = field(
        default=8080, metadata={"env": "PARLEY_INGEST_PORT", "doc": "HTTP ingest endpoint port"})
    ingest_token: str = field(
        default="", metadata={"env": "PARLEY_INGEST_TOKEN",
                              "doc": "Bearer token the ingest endpoint requires (empty = none)"})
    max_article_bytes: int = field(
        default=2_000_000, metadata={"env": "PARLEY_MAX_ARTICLE_BYTES",
                                     "doc": "Largest article text accepted, in bytes"})
    max_request_bytes: int = field(
        default=20_000_000, metadata={"env": "PARLEY_MAX_REQUEST_BYTES",
                                      "doc": "Largest HTTP ingest body, in bytes"})
    extract_processes: int = field(
        default=1, metadata={"env": "PARLEY_EXTRACT_PROCESSES",
                             "doc": "Child processes an extractor worker extracts in, beside "
                                    "its Kafka work (0: in the worker's own process)"})
    store: str = field(
        default="memory://", metadata={"env": "PARLEY_STORE",
                                       "doc": "Faust table store: memory:// or rocksdb://"})
    data_dir: Path = field(
        default=Path(".parley"), metadata={"env": "PARLEY_DATA_DIR",
                                           "doc": "Worker state and local broker data"})
    app_prefix: str = field(
        default="parley", metadata={"env": "PARLEY_APP_ID",
                                    "doc": "Prefix of the Faust app ids (consumer groups)"})
    batch_size: int = field(
        default=500, metadata={"env": "PARLEY_BATCH_SIZE",
                               "doc": "Most messages a worker agent takes and handles at once"})
    batch_ms: int = field(
        default=20, metadata={"env": "PARLEY_BATCH_MS",
                              "doc": "Longest an agent waits to fill a batch, in milliseconds"})
    producer_linger_ms: int = field(
        default=10, metadata={"env": "PARLEY_PRODUCER_LINGER_MS",
                             "doc": "How long a worker's producer waits to fill a request"})
    fetch_min_bytes: int = field(
        default=1, metadata={"env": "PARLEY_FETCH_MIN_BYTES",
                             "doc": "Least data a worker's fetch waits for"})
    fetch_max_wait_ms: int = field(
        default=100, metadata={"env": "PARLEY_FETCH_MAX_WAIT_MS",
                               "doc": "Longest the broker holds a fetch for that much data"})
    log_level: str = field(
        default="warning", metadata={"env": "PARLEY_LOG_LEVEL", "doc": "Worker log level"})
    gc_freeze_s: float = field(
        default=0.0, metadata={"env": "PARLEY_GC_FREEZE_S",
                               "doc": "Seconds between freezes of a worker's long-lived heap "
                                      "(memory:// table rows) out of the garbage collector's "
                                      "scans; 0: never"})
    event_loop: str = field(
        default="uvloop", metadata={"env": "PARLEY_EVENT_LOOP",
                                    "doc": "Workers' event loop: uvloop, or asyncio's own (aio)"})
    cpus: str = field(
        default="", metadata={"env": "PARLEY_CPUS",
                              "doc": "CPUs (a list such as 1 or 1-3) of workers, their Kafka "
                                     "work and `parley ingest`; empty: any"})
    extract_cpus: str = field(
        default="", metadata={"env": "PARLEY_EXTRACT_CPUS",
                              "doc": "CPUs of the extraction processes, kept off PARLEY_CPUS "
                                     "so that nothing takes their cores; empty: the worker's"})

    @classmethod
    def from_env(cls) -> Settings:
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            values[f.name] = _coerce(f.type, raw, f.metadata["env"])
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """The environment that makes ``from_env`` rebuild these settings (for child workers)."""
        return {f.metadata["env"]: str(getattr(self, f.name)) for f in fields(self)}

    @property
    def bootstrap(self) -> str:
        """The servers to connect to: the given ones, else the local broker."""
        return self.kafka_bootstrap_servers or f"127.0.0.1:{self.local_kafka_port}"

    @property
    def advertised_host(self) -> str:
        if self.web_advertised_host:
            return self.web_advertised_host
        if self.web_host in ("0.0.0.0", "::"):  # bound everywhere: others know us by name
            return socket.gethostname()
        return self.web_host

    @property
    def worker_cpus(self) -> frozenset[int]:
        """The CPUs of PARLEY_CPUS (empty: any); raises ValueError for a bad list."""
        return parse_cpus(self.cpus, "PARLEY_CPUS")

    @property
    def extraction_cpus(self) -> frozenset[int]:
        return parse_cpus(self.extract_cpus, "PARLEY_EXTRACT_CPUS")

    @property
    def uses_local_broker(self) -> bool:
        return not self.kafka_bootstrap_servers

    def all_topics(self) -> list[str]:
        return [self.topic_articles, self.topic_events, self.topic_tallies,
                self.topic_deadletter, self.topic_canonical, self.topic_processed]


def _coerce(type_name: object, raw: str, env_name: str) -> object:
    name = str(type_name)
    try:
        if name == "int":
            return int(raw)
        if name == "float":
            number = float(raw)
            if not math.isfinite(number) or number < 0:
                raise ValueError(raw)
            return number
        if name == "Path":
            return Path(raw)
    except ValueError as exc:
        raise ValueError(f"{env_name}={raw!r} is not a valid {name}") from exc
    return raw


def settings_reference() -> list[tuple[str, str, str]]:
    """(environment name, default, description) of every setting, for docs and `--help`."""
    return [(f.metadata["env"], str(f.default), f.metadata["doc"]) for f in fields(Settings)]
