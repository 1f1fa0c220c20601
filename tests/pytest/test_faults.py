"""Faults during a build: a model that fails at run time leaves the last good table in place with
its rows (a table, and an incremental fact rebuilt in full); a Thrift server killed mid-build leaves
no table half-written, and `dbt retry` finishes the build after a restart. (A worker lost during a
build: test_thrift_server.py.)"""

import shutil
from pathlib import Path

from conftest import MARTS, PROJECT_DIR, Lakehouse, fingerprint
from pyhive import hive
from services import (
    dbt_in_background,
    kill_daemon,
    server_env,
    thrift_lakehouse,
    thrift_server,
    wait_for_output,
)

PROJECT_PARTS = ["dbt_project.yml", "models", "python_models", "macros", "seeds", "tests"]
# Fails inside the Spark job, after rows have been read: a run-time error, not a compile error.
INJECTED_FAILURE = "select * from final where raise_error('injected failure') is null\n"


def project_with_failing_models(destination: Path, models: list[str]) -> Path:
    """A copy of the dbt project whose given SQL models fail at run time."""
    destination.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = PROJECT_DIR / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=shutil.ignore_patterns("pytest"))
        elif source.exists():
            shutil.copy2(source, destination / part)
    for model in models:
        path = next((destination / "models").rglob(f"{model}.sql"))
        code = path.read_text()
        assert code.rstrip().endswith("select * from final"), path
        path.write_text(code.rstrip().removesuffix("select * from final") + INJECTED_FAILURE)
    return destination


def catalog_counts(lakehouse: Lakehouse, tables: list[str]) -> dict[str, int]:
    """Row counts read through Spark's catalog (the tables readers see), in one dbt invocation."""
    counts = ", ".join(f"(select count(*) from analytics_marts.{t}) as {t}" for t in tables)
    return lakehouse.show(f"select {counts}")[0]


def test_a_failing_rebuild_keeps_the_last_good_table(fresh_lakehouse: Lakehouse) -> None:
    marts = ["dim_customer", "fct_orders"]
    fresh_lakehouse.dbt(
        "build", "--select", *(f"+{mart}" for mart in marts),
        "--resource-type", "seed", "--resource-type", "model",
    )  # fmt: skip
    before = fingerprint(fresh_lakehouse, marts)
    (orders,) = fresh_lakehouse.query(f"select count(*) from {fresh_lakehouse.raw('orders')}")[0]
    assert before["fct_orders"][0] == orders

    failing = project_with_failing_models(fresh_lakehouse.root / "project", marts)
    result = fresh_lakehouse.dbt(
        "run", "--project-dir", str(failing), "--select", *marts, "--full-refresh",
        expect_success=False,
    )  # fmt: skip
    assert result.stdout.count("injected failure") >= len(marts), result.stdout[-3000:]

    assert fingerprint(fresh_lakehouse, marts) == before
    assert catalog_counts(fresh_lakehouse, marts) == {t: before[t][0] for t in marts}


def visible_mart_counts(port: int) -> dict[str, int]:
    """Row count of every mart a client of the server can see."""
    connection = hive.connect(host="127.0.0.1", port=port, username="pytest")
    try:
        cursor = connection.cursor()
        cursor.execute("show tables in analytics_marts")
        tables = [row[1] for row in cursor.fetchall()]
        counts = {}
        for table in set(tables) & set(MARTS):
            cursor.execute(f"select count(*) from analytics_marts.{table}")
            counts[table] = cursor.fetchall()[0][0]
        return counts
    finally:
        connection.close()


# A dimension, an incremental fact, a SQL table mart and a Python mart (over Spark Connect).
KILLED_BUILD_MARTS = [
    "dim_customer",
    "fct_orders",
    "revenue_by_nation_month",
    "customer_rfm_segments",
]


def test_server_killed_mid_build_loses_nothing_and_dbt_retry_finishes(
    tmp_path: Path, raw_data: Path, built_lakehouse: Lakehouse
) -> None:
    env = server_env(tmp_path, SPARK_MASTER="local[2]")
    port = int(env["LAKEHOUSE_THRIFT_PORT"])
    complete = fingerprint(built_lakehouse, KILLED_BUILD_MARTS)
    lh = thrift_lakehouse(tmp_path, raw_data, env)
    lh.extra_env["DBT_CONNECT_RETRIES"] = "0"  # once the server is gone, fail each node at once
    with thrift_server(env):
        # Marts of each kind with what they read, seeds and unit tests; the rest, which adds
        # time but no new kind of write, runs in the embedded build and on the compose cluster.
        selection = [f"+{mart}" for mart in KILLED_BUILD_MARTS]
        build_args = ["build", "--select", *selection, "--exclude", "test_type:data"]
        with dbt_in_background(lh, *build_args) as build:
            # once a first mart is complete, while others are being written
            wait_for_output(lh, r"OK created \w+ \w+ model analytics_marts\.")
            kill_daemon(env, "thrift-server")
            assert build.wait(timeout=300) != 0
        output = (tmp_path / "dbt-background.log").read_text()
        assert f"127.0.0.1:{port}" in output and "lakehouse server start" in output, output[-4000:]

    with thrift_server(env):
        visible = visible_mart_counts(port)
        assert visible, "no mart was complete before the server was killed"
        assert visible == {table: complete[table][0] for table in visible}

        lh.dbt("retry")
        assert fingerprint(lh, KILLED_BUILD_MARTS) == complete
