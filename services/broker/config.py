"""Where and how the project-managed Kafka broker runs (all from environment variables)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from services.common.cpus import parse_cpus

DEFAULT_KAFKA_VERSION = "3.9.2"
DEFAULT_PORT = 9092
DEFAULT_HEAP = "-Xmx512m -Xms256m"
# C1 only (TieredStopAtLevel=1): C2 spends seconds of CPU compiling for the first tens of
# thousands of messages, which on a small machine the workers need; the broker's steady
# state costs about the same with C1 code, since most of its time is in the kernel.
DEFAULT_JVM_OPTS = (
    "-server -XX:TieredStopAtLevel=1 -XX:+UseG1GC -XX:MaxGCPauseMillis=20 "
    "-XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent "
    "-XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true"
)
HOST = "127.0.0.1"


class BrokerUnavailable(RuntimeError):
    """The broker could not be provisioned, started, or reached."""


@dataclass(frozen=True)
class BrokerConfig:
    port: int
    controller_port: int
    data_dir: Path
    cache_dir: Path
    kafka_version: str
    heap: str
    jvm_options: str = DEFAULT_JVM_OPTS
    extra_properties: tuple[tuple[str, str], ...] = ()
    cpus: frozenset[int] = frozenset()  # empty: any

    @classmethod
    def from_env(cls) -> BrokerConfig:
        """Read PARLEY_KAFKA_* variables; unset ones take the documented defaults."""
        version = os.environ.get("PARLEY_KAFKA_VERSION", DEFAULT_KAFKA_VERSION)
        port = _int_env("PARLEY_KAFKA_PORT", DEFAULT_PORT)
        controller_port = _int_env("PARLEY_KAFKA_CONTROLLER_PORT", port + 1)
        data_dir = _path_env("PARLEY_KAFKA_DATA_DIR", Path.cwd() / ".parley" / "kafka")
        default_cache = Path.home() / ".cache" / "parley" / f"kafka-{version}"
        cache_dir = _path_env("PARLEY_KAFKA_CACHE", default_cache)
        heap = os.environ.get("PARLEY_KAFKA_HEAP", DEFAULT_HEAP)
        jvm_options = os.environ.get("PARLEY_KAFKA_JVM_OPTS", DEFAULT_JVM_OPTS)
        extra = _properties_env("PARLEY_KAFKA_PROPERTIES")
        return cls(port, controller_port, data_dir, cache_dir, version, heap, jvm_options,
                   extra, _cpus_env())

    @property
    def bootstrap(self) -> str:
        return f"{HOST}:{self.port}"


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise BrokerUnavailable(f"{name}={raw!r} is not a port number") from None


def _cpus_env() -> frozenset[int]:
    """PARLEY_KAFKA_CPUS, else PARLEY_CPUS: the broker keeps off the extraction's CPUs as
    the workers do, unless told otherwise."""
    own = os.environ.get("PARLEY_KAFKA_CPUS", "").strip()
    name = "PARLEY_KAFKA_CPUS" if own else "PARLEY_CPUS"
    try:
        return parse_cpus(os.environ.get(name, ""), name)
    except ValueError as exc:
        raise BrokerUnavailable(str(exc)) from None


def _path_env(name: str, default: Path) -> Path:
    raw = os.environ.get(name, "").strip()
    return Path(raw).expanduser().absolute() if raw else default.absolute()


def _properties_env(name: str) -> tuple[tuple[str, str], ...]:
    """``key=value`` broker properties, comma-separated, that override the template's."""
    pairs = []
    for item in os.environ.get(name, "").split(","):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise BrokerUnavailable(f"{name}: {item!r} is not key=value")
        pairs.append((key.strip(), value.strip()))
    return tuple(pairs)
