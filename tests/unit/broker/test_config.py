"""The local broker's configuration from the environment."""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path

import pytest

from services.broker.config import BrokerConfig, BrokerUnavailable
from services.broker.process import BrokerPaths, _launch

USABLE = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]


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


def test_the_broker_takes_its_own_cpus_else_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_CPUS", str(USABLE[-1]))
    monkeypatch.delenv("PARLEY_KAFKA_CPUS", raising=False)
    assert BrokerConfig.from_env().cpus == {USABLE[-1]}
    monkeypatch.setenv("PARLEY_KAFKA_CPUS", str(USABLE[0]))
    assert BrokerConfig.from_env().cpus == {USABLE[0]}
    monkeypatch.setenv("PARLEY_KAFKA_CPUS", "x")
    with pytest.raises(BrokerUnavailable, match="PARLEY_KAFKA_CPUS='x'"):
        BrokerConfig.from_env()


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux affinity")
def test_the_broker_process_starts_on_its_cpus(tmp_path: Path) -> None:
    # A stand-in for java that writes down the CPUs it was started on.
    java = tmp_path / "java"
    java.write_text("#!/bin/sh\ngrep Cpus_allowed_list /proc/self/status > \"$0.cpus\"\n")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    paths = BrokerPaths(tmp_path / "broker")
    paths.logs.mkdir(parents=True)
    config = dataclasses.replace(BrokerConfig.from_env(), cpus=frozenset({USABLE[-1]}))
    assert _launch(paths, config, str(java), tmp_path).wait(timeout=10) == 0
    assert (tmp_path / "java.cpus").read_text().split() == ["Cpus_allowed_list:",
                                                            str(USABLE[-1])]


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux affinity")
def test_a_broker_that_cannot_have_its_cpus_is_refused_naming_the_settings(
        tmp_path: Path) -> None:
    paths = BrokerPaths(tmp_path / "broker")
    paths.logs.mkdir(parents=True)
    config = dataclasses.replace(BrokerConfig.from_env(), cpus=frozenset({4096}))
    with pytest.raises(BrokerUnavailable, match=r"CPUs \[4096\] .*PARLEY_KAFKA_CPUS"):
        _launch(paths, config, "/bin/true", tmp_path)
