"""Fetch the Kafka broker classpath from Maven Central once, into a reusable cache dir."""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from services.broker.config import BrokerConfig, BrokerUnavailable

MARKER_NAME = ".complete"
MAVEN_TIMEOUT_S = 900.0


def ensure_kafka_libs(config: BrokerConfig) -> Path:
    """Return `<cache_dir>/libs` holding every broker jar, downloading with Maven if needed."""
    cache_dir = config.cache_dir.absolute()
    cache_dir.mkdir(parents=True, exist_ok=True)
    libs_dir = cache_dir / "libs"
    expected_marker = _marker_text(config.kafka_version)
    # A lock, because two processes (CLI + a test session) may race on a cold cache.
    with file_lock(cache_dir / ".lock"):
        if _marker_matches(cache_dir, expected_marker) and _has_kafka_jar(libs_dir):
            return libs_dir
        _download_libs(config.kafka_version, cache_dir, libs_dir)
        (cache_dir / MARKER_NAME).write_text(expected_marker)
    return libs_dir


def _pom_bytes() -> bytes:
    return resources.files("services.broker").joinpath("pom.xml").read_bytes()


def _marker_text(kafka_version: str) -> str:
    # The pom digest is included so editing pom.xml (e.g. adding a jar) refreshes the cache.
    digest = hashlib.sha256(_pom_bytes()).hexdigest()[:16]
    return f"kafka={kafka_version} pom={digest}\n"


def _marker_matches(cache_dir: Path, expected: str) -> bool:
    marker = cache_dir / MARKER_NAME
    return marker.is_file() and marker.read_text() == expected


def _has_kafka_jar(libs_dir: Path) -> bool:
    return any(libs_dir.glob("kafka_2.13-*.jar"))


def _download_libs(kafka_version: str, cache_dir: Path, libs_dir: Path) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise BrokerUnavailable("Maven ('mvn') is not on PATH; it is needed to fetch Kafka jars")
    # Download into a scratch dir and swap it in, so an interrupted fetch never looks complete.
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix="fetch-") as scratch:
        scratch_dir = Path(scratch)
        pom_path = scratch_dir / "pom.xml"
        pom_path.write_bytes(_pom_bytes())
        fresh_libs = scratch_dir / "libs"
        command = [
            mvn, "-q", "-B", "-f", str(pom_path),
            f"-Dkafka.version={kafka_version}",
            "dependency:copy-dependencies",
            f"-DoutputDirectory={fresh_libs}",
            "-DincludeScope=runtime",
        ]  # fmt: skip
        _run_maven(command, cwd=scratch_dir)
        if not _has_kafka_jar(fresh_libs):
            raise BrokerUnavailable(f"Maven finished but no kafka_2.13 jar is in {fresh_libs}")
        shutil.rmtree(libs_dir, ignore_errors=True)
        fresh_libs.rename(libs_dir)


def _run_maven(command: list[str], cwd: Path) -> None:
    try:
        result = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, timeout=MAVEN_TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        raise BrokerUnavailable(f"Maven fetch took over {MAVEN_TIMEOUT_S:.0f}s") from None
    if result.returncode != 0:
        output_tail = "\n".join((result.stdout + result.stderr).splitlines()[-30:])
        raise BrokerUnavailable(
            f"Maven could not fetch Kafka (exit {result.returncode}): {' '.join(command)}\n"
            f"{output_tail}"
        )


@contextmanager
def file_lock(lock_path: Path) -> Iterator[None]:
    with lock_path.open("a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)
