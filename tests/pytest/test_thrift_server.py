"""The same project on a Spark Thrift server: PostgreSQL metastore, standalone master with two
workers, all started and stopped here on 127.0.0.1; a worker lost mid-build; read by real clients;
the running server's settings; rebuilt over Spark Connect alone (the `connect` target); survives
a restart of the server and of its metastore database;
killed mid-build, it leaves no table half-written and `dbt retry` finishes after a restart."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml_docs
from conftest import Lakehouse, fingerprint
from services import (
    Postgres,
    dbt_in_background,
    free_port,
    kill_daemon,
    lakehouse,
    lost_executors,
    postgres,
    server_env,
    spark_cluster,
    thrift_lakehouse,
    thrift_query,
    thrift_server,
    wait_for_output,
)

from lakehouse.services import processes
from lakehouse.spark import catalog, spark_tuning
from lakehouse.spark.spark_home import spark_env, spark_script

METASTORE_PASSWORD = os.urandom(8).hex()
# What the native cluster builds: a SQL and a Python mart (over Spark Connect) with everything they
# read. Every mart is built on a cluster over Thrift in the compose tests.
BUILT_MARTS = ["fct_orders", "revenue_by_nation_month", "customer_rfm_segments"]


class Served:
    def __init__(self, lakehouse: Lakehouse, env: dict[str, str], metastore: Postgres) -> None:
        self.lakehouse, self.env, self.metastore = lakehouse, env, metastore
        self.thrift_port = int(env["LAKEHOUSE_THRIFT_PORT"])

    def query(self, sql: str) -> list[tuple]:
        return thrift_query(self.thrift_port, sql)

    def mart_counts(self) -> dict[str, int]:
        """Row count of each of BUILT_MARTS a client can see."""
        shown = {row[1] for row in self.query("show tables in analytics_marts")}
        return {
            t: self.query(f"select count(*) from analytics_marts.{t}")[0][0]
            for t in BUILT_MARTS
            if t in shown
        }


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, raw_data: Path) -> Iterator[Served]:
    """A build on a standalone cluster of two workers, one of which is killed (with its executor)
    while the marts are being built: Spark must run the lost tasks on the other."""
    root = tmp_path_factory.mktemp("thrift")
    master_port = free_port()
    with postgres(METASTORE_PASSWORD) as metastore:
        env = server_env(
            root,
            LAKEHOUSE_MASTER_PORT=str(master_port),
            SPARK_MASTER=f"spark://127.0.0.1:{master_port}",
            LAKEHOUSE_METASTORE_URL=metastore.url,
            LAKEHOUSE_METASTORE_PASSWORD=METASTORE_PASSWORD,
            LAKEHOUSE_THRIFT_UI_PORT=str(free_port()),  # its REST API shows the lost executor
        )
        with spark_cluster(env, workers=2), thrift_server(env):
            lh = thrift_lakehouse(root, raw_data, env)
            selection = [f"+{mart}" for mart in BUILT_MARTS]
            build_args = ["build", "--select", *selection, "--indirect-selection", "cautious"]
            with dbt_in_background(lh, *build_args) as build:
                wait_for_output(lh, r"START sql \w+ model analytics_marts\.")
                kill_daemon(env, "spark-worker-1")
                assert build.wait(timeout=900) == 0, (root / "dbt-background.log").read_text()
            yield Served(lh, env, metastore)


def test_build_ran_on_the_cluster_with_a_postgres_catalog(served: Served) -> None:
    master = dict(served.query("set spark.master"))["spark.master"]
    assert master == served.env["SPARK_MASTER"]
    # the worker killed during the build stays dead: the build ran on the one left, and the
    # application lost the killed worker's executor
    assert "['spark-worker-2']" in lakehouse("cluster", "status", env=served.env).stdout
    lost = lost_executors(int(served.env["LAKEHOUSE_THRIFT_UI_PORT"]))
    assert len(lost) == 1 and lost[0].get("removeReason"), lost
    tables = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(served.metastore.port), "-U", "lakehouse", "-At",
         "-c", 'select "TBL_NAME" from "TBLS" order by 1', "metastore"],
        capture_output=True, text=True, check=True, env={**os.environ, "PGPASSWORD": METASTORE_PASSWORD},
    ).stdout.split()  # fmt: skip
    # The marts' views are rows of the metastore database.
    assert set(BUILT_MARTS) <= set(tables)


def test_the_running_server_has_each_tuning_knobs_default(served: Served) -> None:
    """The launcher gave the server the knobs' defaults (spark_tuning.py), and at SF 0.01 the
    quick compiler to its driver and executors, as it reports them."""
    for knob in spark_tuning.KNOBS:
        assert served.query(f"set {knob.spark_property}") == [(knob.spark_property, knob.default)]
    jvm = dict(served.query("set spark.driver.extraJavaOptions"))["spark.driver.extraJavaOptions"]
    assert jvm.endswith(spark_tuning.QUICK_JIT), jvm
    executors = "spark.executor.extraJavaOptions"
    assert served.query(f"set {executors}") == [(executors, spark_tuning.QUICK_JIT)]


def test_the_metastore_password_is_in_no_command_line(served: Served) -> None:
    """The server logged in to PostgreSQL with the password, which no local user can read off
    `ps`: it is in the server's properties file, readable by its owner only."""
    run_dir = Path(served.env["LAKEHOUSE_RUN_DIR"])
    server_pid = int((run_dir / "thrift-server.pid").read_text())
    command_lines = [
        Path(proc, "cmdline").read_bytes()
        for proc in Path("/proc").glob("[0-9]*")
        if _process_group(proc) == server_pid
    ]
    assert [line for line in command_lines if b"HiveThriftServer2" in line]
    assert not [line for line in command_lines if METASTORE_PASSWORD.encode() in line]
    properties = run_dir / "thrift-server.properties"
    assert METASTORE_PASSWORD in properties.read_text()
    assert properties.stat().st_mode & 0o777 == 0o600


def _process_group(proc: Path) -> int | None:
    try:
        return os.getpgid(int(proc.name))
    except ProcessLookupError:
        return None


def test_pyhive_and_beeline_read_the_marts(served: Served) -> None:
    lh = served.lakehouse
    (expected,) = lh.query(f"select count(*) from {lh.raw('orders')}")[0]
    assert served.query("select count(*) from analytics_marts.fct_orders") == [(expected,)]

    beeline = subprocess.run(
        [spark_script("beeline"), "-u", f"jdbc:hive2://127.0.0.1:{served.thrift_port}", "-n", "pytest",
         "--silent=true", "--outputformat=csv2", "--showHeader=false",
         "-e", "select count(*) from analytics_marts.fct_orders"],
        check=False, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert beeline.returncode == 0, beeline.stderr
    # beeline echoes its prompt before the csv2 result row.
    assert beeline.stdout.split()[-1] == str(expected), beeline.stdout


def test_marts_identical_to_the_embedded_build(served: Served, built_lakehouse: Lakehouse) -> None:
    assert fingerprint(served.lakehouse, BUILT_MARTS) == fingerprint(built_lakehouse, BUILT_MARTS)


def test_the_connect_target_builds_the_same_marts_with_no_thrift(
    served: Served, built_lakehouse: Lakehouse
) -> None:
    """`DBT_TARGET=connect`, the Thrift port pointing where nothing listens: the marts dropped,
    every model they read rewritten (`--full-refresh`), SQL and Python, and their tests run over
    Spark Connect alone; the marts equal the embedded build's, read through the catalog."""
    lh = served.lakehouse
    for mart in BUILT_MARTS:
        served.query(f"drop view analytics_marts.{mart}")
    over_thrift = dict(lh.extra_env)
    lh.extra_env.update(DBT_TARGET="connect", LAKEHOUSE_THRIFT_PORT=str(free_port()))
    try:
        selection = [f"+{mart}" for mart in BUILT_MARTS]
        lh.dbt(
            "build", "--select", *selection, "--indirect-selection", "cautious", "--full-refresh"
        )
    finally:
        lh.extra_env = over_thrift
    assert fingerprint(lh, BUILT_MARTS) == fingerprint(built_lakehouse, BUILT_MARTS)


def test_tables_survive_a_server_restart(served: Served) -> None:
    before = served.mart_counts()
    assert set(before) == set(BUILT_MARTS) and all(before.values()), before
    lakehouse("server", "stop", env=served.env)
    lakehouse("server", "start", env=served.env)
    assert served.mart_counts() == before


def test_a_restarted_metastore_database_serves_queries_and_builds(served: Served) -> None:
    """PostgreSQL restarted under the running server (its connections to the catalog cut): the
    next query, and a build that writes tables and switches views, succeed."""
    before = served.mart_counts()
    served.metastore.restart()
    assert served.mart_counts() == before
    served.lakehouse.dbt("run", "--select", "dim_date", "--full-refresh")
    (days,) = served.query("select count(*) from analytics_marts.dim_date")[0]
    assert days > 2000


def test_server_killed_mid_build_loses_nothing_and_dbt_retry_finishes(
    served: Served, built_lakehouse: Lakehouse
) -> None:
    """The marts dropped (a retry that made nothing would show), the server killed once a first
    mart is made: dbt fails naming the server; restarted, every mart a client sees is complete,
    one is left to make, and `dbt retry` makes it: the marts equal the embedded build's."""
    complete = fingerprint(built_lakehouse, BUILT_MARTS)
    for mart in BUILT_MARTS:
        served.query(f"drop view analytics_marts.{mart}")
    lh = served.lakehouse
    lh.extra_env["DBT_CONNECT_RETRIES"] = "0"  # once the server is gone, fail each node at once
    # The marts with what they read (kept), no data tests: they add time, no new kind of write.
    selection = [f"+{mart}" for mart in BUILT_MARTS]
    with dbt_in_background(lh, "build", "--select", *selection, "--exclude", "test_type:data") as b:
        # Made, not kept (a kept mart's line says "unchanged").
        made = "|".join(BUILT_MARTS)
        wait_for_output(lh, rf"OK created \w+ \w+ model analytics_marts\.({made}) \.+ \[[^u]")
        kill_daemon(served.env, "thrift-server")
        assert b.wait(timeout=300) != 0
    output = (lh.root / "dbt-background.log").read_text()
    assert f"127.0.0.1:{served.thrift_port}" in output, output[-4000:]
    assert "lakehouse server start" in output, output[-4000:]

    lakehouse("server", "start", env=served.env)
    visible = served.mart_counts()
    assert visible, "no mart was complete before the server was killed"
    assert set(BUILT_MARTS) - set(visible), "all made before the kill: the retry proves nothing"
    assert visible == {mart: complete[mart][0] for mart in visible}
    lh.dbt("retry")
    assert fingerprint(lh, BUILT_MARTS) == complete


@pytest.mark.parametrize(
    ("target", "port_setting"),
    [("thrift", "LAKEHOUSE_THRIFT_PORT"), ("connect", "LAKEHOUSE_CONNECT_PORT")],
)
def test_server_down_fails_fast_with_what_to_do(
    tmp_path: Path, raw_data: Path, target: str, port_setting: str
) -> None:
    port = free_port()  # nothing listens here
    lh = Lakehouse(
        root=tmp_path,
        data_dir=raw_data,
        extra_env={
            "DBT_TARGET": target,
            port_setting: str(port),
            "DBT_CONNECT_RETRIES": "2",
            "DBT_CONNECT_TIMEOUT": "3",
        },
    )
    started = time.monotonic()
    result = lh.dbt("run", "--select", "stg_tpch__regions", expect_success=False)
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"took {elapsed:.0f} s"
    assert f"127.0.0.1:{port}" in result.stdout
    assert "lakehouse server start" in result.stdout
    assert "Gave up after 3 attempt(s), 3 s apart" in result.stdout


def test_a_catalog_reader_gives_up_on_a_server_that_is_down(tmp_path: Path) -> None:
    """What reads through the catalog over Spark Connect (tpch-check, the tests' reads) retries a
    server that does not answer as dbt does (DBT_CONNECT_RETRIES, DBT_CONNECT_TIMEOUT), then
    fails: not for the Connect client's ten minutes per call."""
    environ = {
        **os.environ,
        "DBT_TARGET": "connect",
        "LAKEHOUSE_CONNECT_URL": f"sc://127.0.0.1:{free_port()}",  # nothing listens here
        "DBT_CONNECT_RETRIES": "2",
        "DBT_CONNECT_TIMEOUT": "3",
    }
    started = time.monotonic()
    with pytest.raises(catalog.CatalogError, match="analytics_marts.fct_orders"):
        catalog.snapshot(["analytics_marts.fct_orders"], tmp_path, environ)
    assert time.monotonic() - started < 90


# A process that has a child which exits at once and is never reaped: a zombie for as long as
# its parent sleeps (as a crashed server is, until init reaps it).
ZOMBIE_PARENT = """
import os, time
child = os.fork()
if child == 0:
    os._exit(0)
print(child, flush=True)
time.sleep(120)
"""


def test_a_crashed_server_not_yet_reaped_counts_as_stopped(tmp_path: Path) -> None:
    """A server killed by a crash stays a zombie until init reaps it; meanwhile `lakehouse server
    start` must start a new one, not report it running (and `status`, `stop` must not count it)."""
    parent = subprocess.Popen(
        [sys.executable, "-c", ZOMBIE_PARENT], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout
        zombie = int(parent.stdout.readline())
        stat = Path(f"/proc/{zombie}/stat")
        deadline = time.monotonic() + 10
        while stat.read_text().rsplit(")", 1)[1].split()[0] != "Z":
            assert time.monotonic() < deadline, stat.read_text()
            time.sleep(0.05)
        (tmp_path / "thrift-server.pid").write_text(str(zombie))
        assert processes.Daemon("thrift-server", tmp_path).pid() is None
        assert not (tmp_path / "thrift-server.pid").exists()  # the stale file is removed
    finally:
        parent.kill()
        parent.wait()


FUNCTION_REGISTRY_PROBE = """
import sys
from pyspark.sql import SparkSession
spark = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
         .config("spark.driver.extraClassPath", sys.argv[1]).getOrCreate())
spark._jvm.java.lang.Class.forName("org.apache.hadoop.hive.ql.exec.FunctionRegistry")
"""


def test_the_server_driver_can_load_hive_function_registry(served: Served) -> None:
    """HiveServer2 may initialise Hive's FunctionRegistry when it closes a session, which fails
    without lakehouse.spark.hive_compat's jar (dbt then reports a built model as an error): a driver with
    the server's class path, as read over Thrift, loads it."""
    setting = "spark.driver.extraClassPath"
    class_path = dict(served.query(f"set {setting}"))[setting]
    probe = subprocess.run(
        [sys.executable, "-c", FUNCTION_REGISTRY_PROBE, class_path],
        check=False, capture_output=True, text=True, timeout=120, env=spark_env(),
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr[-3000:]


# Views built on the server (the staging and intermediate layers of BUILT_MARTS), besides the marts.
BUILT_VIEWS = {
    "stg_tpch__orders": "analytics_staging",
    "stg_tpch__line_items": "analytics_staging",
    "int_nations__enriched": "analytics_intermediate",
}


def test_describe_shows_the_yaml_descriptions_over_thrift_and_connect(served: Served) -> None:
    """`describe table extended` of each mart's view and of views of the layers below over Thrift
    (PyHive), and their schemas read over Spark Connect: the model's YAML description and each
    column's."""
    relations = {
        **{mart: f"analytics_marts.{mart}" for mart in BUILT_MARTS},
        **{view: f"{schema}.{view}" for view, schema in BUILT_VIEWS.items()},
    }
    connect = served.lakehouse.served().read(relations.values())
    for model, relation in relations.items():
        described = served.query(f"describe table extended {relation}")
        yaml_docs.assert_shows_descriptions(model, *yaml_docs.comments_in(described))
        yaml_docs.assert_shows_descriptions(model, *connect.comments(relation))
