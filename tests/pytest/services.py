"""Servers the tests start and stop themselves, all on 127.0.0.1: a PostgreSQL for the Hive
metastore, an OpenLDAP directory, a Spark standalone cluster and the Thrift server (through the
`lakehouse` CLI); dbt run in the background and crashes of what the CLI started."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from glob import glob
from pathlib import Path

from conftest import BIN, PROJECT_DIR, Lakehouse
from pyhive import hive

from lakehouse.services.processes import port_open, wait_until


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


@dataclass(frozen=True)
class Postgres:
    """A PostgreSQL server of the tests: its JDBC URL, port and data folder."""

    url: str
    port: int
    data: Path

    def restart(self) -> None:
        """Stop it (fast: open sessions are cut) and start it again on the same port."""
        _pg_ctl(self.data, "-l", str(self.data / "server.log"), "-m", "fast", "-w", "restart")


def _pg_ctl(data: Path, *args: str) -> None:
    subprocess.run(
        _as_postgres_user([_postgres_bin("pg_ctl"), "-D", str(data), *args]),
        check=True, capture_output=True,
    )  # fmt: skip


@contextmanager
def postgres(password: str) -> Iterator[Postgres]:
    """A throw-away PostgreSQL on 127.0.0.1 with an empty `metastore` database, owned by the user
    `lakehouse`, who logs in over TCP with the password (SCRAM); deleted afterwards."""
    # Not under pytest's temporary folders: the postgres user could not reach into them.
    folder = Path(tempfile.mkdtemp(prefix="lakehouse-pg-"))
    data = folder / "pgdata"
    data.mkdir()
    (folder / "password").write_text(password + "\n")
    if os.geteuid() == 0:
        for path in (folder, data, folder / "password"):
            shutil.chown(path, "postgres")
    port = free_port()
    env = {**os.environ, "PGPASSWORD": password}

    def run(*command: str) -> None:
        subprocess.run(_as_postgres_user(list(command)), env=env, check=True, capture_output=True)

    run(
        _postgres_bin("initdb"), "-D", str(data), "-U", "lakehouse", "--auth-local=trust",
        "--auth-host=scram-sha-256", f"--pwfile={folder / 'password'}",
    )  # fmt: skip
    # Its options in its own configuration, so that a restart keeps them.
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(
            f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{data}'\n"
        )
    _pg_ctl(data, "-l", str(data / "server.log"), "-w", "start")
    try:
        run(_postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "lakehouse",
            "metastore")  # fmt: skip
        yield Postgres(f"jdbc:postgresql://127.0.0.1:{port}/metastore", port, data)
    finally:
        _pg_ctl(data, "-m", "fast", "-w", "stop")
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


def kill_daemon(env: dict[str, str], name: str) -> int:
    """SIGKILL a process the `lakehouse` CLI started (and its children, e.g. a worker's executor),
    as a crash would; returns its pid."""
    pid = int((Path(env["LAKEHOUSE_RUN_DIR"]) / f"{name}.pid").read_text())
    os.killpg(pid, signal.SIGKILL)
    return pid


@contextmanager
def dbt_in_background(lakehouse: Lakehouse, *args: str) -> Iterator[subprocess.Popen]:
    """A dbt command running while the test does something else; its output goes to
    <root>/dbt-background.log. The caller waits for it; it is killed if still running at the end."""
    log = (lakehouse.root / "dbt-background.log").open("w")
    lakehouse.starting_dbt()
    process = subprocess.Popen(
        [str(BIN / "dbt"), *args],
        cwd=PROJECT_DIR,
        env=lakehouse.env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def wait_for_output(lakehouse: Lakehouse, pattern: str, timeout: float = 600) -> None:
    """Block until the background dbt command's output matches the regular expression."""
    log = lakehouse.root / "dbt-background.log"
    if not wait_until(lambda: re.search(pattern, log.read_text()), timeout, interval=0.5):
        raise TimeoutError(f"dbt never printed {pattern!r}:\n{log.read_text()[-3000:]}")


def thrift_query(port: int, sql: str) -> list[tuple]:
    """Rows of one query in a fresh HiveServer2 session on 127.0.0.1:port, as PyHive users read."""
    connection = hive.connect(host="127.0.0.1", port=port, username="pytest")
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        connection.close()


def server_env(root: Path, **overrides: str) -> dict[str, str]:
    """Environment of a Thrift server (and cluster) private to one test: its own ports, run folder
    and warehouse under root; Derby catalog unless LAKEHOUSE_METASTORE_URL is among overrides."""
    return {
        **os.environ,
        "LAKEHOUSE_RUN_DIR": str(root / "run"),
        "LAKEHOUSE_THRIFT_PORT": str(free_port()),
        "LAKEHOUSE_CONNECT_PORT": str(free_port()),
        "LAKEHOUSE_SERVER_WAREHOUSE_DIR": str(root / "warehouse"),
        **overrides,
    }


def thrift_lakehouse(root: Path, raw_data: Path, env: dict[str, str]) -> Lakehouse:
    """The lakehouse a server started with `env` holds, as dbt's thrift target sees it; Python
    models run over Spark Connect in the same server application."""
    return Lakehouse(
        root=root,
        data_dir=raw_data,
        extra_env={
            "DBT_TARGET": "thrift",
            "LAKEHOUSE_THRIFT_PORT": env["LAKEHOUSE_THRIFT_PORT"],
            "LAKEHOUSE_CONNECT_PORT": env["LAKEHOUSE_CONNECT_PORT"],
        },
    )


LDAP_SUFFIX = "dc=lakehouse,dc=test"
LDAP_PEOPLE = f"ou=people,{LDAP_SUFFIX}"


@contextmanager
def ldap_server(accounts: dict[str, str]) -> Iterator[str]:
    """An OpenLDAP server (Debian slapd) on 127.0.0.1 holding uid=<name>,ou=people,dc=lakehouse,
    dc=test with the given passwords; yields its URL."""
    folder = Path(tempfile.mkdtemp(prefix="slapd-"))
    (folder / "data").mkdir()
    port = free_port()
    url, admin = f"ldap://127.0.0.1:{port}/", f"cn=admin,{LDAP_SUFFIX}"
    admin_password = os.urandom(8).hex()
    schemas = "".join(
        f"include /etc/ldap/schema/{name}.schema\n" for name in ("core", "cosine", "inetorgperson")
    )
    (folder / "slapd.conf").write_text(
        f"{schemas}modulepath /usr/lib/ldap\nmoduleload back_mdb\n"
        f'database mdb\nsuffix "{LDAP_SUFFIX}"\nrootdn "{admin}"\nrootpw {admin_password}\n'
        f"directory {folder}/data\n"
    )
    entries = [
        f"dn: {LDAP_SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: lh\ndc: lakehouse",
        f"dn: {LDAP_PEOPLE}\nobjectClass: organizationalUnit\nou: people",
        *(
            f"dn: uid={name},{LDAP_PEOPLE}\nobjectClass: inetOrgPerson\nuid: {name}\ncn: {name}\n"
            f"sn: {name}\nuserPassword: {password}"
            for name, password in accounts.items()
        ),
    ]
    (folder / "entries.ldif").write_text("\n\n".join(entries) + "\n")
    # In the foreground (-d 0), a child of the test: its log is read if it does not listen.
    log = folder / "slapd.log"
    with log.open("w") as log_file:
        slapd = subprocess.Popen(
            ["/usr/sbin/slapd", "-f", folder / "slapd.conf", "-h", url, "-d", "0"],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        listening = wait_until(
            lambda: slapd.poll() is not None or port_open("127.0.0.1", port), 60, interval=0.2
        )
        if not listening or slapd.poll() is not None:
            raise RuntimeError(f"slapd did not listen on {url}: {log.read_text()[-2000:]}")
        added = subprocess.run(
            ["ldapadd", "-x", "-H", url, "-D", admin, "-w", admin_password]
            + ["-f", str(folder / "entries.ldif")],
            capture_output=True,
            text=True,
            check=False,
        )
        if added.returncode:
            raise RuntimeError(f"ldapadd to {url} exited {added.returncode}: {added.stderr}")
        yield url
    finally:
        slapd.terminate()
        slapd.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def listening_addresses(port: int) -> set[str]:
    """Local addresses (as the kernel lists them in /proc/net/tcp*) that listen on the port."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(_address(address))
    return found


def _address(hex_address: str) -> str:
    raw = bytes.fromhex(hex_address)
    if len(raw) == 4:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    # IPv6 addresses are listed as four little-endian 32-bit words.
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    address = socket.inet_ntop(socket.AF_INET6, words)
    # Java binds 127.0.0.1 as an IPv4-mapped address on an IPv6 socket: still loopback only.
    return address.removeprefix("::ffff:")


def lost_executors(ui_port: int, timeout: float = 120) -> list[dict]:
    """The executors the Spark application whose UI listens on 127.0.0.1:ui_port has lost, as its
    REST API lists them (`removeReason` says why), once it lists at least one (or after timeout)."""
    base = f"http://127.0.0.1:{ui_port}/api/v1/applications"
    lost: list[dict] = []

    def listed() -> bool:
        try:
            with urllib.request.urlopen(base, timeout=30) as response:
                (application,) = json.load(response)
            url = f"{base}/{application['id']}/allexecutors"
            with urllib.request.urlopen(url, timeout=30) as response:
                executors = json.load(response)
        except OSError:  # a busy server answers late: ask again
            return False
        lost[:] = [e for e in executors if e["id"] != "driver" and not e["isActive"]]
        return bool(lost)

    wait_until(listed, timeout, interval=2)
    return lost
