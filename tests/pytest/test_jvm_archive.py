"""The embedded target's JVM. The class archive of `make venv` (lakehouse.spark.jvm_archive): started with
the options dbt's gets, it maps Spark's classes from it; a damaged archive is checked and left aside,
and the JVM starts as without it. Its compiler: C1 alone below SF 1, and from SF 1 up in commands
on a warehouse built before that are no full refresh; else the JVM's default."""

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SCALE, Lakehouse

from dbt.adapters.lakehouse_spark import jvm_options
from dbt.adapters.lakehouse_spark.connections import LakehouseSparkCredentials
from lakehouse.dbt_env import dbt_environment

# A class every Spark session loads, and where HotSpot says it loaded it from.
SPARK_CLASS = "org.apache.spark.sql.classic.SparkSession "
FROM_ARCHIVE = "source: shared objects file"


def loaded_from(tmp_path: Path, archive: Path) -> str:
    """Where the embedded target's JVM, started with the archive, loaded SPARK_CLASS from (its
    class-loading log line)."""
    log = tmp_path / "class-load.log"
    options = f"{jvm_options.java_options(archive)} -Xlog:class+load=info:file={log}"
    code = (
        "import os\n"
        "from lakehouse.spark.spark_session import embedded_session\n"
        f"embedded_session('archive-check', os.environ, {options!r}).stop()\n"
    )
    env = dbt_environment(SCALE, tmp_path, tmp_path / "warehouse", tmp_path)
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=600)
    lines = [line for line in log.read_text().splitlines() if SPARK_CLASS in line]
    assert lines, f"{SPARK_CLASS} not loaded:\n{log.read_text()[-2000:]}"
    return lines[0]


@pytest.fixture(scope="module")
def archive() -> Path:
    if not jvm_options.ARCHIVE.exists():
        pytest.fail(f"no class archive at {jvm_options.ARCHIVE}: `make venv` makes it")
    return jvm_options.ARCHIVE


def test_the_embedded_jvm_maps_spark_from_the_archive(tmp_path: Path, archive: Path) -> None:
    assert FROM_ARCHIVE in loaded_from(tmp_path, archive)


def test_a_damaged_archive_is_left_aside(tmp_path: Path, archive: Path) -> None:
    damaged = bytearray(archive.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    (tmp_path / "damaged.jsa").write_bytes(damaged)
    line = loaded_from(tmp_path, tmp_path / "damaged.jsa")
    assert FROM_ARCHIVE not in line, line


def test_dbts_embedded_spark_starts_with_the_archive(archive: Path) -> None:
    parameters = {"spark.driver.extraJavaOptions": "-Dderby.system.home=warehouse"}
    credentials = LakehouseSparkCredentials(
        method="session", host="embedded", schema="analytics", server_side_parameters=parameters
    )
    assert credentials.server_side_parameters["spark.driver.extraJavaOptions"] == (
        f"-Dderby.system.home=warehouse {jvm_options.java_options()}"
    )
    server = LakehouseSparkCredentials(
        method="thrift", host="127.0.0.1", port=10000, schema="analytics"
    )
    assert "spark.driver.extraJavaOptions" not in server.server_side_parameters


# The quick compiler's option: the profile's below SF 1, the adapter's in everyday builds.
QUICK_JIT = "-XX:TieredStopAtLevel=1"


@pytest.mark.parametrize(("scale", "quick"), [(0.01, [True]), (1, [False, True])])
def test_dbts_embedded_jvm_compiles_with_c1_alone_below_sf_1_and_on_a_built_warehouse(
    tmp_path: Path, archive: Path, scale: float, quick: list[bool]
) -> None:
    """The Java options each running session was started with, as dbt rendered the profile and
    the adapter added to it: from SF 1 the first command (no metastore yet) keeps the JVM's
    default, the next one, on the warehouse the first made, runs C1 alone."""
    lakehouse = Lakehouse(root=tmp_path, data_dir=tmp_path / "tpch", scale=scale)
    for expected in quick:
        (row,) = lakehouse.show("select '${spark.driver.extraJavaOptions}' as java_options")
        options = row["java_options"].split()
        assert (QUICK_JIT in options) == expected, options
        assert f"-XX:SharedArchiveFile={archive}" in options, options


def test_only_everyday_builds_of_a_built_warehouse_get_the_quick_compiler(tmp_path: Path) -> None:
    home = f"-Dderby.system.home={tmp_path}"
    conf = {"spark.driver.extraJavaOptions": home}
    everyday = jvm_options.everyday_jit_options
    assert everyday(conf, {}, full_refresh=False) == ""  # a first build: no metastore yet
    (tmp_path / "metastore_db").mkdir()
    assert everyday(conf, {}, full_refresh=False) == jvm_options.QUICK_JIT
    assert everyday(conf, {}, full_refresh=True) == ""  # reads the history again
    assert everyday(conf, {"SPARK_JIT_OPTIONS": ""}, full_refresh=False) == ""  # the user's
    chosen = {"spark.driver.extraJavaOptions": f"{home} {jvm_options.QUICK_JIT}"}
    assert everyday(chosen, {}, full_refresh=False) == ""  # the profile's, below SF 1
