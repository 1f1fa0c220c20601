"""The docker-compose cluster, really run: the README's compose block as written (`make up` with its
images built from nothing where no registry answers, dbt from the host, dbt from the `dbt`
service, `make down`) with a worker killed during the host's build, then faults on the same
cluster: brought up again it serves the marts of the embedded build; the server restarted during
a build over Spark Connect (the `connect` target) fails dbt naming it, and `dbt retry` finishes; `down -v` removes the volumes it had.
Everything the tests start is removed at the end, also on failure. A missing Docker engine fails
the tests."""

import json
import re
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import readme
import yaml_docs
from conftest import BIN, MARTS, PROJECT_DIR, Lakehouse, copy_repository, fingerprint
from services import free_port, lost_executors, thrift_query

from lakehouse.services import compose
from lakehouse.spark import spark_tuning

WORKERS = 2  # make up's default
(BLOCK,) = [
    block
    for block in readme.all_blocks(PROJECT_DIR / "README.md")
    if block.runner == "tests/pytest/test_compose.py"
]
# Where the compose services keep the raw data (the shared volume), as dbt must name it.
SERVER_DATA_DIR = Path("/var/lakehouse/data/tpch")
PORTS = [
    "LAKEHOUSE_THRIFT_PORT",
    "LAKEHOUSE_CONNECT_PORT",
    "LAKEHOUSE_MASTER_UI_PORT",
    "LAKEHOUSE_THRIFT_UI_PORT",
]
FIRST_MART = r"START sql \w+ model analytics_marts\."


@dataclass
class Stack:
    """The compose project of a copy of the repository (named after its folder), with the
    environment of the README block's shell: PATH and the ports it publishes."""

    repo: Path
    env: dict[str, str]

    @property
    def name(self) -> str:
        return self.repo.name

    def compose(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*compose.compose_command(), *args], cwd=self.repo, env=self.env,
            capture_output=True, text=True, timeout=1800, check=False,
        )  # fmt: skip
        if check and result.returncode != 0:
            pytest.fail(f"{' '.join(args)} exited {result.returncode}:\n{result.stdout[-4000:]}"
                        f"\n{result.stderr[-4000:]}")  # fmt: skip
        return result

    def resources(self, kind: str, service: str | None = None) -> list[str]:
        """Ids of the project's containers (kind `ps -a`), volumes or networks."""
        labels = [f"label=com.docker.compose.project={self.name}"]
        if service:
            labels.append(f"label=com.docker.compose.service={service}")
        command = ["docker", *kind.split(), "-q", *(f"--filter={label}" for label in labels)]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()

    def container(self, service: str) -> str:
        return self.resources("ps", service)[0]

    def port(self, name: str) -> int:
        return int(self.env[name])

    def wait_healthy(self) -> None:
        compose.wait_healthy(compose.compose_command(), WORKERS, 600, project_dir=self.repo)

    def query(self, sql: str) -> list[tuple]:
        return thrift_query(self.port("LAKEHOUSE_THRIFT_PORT"), sql)

    def lakehouse(self, root: Path) -> Lakehouse:
        """The cluster as dbt on the host sees it (thrift target; marts read over Spark Connect);
        the raw data as the services see it."""
        ports = {name: self.env[name] for name in PORTS[:2]}
        return Lakehouse(root, SERVER_DATA_DIR, extra_env={"DBT_TARGET": "thrift", **ports})

    def dbt_service(self, *args: str, log: Path, env: dict[str, str]) -> subprocess.Popen:
        """`docker compose run --rm -e <env> dbt <args>` in the background, its output in log."""
        with log.open("w") as output:
            return subprocess.Popen(
                [*compose.compose_command(), "run", "--rm", *env_options(env), "dbt", *args],
                cwd=self.repo, env=self.env, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip


def env_options(env: dict[str, str]) -> list[str]:
    """`docker compose run` options setting `env` in the container (Compose v1 has -e only)."""
    return [option for name, value in env.items() for option in ("-e", f"{name}={value}")]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    try:
        compose.check_engine()
        compose.compose_command()
    except compose.ComposeError as error:
        pytest.fail(f"the compose tests need a Docker engine with Compose: {error}")
    # The folder names the compose project: one of this run's own.
    repo = tmp_path_factory.mktemp("compose") / f"lakehousetest{uuid.uuid4().hex[:8]}"
    copy_repository(repo)
    # The suite's virtual env (the README test makes one from nothing); `make` must find it up to
    # date, or it would reinstall it pointing at this copy.
    installed = BIN.parent / ".installed"
    inputs = [PROJECT_DIR / "pyproject.toml", PROJECT_DIR / "constraints.txt"]
    if not installed.exists() or any(p.stat().st_mtime > installed.stat().st_mtime for p in inputs):
        pytest.fail("the virtual env is older than pyproject.toml or constraints.txt: make venv")
    (repo / ".venv").symlink_to(BIN.parent)
    env = {"PATH": readme.clean_path(), **{name: str(free_port()) for name in PORTS}}
    stack = Stack(repo, env)
    try:
        yield stack
    finally:
        stack.compose("--profile", "dbt", "down", "-v", "--remove-orphans", check=False)
        left = {kind: stack.resources(kind) for kind in ("ps -a", "volume ls", "network ls")}
        assert not any(left.values()), f"left behind: {left}"


def run_in_background(stack: Stack, code: str, log: Path) -> subprocess.Popen:
    with log.open("w") as output:
        return subprocess.Popen(
            ["bash", "-e", "-o", "pipefail", "-c", code], cwd=stack.repo, env=stack.env,
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip


def wait_for(log: Path, pattern: str, process: subprocess.Popen, timeout: float = 1800) -> None:
    """Until the process's output matches pattern; fails if it ends first."""
    deadline = time.monotonic() + timeout
    while not re.search(pattern, log.read_text(errors="replace")):
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"never printed {pattern!r}:\n{log.read_text(errors='replace')[-6000:]}")
        time.sleep(0.5)


def test_the_readme_block_runs_as_written_and_survives_a_lost_worker(
    stack: Stack, tmp_path: Path
) -> None:
    log = tmp_path / "block.log"
    block = run_in_background(stack, BLOCK.code, log)
    try:
        wait_for(log, FIRST_MART, block)  # the host's build reaches the marts
        worker = stack.container("spark-worker")
        subprocess.run(["docker", "kill", worker], check=True, capture_output=True)
        # The Thrift server's application lost that worker's executor (its REST API says so).
        lost = lost_executors(stack.port("LAKEHOUSE_THRIFT_UI_PORT"))
        assert lost, "the application lists no lost executor after its worker was killed"
        print("lost:", [(e["id"], e.get("removeReason")) for e in lost])  # pytest -s
        # The worker comes back (an operator or an orchestrator starts it again): the build
        # goes on with two executors again, not a single core for the rest of it.
        subprocess.run(["docker", "start", worker], check=True, capture_output=True)
        assert block.wait(timeout=3600) == 0, log.read_text(errors="replace")[-8000:]
    finally:
        if block.poll() is None:
            block.kill()
    output = log.read_text(errors="replace")
    # Both builds ran, the dbt service's last (its results are the repository's target/): with
    # nothing new since the host's build on the same cluster, it kept every model and seed.
    assert output.count("Completed successfully") == 2, output[-6000:]
    results = json.loads((stack.repo / "target" / "run_results.json").read_text())["results"]
    assert {r["status"] for r in results} <= {"success", "pass", "no-op"}, output[-4000:]
    written = [
        r["unique_id"]
        for r in results
        if r["unique_id"].startswith(("model.", "seed."))
        and r["adapter_response"].get("code") != "UNCHANGED"
    ]
    assert len(results) > 200 and written == [], written
    # make down stopped every container and kept the volumes.
    assert stack.resources("ps -a") == []
    assert len(stack.resources("volume ls")) == 2


def test_up_again_it_serves_the_marts_of_the_embedded_build(
    stack: Stack, built_lakehouse: Lakehouse, tmp_path: Path
) -> None:
    """Every table was kept by `make down`, and the host's build (with a worker lost) built the
    same rows as the embedded build: row counts and checksums, read through each catalog; and
    `describe` over Thrift shows every mart's YAML descriptions."""
    stack.compose("up", "-d", "--scale", f"spark-worker={WORKERS}")
    stack.wait_healthy()
    assert fingerprint(stack.lakehouse(tmp_path), MARTS) == fingerprint(built_lakehouse, MARTS)
    for mart in MARTS:  # what JDBC clients show: the YAML descriptions
        described = stack.query(f"describe table extended analytics_marts.{mart}")
        yaml_docs.assert_shows_descriptions(mart, *yaml_docs.comments_in(described))


def test_ports_uis_and_settings_of_the_running_cluster(stack: Stack) -> None:
    for service, port in (("spark-thrift", "10000"), ("spark-master", "8080")):
        published = stack.compose("port", service, port).stdout.strip()
        assert published.startswith("127.0.0.1:"), published
    url = f"http://127.0.0.1:{stack.port('LAKEHOUSE_MASTER_UI_PORT')}/json/"
    with urllib.request.urlopen(url, timeout=10) as response:
        alive = [w for w in json.load(response)["workers"] if w["state"] == "ALIVE"]
    # The README's sizes: 1 core and 3 GiB per worker.
    assert {(w["cores"], w["memory"]) for w in alive} == {(1, 3072)} and len(alive) == WORKERS
    ui = f"http://127.0.0.1:{stack.port('LAKEHOUSE_THRIFT_UI_PORT')}/"
    with urllib.request.urlopen(ui, timeout=10) as response:
        assert "lakehouse-thrift-server" in response.read().decode()
    # The tuning knobs' defaults and, at SF 0.01, the executors' quick compiler, as the running
    # server reports them.
    for knob in spark_tuning.KNOBS:
        assert stack.query(f"set {knob.spark_property}") == [(knob.spark_property, knob.default)]
    executors = "spark.executor.extraJavaOptions"
    assert stack.query(f"set {executors}") == [(executors, spark_tuning.QUICK_JIT)]


# Rebuilt through the dbt service over Spark Connect (the `connect` target): SQL and Python marts.
SERVICE_MARTS = ["revenue_by_nation_month", "customer_rfm_segments"]
# No retry of the lost server: it would meet the restarted one.
OVER_CONNECT = {"DBT_TARGET": "connect", "DBT_CONNECT_RETRIES": "0"}


def test_dbt_service_over_connect_fails_on_a_server_restart_and_retry_completes(
    stack: Stack, built_lakehouse: Lakehouse, tmp_path: Path
) -> None:
    """Through the dbt service on the `connect` target: with two marts dropped, the server
    restarted mid-build fails the build naming Spark Connect's host:port, leaving a mart to make;
    once the server is healthy again, `dbt retry` makes it, and the marts equal the embedded
    build's."""
    for mart in SERVICE_MARTS:
        stack.query(f"drop view analytics_marts.{mart}")
    log = tmp_path / "dbt-service.log"
    selection = ["--select", *(f"+{mart}" for mart in SERVICE_MARTS), "--exclude", "test_type:data"]
    build = stack.dbt_service("build", *selection, log=log, env=OVER_CONNECT)
    try:
        wait_for(
            log, rf"START \w+ \w+ model analytics_marts\.({'|'.join(SERVICE_MARTS)}) ", build, 900
        )
        subprocess.run(["docker", "restart", stack.container("spark-thrift")], check=True,
                       capture_output=True)  # fmt: skip
        assert build.wait(timeout=900) != 0, log.read_text()[-4000:]
    finally:
        if build.poll() is None:
            build.kill()
    assert "Lost Spark Connect at spark-thrift:15002 " in log.read_text(), log.read_text()[-4000:]
    stack.wait_healthy()
    shown = {row[1] for row in stack.query("show tables in analytics_marts")}
    unmade = set(SERVICE_MARTS) - shown
    assert unmade, "both marts were made before the restart: the retry would prove nothing"

    retry = stack.compose("run", "--rm", *env_options(OVER_CONNECT), "dbt", "retry")
    assert "Completed successfully" in retry.stdout, retry.stdout[-4000:]
    served = fingerprint(stack.lakehouse(tmp_path), SERVICE_MARTS)
    assert served == fingerprint(built_lakehouse, SERVICE_MARTS)


def test_down_v_removes_the_volumes_it_had(stack: Stack) -> None:
    volumes = stack.resources("volume ls")
    assert len(volumes) == 2, volumes  # the catalog's database and the lakehouse
    stack.compose("down", "-v")
    assert stack.resources("volume ls") == [] and stack.resources("ps -a") == []
