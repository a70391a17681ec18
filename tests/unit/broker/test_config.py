"""The local broker's configuration from the environment."""

from __future__ import annotations

import pytest

from services.broker.config import BrokerConfig, BrokerUnavailable


def test_extra_properties_are_read_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_KAFKA_PROPERTIES", "num.io.threads=2, num.network.threads = 1,")
    assert BrokerConfig.from_env().extra_properties == (("num.io.threads", "2"),
                                                        ("num.network.threads", "1"))


def test_no_extra_properties_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARLEY_KAFKA_PROPERTIES", raising=False)
    assert BrokerConfig.from_env().extra_properties == ()


def test_a_property_without_value_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_KAFKA_PROPERTIES", "num.io.threads")
    with pytest.raises(BrokerUnavailable, match="not key=value"):
        BrokerConfig.from_env()


def test_jvm_options_default_to_c1_only_and_can_be_replaced(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARLEY_KAFKA_JVM_OPTS", raising=False)
    assert "-XX:TieredStopAtLevel=1" in BrokerConfig.from_env().jvm_options.split()
    monkeypatch.setenv("PARLEY_KAFKA_JVM_OPTS", "-server -XX:+UseParallelGC")
    assert BrokerConfig.from_env().jvm_options == "-server -XX:+UseParallelGC"
