"""A real Kafka broker for the integration tests: the given one, else one we start."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.common.settings import Settings
from tests.integration.harness import free_port, isolated_settings


@pytest.fixture(scope="session")
def local_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The BrokerConfig of the broker this session started, or None if one was given."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield None
        return
    from services.broker import BrokerConfig, start_broker, stop_broker

    config = dataclasses.replace(BrokerConfig.from_env(), port=free_port(),
                                 controller_port=free_port(),
                                 data_dir=tmp_path_factory.mktemp("kafka"))
    start_broker(config, timeout=120.0)
    yield config
    stop_broker(config)


@pytest.fixture(scope="session")
def kafka_bootstrap(local_broker: Any) -> str:
    if local_broker is None:
        return os.environ["KAFKA_BOOTSTRAP_SERVERS"]
    return f"127.0.0.1:{local_broker.port}"


@pytest.fixture
def settings(kafka_bootstrap: str, tmp_path: Path) -> Settings:
    """Settings isolated from every other test: own topics, groups, ports and data dir."""
    return isolated_settings(kafka_bootstrap, tmp_path)
