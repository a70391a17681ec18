"""Start, stop and inspect the detached single-node KRaft broker JVM."""

from __future__ import annotations

import base64
import contextlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from importlib import resources
from pathlib import Path
from string import Template

from services.broker.config import HOST, BrokerConfig, BrokerUnavailable
from services.broker.libs import ensure_kafka_libs, file_lock
from services.broker.readiness import wait_for_metadata, wait_until_ready

FORMAT_HEAP = "-Xmx256m"
LOG_TAIL_LINES = 40
POLL_S = 0.2

# Children started by this interpreter, kept so stop_broker can reap them (no zombies).
_children: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class BrokerPaths:
    """Everything a broker keeps under its data dir."""

    root: Path

    @property
    def server_properties(self) -> Path:
        return self.root / "server.properties"

    @property
    def log4j_properties(self) -> Path:
        return self.root / "log4j.properties"

    @property
    def cluster_id(self) -> Path:
        return self.root / "cluster.id"

    @property
    def storage(self) -> Path:
        return self.root / "storage"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def server_log(self) -> Path:
        return self.logs / "server.log"

    @property
    def console_log(self) -> Path:
        return self.logs / "broker.out"

    @property
    def pid_file(self) -> Path:
        return self.root / "broker.pid"


def start_broker(config: BrokerConfig, timeout: float = 90.0) -> str:
    """Start the broker (or reuse ours if already up) and return "127.0.0.1:<port>"."""
    paths = BrokerPaths(config.data_dir.absolute())
    paths.root.mkdir(parents=True, exist_ok=True)
    # Two starters on one data dir (CLI + test session) must not launch two JVMs.
    with file_lock(paths.root / ".start.lock"):
        return _start_locked(paths, config, timeout)


def _start_locked(paths: BrokerPaths, config: BrokerConfig, timeout: float) -> str:
    if _running_pid(paths) is not None:
        _check_same_port(paths, config)
        wait_until_ready(config.bootstrap, timeout)
        return config.bootstrap
    _check_ports_free(config)
    libs_dir = ensure_kafka_libs(config)
    java = _java_executable()
    _write_config_files(paths, config)
    _format_storage_once(paths, java, libs_dir)
    log_offsets = _log_sizes(paths)
    process = _launch(paths, config, java, libs_dir)
    _wait_for_launched(paths, config, process, timeout, log_offsets)
    return config.bootstrap


def stop_broker(config: BrokerConfig, timeout: float = 30.0) -> bool:
    """SIGTERM the broker (clean shutdown), SIGKILL after `timeout`; True if it was running."""
    paths = BrokerPaths(config.data_dir.absolute())
    pid = _running_pid(paths)
    if pid is None:
        paths.pid_file.unlink(missing_ok=True)
        return False
    _terminate(pid, timeout)
    paths.pid_file.unlink(missing_ok=True)
    return True


def broker_status(config: BrokerConfig) -> dict[str, object]:
    paths = BrokerPaths(config.data_dir.absolute())
    pid = _running_pid(paths)
    return {
        "running": pid is not None,
        "pid": pid,
        "bootstrap": config.bootstrap,
        "data_dir": str(paths.root),
        "kafka_version": config.kafka_version,
    }


def restart_broker(config: BrokerConfig) -> str:
    """Stop then start on the same data dir, so committed messages survive."""
    stop_broker(config)
    return start_broker(config)


# --- process bookkeeping -------------------------------------------------------------------


def _running_pid(paths: BrokerPaths) -> int | None:
    """The pid from the pid file if that process is alive and is our broker (not a reused pid)."""
    try:
        pid = int(paths.pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    if not _is_alive(pid):
        return None
    return pid if _is_our_broker(pid, paths) else None


def _is_alive(pid: int) -> bool:
    child = _children.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # Field 3 (after the parenthesised command name) is the state; Z is an unreaped zombie.
    return stat.rpartition(")")[2].split()[0] != "Z"


def _is_our_broker(pid: int, paths: BrokerPaths) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"kafka.Kafka" in cmdline and str(paths.server_properties).encode() in cmdline


def _terminate(pid: int, timeout: float) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if _wait_for_exit(pid, timeout):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _wait_for_exit(pid, 10.0)


def _wait_for_exit(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _is_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_S)
    child = _children.pop(pid, None)
    if child is not None:
        child.wait()
    return True


# --- preconditions -------------------------------------------------------------------------


def _check_same_port(paths: BrokerPaths, config: BrokerConfig) -> None:
    running_port = _configured_port(paths)
    if running_port is not None and running_port != config.port:
        raise BrokerUnavailable(
            f"the broker of {paths.root} already runs on port {running_port}, "
            f"not {config.port}; stop it first"
        )


def _configured_port(paths: BrokerPaths) -> int | None:
    try:
        text = paths.server_properties.read_text()
    except FileNotFoundError:
        return None
    match = re.search(r"^advertised\.listeners=PLAINTEXT://[^:]+:(\d+)", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def _check_ports_free(config: BrokerConfig) -> None:
    for role, port in (("broker", config.port), ("controller", config.controller_port)):
        if not _port_free(port):
            raise BrokerUnavailable(
                f"{role} port {HOST}:{port} is already in use by a process this data dir "
                f"did not start; pick another with PARLEY_KAFKA_PORT / "
                f"PARLEY_KAFKA_CONTROLLER_PORT (or --port)"
            )


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Same option Kafka binds with, so a TIME_WAIT leftover does not count as busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def _java_executable() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise BrokerUnavailable("no 'java' on PATH (and no JAVA_HOME); Kafka needs Java 17")
    return java


# --- files and storage ---------------------------------------------------------------------


def _write_config_files(paths: BrokerPaths, config: BrokerConfig) -> None:
    paths.logs.mkdir(parents=True, exist_ok=True)
    template = Template(_package_text("server-template.properties"))
    server_properties = template.substitute(
        port=config.port, controller_port=config.controller_port, log_dirs=paths.storage
    )
    overrides = "".join(f"{key}={value}\n" for key, value in config.extra_properties)
    if overrides:  # a later key wins in a Java properties file
        server_properties += "\n# PARLEY_KAFKA_PROPERTIES\n" + overrides
    paths.server_properties.write_text(server_properties)
    paths.log4j_properties.write_text(_package_text("log4j.properties"))


def _package_text(name: str) -> str:
    return resources.files("services.broker").joinpath(name).read_text()


def _format_storage_once(paths: BrokerPaths, java: str, libs_dir: Path) -> None:
    if (paths.storage / "meta.properties").is_file():
        return
    command = [
        java, FORMAT_HEAP, *_logging_opts(paths), "-cp", str(libs_dir / "*"),
        "kafka.tools.StorageTool", "format",
        # "=" form: a generated id may start with "-", which argparse would take for a flag.
        f"--cluster-id={_cluster_id(paths)}", "-c", str(paths.server_properties),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise BrokerUnavailable(
            f"formatting Kafka storage in {paths.storage} failed (exit {result.returncode}):\n"
            f"{result.stdout}{result.stderr}"
        )


def _cluster_id(paths: BrokerPaths) -> str:
    """The id this data dir was (or will be) formatted with; generated once, then kept."""
    if paths.cluster_id.is_file():
        return paths.cluster_id.read_text().strip()
    # Same shape as Kafka's Uuid.randomUuid().toString(): url-safe base64, no padding.
    cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    paths.cluster_id.write_text(cluster_id + "\n")
    return cluster_id


def _logging_opts(paths: BrokerPaths) -> list[str]:
    return [
        f"-Dlog4j.configuration=file:{paths.log4j_properties}",
        f"-Dkafka.logs.dir={paths.logs}",
    ]


# --- launch --------------------------------------------------------------------------------


def _launch(
    paths: BrokerPaths, config: BrokerConfig, java: str, libs_dir: Path
) -> subprocess.Popen[bytes]:
    command = [
        java, *shlex.split(config.heap), *shlex.split(config.jvm_options),
        *_logging_opts(paths), "-cp", str(libs_dir / "*"),
        "kafka.Kafka", str(paths.server_properties),
    ]  # fmt: skip
    with paths.console_log.open("ab") as console, _pinning_errors(config):
        # A new session so the broker outlives the CLI / terminal that started it.
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=console,
            stderr=subprocess.STDOUT,
            cwd=paths.root,
            start_new_session=True,
            # Set in the child before Java starts, so that every JVM thread inherits it.
            preexec_fn=partial(os.sched_setaffinity, 0, config.cpus) if config.cpus else None,
        )
    _children[process.pid] = process
    paths.pid_file.write_text(f"{process.pid}\n")
    return process


@contextlib.contextmanager
def _pinning_errors(config: BrokerConfig) -> Iterator[None]:
    try:
        yield
    except subprocess.SubprocessError as exc:  # raised in preexec_fn, before Java ran
        raise BrokerUnavailable(f"cannot start the broker on CPUs {sorted(config.cpus)} "
                                f"(PARLEY_KAFKA_CPUS, else PARLEY_CPUS): {exc}") from None


def _wait_for_launched(
    paths: BrokerPaths,
    config: BrokerConfig,
    process: subprocess.Popen[bytes],
    timeout: float,
    log_offsets: dict[Path, int],
) -> None:
    def still_starting() -> None:
        if process.poll() is not None:
            _children.pop(process.pid, None)
            paths.pid_file.unlink(missing_ok=True)
            exit_code = process.returncode
            tail = _log_tail(log_offsets)
            raise BrokerUnavailable(f"Kafka exited with code {exit_code} while starting.\n{tail}")

    try:
        wait_for_metadata(config.bootstrap, timeout, still_starting)
    except BrokerUnavailable as error:
        if process.poll() is None:  # timed out: do not leave a half-started JVM behind
            stop_broker(config, timeout=10.0)
            raise BrokerUnavailable(f"{error}\n{_log_tail(log_offsets)}") from None
        raise


def _log_sizes(paths: BrokerPaths) -> dict[Path, int]:
    """Current log sizes, so an error shows only what this start wrote (logs are appended)."""
    logs = (paths.console_log, paths.server_log)
    return {log: log.stat().st_size if log.is_file() else 0 for log in logs}


def _log_tail(log_offsets: dict[Path, int]) -> str:
    sections = []
    for log_file, offset in log_offsets.items():
        try:
            with log_file.open("rb") as log:
                # A log rolled over since the offset was taken is read from its start.
                log.seek(offset if offset <= log_file.stat().st_size else 0)
                new_text = log.read().decode(errors="replace")
        except FileNotFoundError:
            continue
        lines = new_text.splitlines()[-LOG_TAIL_LINES:]
        if lines:
            sections.append(f"--- last lines of {log_file} ---\n" + "\n".join(lines))
    return "\n".join(sections) or "(the broker wrote nothing to its logs)"
