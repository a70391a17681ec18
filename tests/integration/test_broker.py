"""A real single-node Kafka broker: start, produce/consume, restart with data kept, stop."""

from __future__ import annotations

import dataclasses
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from services.broker import (
    BrokerConfig,
    BrokerUnavailable,
    broker_status,
    restart_broker,
    start_broker,
    stop_broker,
    wait_until_ready,
)

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

TOPIC = "broker-selftest"
MESSAGE = b'{"note": "envoys met in a neutral capital"}'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def config_in(data_dir: Path) -> BrokerConfig:
    # The default jar cache is kept, so the Maven download is shared with real use.
    return dataclasses.replace(
        BrokerConfig.from_env(), port=free_port(), controller_port=free_port(), data_dir=data_dir
    )


@pytest.fixture(scope="module")
def broker_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrokerConfig]:
    config = config_in(tmp_path_factory.mktemp("kafka"))
    start_broker(config, timeout=90.0)
    yield config
    stop_broker(config)


async def produce_one(bootstrap: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(TOPIC, MESSAGE)
    finally:
        await producer.stop()


async def read_all(bootstrap: str, wait_s: float = 20.0) -> list[bytes]:
    """Every value in TOPIC from the beginning (no consumer group, so no rebalance wait)."""
    consumer = AIOKafkaConsumer(TOPIC, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    values: list[bytes] = []
    deadline = time.monotonic() + wait_s
    try:
        while MESSAGE not in values and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            values += [record.value for records in batches.values() for record in records]
    finally:
        await consumer.stop()
    return values


def test_status_reports_the_running_broker(broker_config: BrokerConfig) -> None:
    status = broker_status(broker_config)
    assert status["running"] is True
    assert isinstance(status["pid"], int)
    assert status["bootstrap"] == f"127.0.0.1:{broker_config.port}"
    assert status["data_dir"] == str(broker_config.data_dir)
    assert status["kafka_version"] == broker_config.kafka_version


def test_the_broker_runs_with_the_configured_jvm_options(broker_config: BrokerConfig) -> None:
    pid = broker_status(broker_config)["pid"]
    arguments = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    assert "-XX:TieredStopAtLevel=1" in broker_config.jvm_options.split()
    for option in [*broker_config.jvm_options.split(), *broker_config.heap.split()]:
        assert option in arguments


def test_second_start_reuses_the_running_broker(broker_config: BrokerConfig) -> None:
    pid_before = broker_status(broker_config)["pid"]
    assert start_broker(broker_config, timeout=10.0) == broker_config.bootstrap
    assert broker_status(broker_config)["pid"] == pid_before


async def test_message_round_trips_and_survives_restart(broker_config: BrokerConfig) -> None:
    # Called from inside a running event loop on purpose: the sync API must cope.
    wait_until_ready(broker_config.bootstrap, timeout=10.0)
    await produce_one(broker_config.bootstrap)
    assert MESSAGE in await read_all(broker_config.bootstrap)

    pid_before = broker_status(broker_config)["pid"]
    assert restart_broker(broker_config) == broker_config.bootstrap
    assert broker_status(broker_config)["pid"] != pid_before
    assert (await read_all(broker_config.bootstrap)).count(MESSAGE) == 1


def test_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    config = config_in(tmp_path)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", config.port))
        squatter.listen()
        with pytest.raises(BrokerUnavailable, match=f"port 127.0.0.1:{config.port}"):
            start_broker(config, timeout=5.0)
    assert broker_status(config)["running"] is False


def test_wait_until_ready_times_out_clearly() -> None:
    bootstrap = f"127.0.0.1:{free_port()}"
    with pytest.raises(BrokerUnavailable, match="not ready within"):
        wait_until_ready(bootstrap, timeout=1.0)


def test_stop_ends_the_broker(broker_config: BrokerConfig) -> None:
    assert stop_broker(broker_config) is True
    assert broker_status(broker_config)["running"] is False
    assert stop_broker(broker_config) is False
