"""Servers the thrift-target tests start and stop themselves, all on 127.0.0.1: a PostgreSQL for
the Hive metastore, a Spark standalone cluster and the Thrift server (through the `lakehouse` CLI)."""

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from glob import glob
from pathlib import Path

from conftest import BIN


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_bin(name: str) -> str:
    found = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql")
    return found[-1]


def _as_postgres_user(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; CI runs as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres() -> Iterator[tuple[str, int]]:
    """A throw-away PostgreSQL on 127.0.0.1 with an empty `metastore` database, owned by the user
    `lakehouse`; yields its JDBC URL and port, and deletes it afterwards."""
    # Not under pytest's temporary folders: the postgres user could not reach into them.
    folder = Path(tempfile.mkdtemp(prefix="lakehouse-pg-"))
    data = folder / "pgdata"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(data, "postgres")
    port = free_port()
    run = lambda *cmd: subprocess.run(_as_postgres_user(list(cmd)), check=True, capture_output=True)
    run(_postgres_bin("initdb"), "-D", str(data), "-U", "lakehouse", "--auth=trust")
    run(
        _postgres_bin("pg_ctl"), "-D", str(data), "-l", str(data / "server.log"), "-w", "start",
        "-o", f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={data}",
    )  # fmt: skip
    try:
        run(
            _postgres_bin("createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "lakehouse",
            "metastore",
        )
        yield f"jdbc:postgresql://127.0.0.1:{port}/metastore", port
    finally:
        run(_postgres_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def lakehouse(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(BIN / "lakehouse"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"lakehouse {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@contextmanager
def spark_cluster(env: dict[str, str], workers: int) -> Iterator[None]:
    lakehouse("cluster", "start", "--workers", str(workers), env=env)
    try:
        yield
    finally:
        lakehouse("cluster", "stop", env=env)


@contextmanager
def thrift_server(env: dict[str, str]) -> Iterator[None]:
    lakehouse("server", "start", env=env)
    try:
        yield
    finally:
        lakehouse("server", "stop", env=env)
