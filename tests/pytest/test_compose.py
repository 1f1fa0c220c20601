"""The docker-compose cluster, really run: images built from nothing (no registry), the stack
healthy, dbt from the host and from the dbt service, a worker killed and the Thrift server
restarted mid-build, tables kept across down/up. Every container, network and volume the test
starts is removed at the end (`down -v`), also on failure. A missing Docker engine fails the test."""

import json
import os
import re
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import BIN, MARTS, Lakehouse, copy_repository
from services import dbt_in_background, free_port, thrift_query, wait_for_output

from lakehouse import compose

WORKERS = 2
# Where the compose services keep the raw data (the shared volume), as dbt must name it.
SERVER_DATA_DIR = Path("/var/lakehouse/data/tpch")


def checksum_sql(tables: list[str]) -> str:
    """Per mart: rows and an order-independent checksum of every row, computed by Spark through
    the catalog (the same SQL on the embedded target and over Thrift)."""
    return " union all ".join(
        f"select '{table}' as mart, count(*) as row_count, "
        f"cast(sum(cast(xxhash64(*) as decimal(38, 0))) as string) as checksum "
        f"from analytics_marts.{table}"
        for table in tables
    )


@dataclass
class Cluster:
    repo: Path
    env: dict[str, str]
    project: list[str]

    def compose(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*self.project, *args], cwd=self.repo, env=self.env, capture_output=True, text=True,
            timeout=900, check=False,
        )  # fmt: skip
        if check and result.returncode != 0:
            pytest.fail(f"{' '.join(args)} exited {result.returncode}:\n{result.stdout[-4000:]}"
                        f"\n{result.stderr[-4000:]}")  # fmt: skip
        return result

    def container(self, service: str, index: int = 1) -> str:
        return self.compose("ps", "-q", service).stdout.split()[index - 1]

    def wait_healthy(self) -> None:
        compose.wait_healthy(self.project, WORKERS, timeout=600, project_dir=self.repo)

    def port(self, name: str) -> int:
        return int(self.env[name])

    def query(self, sql: str) -> list[tuple]:
        return thrift_query(self.port("LAKEHOUSE_THRIFT_PORT"), sql)

    def marts(self, tables: list[str] = MARTS) -> dict[str, tuple]:
        return {
            mart: (int(rows), checksum) for mart, rows, checksum in self.query(checksum_sql(tables))
        }

    def lakehouse(self, root: Path) -> Lakehouse:
        """dbt on the host, thrift target: SQL over Thrift, Python models over Spark Connect, both
        on the ports the stack published; the raw data as the services see it."""
        return Lakehouse(
            root=root,
            data_dir=SERVER_DATA_DIR,
            extra_env={
                "DBT_TARGET": "thrift",
                **{
                    name: self.env[name]
                    for name in ("LAKEHOUSE_THRIFT_PORT", "LAKEHOUSE_CONNECT_PORT")
                },
            },
        )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    try:
        compose.check_engine()
    except compose.ComposeError as error:
        pytest.fail(f"the compose tests need a Docker engine: {error}")
    started = time.monotonic()
    build = subprocess.run([str(BIN / "lakehouse"), "compose", "build"], capture_output=True,
                           text=True, check=False, timeout=3600)  # fmt: skip
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    print(f"\nimages built in {time.monotonic() - started:.0f} s:\n{build.stdout}")
    repo = copy_repository(tmp_path_factory.mktemp("compose") / "repo")
    name = f"lakehousetest{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "TPCH_SCALE": "0.01",
        # 2 GiB per worker: the memory variable reaches the workers (checked below).
        "LAKEHOUSE_WORKER_MEMORY": "2g",
        **{name: str(free_port()) for name in (
            "LAKEHOUSE_THRIFT_PORT", "LAKEHOUSE_CONNECT_PORT", "LAKEHOUSE_MASTER_UI_PORT",
            "LAKEHOUSE_THRIFT_UI_PORT")},
    }  # fmt: skip
    stack = Cluster(repo, env, [*compose.compose_command(), "--project-name", name])
    try:
        started = time.monotonic()
        stack.compose("up", "-d", "--scale", f"spark-worker={WORKERS}")
        stack.wait_healthy()
        print(f"stack healthy in {time.monotonic() - started:.0f} s")
        yield stack
    finally:
        stack.compose("--profile", "dbt", "down", "-v", "--remove-orphans", check=False)


@pytest.fixture(scope="module")
def embedded_marts(built_lakehouse: Lakehouse) -> dict[str, tuple]:
    """The same checksums of the embedded build, read through its catalog."""
    rows = built_lakehouse.show(checksum_sql(MARTS), limit=len(MARTS))
    return {row["mart"]: (int(row["row_count"]), row["checksum"]) for row in rows}


def test_ports_are_published_on_loopback_and_the_uis_answer(cluster: Cluster) -> None:
    for service in ("spark-thrift", "spark-master"):
        published = cluster.compose(
            "port", service, "10000" if service == "spark-thrift" else "8080"
        )
        assert published.stdout.strip().startswith("127.0.0.1:"), published.stdout
    url = f"http://127.0.0.1:{cluster.port('LAKEHOUSE_MASTER_UI_PORT')}/json/"
    with urllib.request.urlopen(url, timeout=10) as response:
        master = json.load(response)
    alive = [w for w in master["workers"] if w["state"] == "ALIVE"]
    assert len(alive) == WORKERS
    assert {(w["cores"], w["memory"]) for w in alive} == {(1, 2048)}
    with urllib.request.urlopen(
        f"http://127.0.0.1:{cluster.port('LAKEHOUSE_THRIFT_UI_PORT')}/", timeout=10
    ) as response:
        assert "lakehouse-thrift-server" in response.read().decode()


def test_host_build_survives_a_killed_worker_and_equals_the_embedded_build(
    cluster: Cluster, embedded_marts: dict[str, tuple], tmp_path: Path
) -> None:
    lakehouse = cluster.lakehouse(tmp_path)
    worker = cluster.container("spark-worker")
    with dbt_in_background(lakehouse, "build") as build:
        wait_for_output(lakehouse, r"START sql \w+ model analytics_marts\.")
        subprocess.run(["docker", "kill", worker], check=True, capture_output=True)
        assert build.wait(timeout=1200) == 0, (tmp_path / "dbt-background.log").read_text()[-6000:]
    assert cluster.marts() == embedded_marts
    # A killed container stays down (compose restarts only what fails by itself): back to two.
    subprocess.run(["docker", "start", worker], check=True, capture_output=True)
    cluster.wait_healthy()


# Rebuilt through the dbt service: SQL and Python marts (Spark Connect) and what they read.
SERVICE_MARTS = ["revenue_by_nation_month", "customer_rfm_segments"]


def test_dbt_service_fails_on_a_thrift_restart_and_retry_completes(
    cluster: Cluster, embedded_marts: dict[str, tuple]
) -> None:
    """Through the dbt service: the Thrift server restarted mid-build fails the build naming the
    server; once it is healthy again, `dbt retry` finishes and the marts equal a clean build."""
    log = cluster.repo / "dbt-service.log"
    # Data tests add time, no new kind of query: the host build ran them all on this cluster.
    selection = ["--select", *(f"+{mart}" for mart in SERVICE_MARTS), "--exclude", "test_type:data"]
    with log.open("w") as output:
        build = subprocess.Popen(
            [*cluster.project, "run", "--rm", "dbt", "build", "--full-refresh", *selection],
            cwd=cluster.repo, env=cluster.env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 900
            while not re.search(r"START sql \w+ model analytics_marts\.", log.read_text()):
                assert build.poll() is None and time.monotonic() < deadline, log.read_text()[-4000:]
                time.sleep(0.5)
            subprocess.run(["docker", "restart", cluster.container("spark-thrift")], check=True,
                           capture_output=True)  # fmt: skip
            assert build.wait(timeout=900) != 0, log.read_text()[-4000:]
        finally:
            if build.poll() is None:
                build.kill()
    assert "spark-thrift:10000" in log.read_text(), log.read_text()[-4000:]
    cluster.wait_healthy()
    retry = cluster.compose("run", "--rm", "dbt", "retry")
    assert "Completed successfully" in retry.stdout, retry.stdout[-4000:]
    assert cluster.marts(SERVICE_MARTS) == {mart: embedded_marts[mart] for mart in SERVICE_MARTS}


def test_down_then_up_keeps_every_table_and_down_v_removes_them(cluster: Cluster) -> None:
    before = cluster.marts()
    cluster.compose("down")
    cluster.compose("up", "-d", "--scale", f"spark-worker={WORKERS}")
    cluster.wait_healthy()
    assert cluster.marts() == before
    cluster.compose("down", "-v")
    volumes = subprocess.run(
        ["docker", "volume", "ls", "-q", "--filter",
         f"label=com.docker.compose.project={cluster.project[-1]}"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert volumes == []
