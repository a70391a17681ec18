"""A real Kafka broker for the integration tests: the given one, else one we start."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.settings import Settings
from tests.integration.harness import free_port, isolated_settings


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        yield given
        return
    from services.broker import BrokerConfig, start_broker, stop_broker

    config = dataclasses.replace(BrokerConfig.from_env(), port=free_port(),
                                 controller_port=free_port(),
                                 data_dir=tmp_path_factory.mktemp("kafka"))
    bootstrap = start_broker(config, timeout=120.0)
    yield bootstrap
    stop_broker(config)


@pytest.fixture
def settings(kafka_bootstrap: str, tmp_path: Path) -> Settings:
    """Settings isolated from every other test: own topics, groups, ports and data dir."""
    return isolated_settings(kafka_bootstrap, tmp_path)
