"""A project-managed single-node Apache Kafka broker (KRaft mode, 127.0.0.1).

Jars come from Maven Central (services/broker/pom.xml) into a per-version cache; the broker
runs as a detached JVM whose data, logs and pid file live in BrokerConfig.data_dir.
"""

from services.broker.config import BrokerConfig, BrokerUnavailable
from services.broker.libs import ensure_kafka_libs
from services.broker.process import broker_status, restart_broker, start_broker, stop_broker
from services.broker.readiness import wait_until_ready

__all__ = [
    "BrokerConfig",
    "BrokerUnavailable",
    "broker_status",
    "ensure_kafka_libs",
    "restart_broker",
    "start_broker",
    "stop_broker",
    "wait_until_ready",
]
