"""A class-data archive of the embedded Spark's JVM (HotSpot's Class Data Sharing): the classes a
Spark session with the Hive catalog loads (Spark SQL, Hive, Derby, DataNucleus, Parquet), parsed
and verified once, then mapped into every later JVM instead of loaded from the jars again. Every dbt
command on the embedded target starts such a JVM; the archive makes its start cheaper.

`lakehouse jvm-archive` (run by `make venv`) writes it into the virtual env, beside the jars it
was made from. A JVM uses it when it is there; one that cannot (another Java build, other jars)
checks that and starts as it would without it, silently.

    python -m lakehouse.spark.jvm_archive WAREHOUSE ARCHIVE   (the workload whose classes are archived)
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from dbt.adapters.lakehouse_spark.jvm_options import ARCHIVE, QUIET, java_options
from lakehouse.spark.spark_home import spark_env

# Statements of the kinds a dbt build runs: schemas, partitioned Parquet tables written and
# overwritten, views, joins, windows, catalog reads.
_WORKLOAD = [
    "create schema if not exists warmup",
    "create table warmup.raw (key int, name string, day date) using parquet",
    "insert into warmup.raw values (1, 'a', date'1998-01-01'), (2, 'b', date'1998-02-01')",
    """create table warmup.facts using parquet partitioned by (month) as
    select r.key, upper(trim(r.name)) as name, date_trunc('MONTH', r.day) as month,
        count(*) over (partition by r.name) as n,
        sum(cast(r.key as decimal(15, 2))) over (partition by r.day) as s
    from warmup.raw as r inner join warmup.raw as o on r.key = o.key""",
    """insert overwrite table warmup.facts partition (month)
    select key, name, 1, key, date_trunc('MONTH', day) from warmup.raw""",
    "create or replace view warmup.served as select * from warmup.facts where key is not null",
    "alter view warmup.served set tblproperties ('token' = 'x')",
    "describe table extended warmup.served",
    "show table extended in warmup like '*'",
    "select month, count(*) from warmup.served group by month order by month",
]


class JvmArchiveError(RuntimeError):
    """The archive could not be made; the message holds the workload's error."""


def create(archive: Path = ARCHIVE) -> Path:
    """Run the workload in a JVM that archives its classes when it exits; the archive replaces
    the old one only once complete, so a JVM starting meanwhile never maps half a file."""
    partial = archive.with_name(f"{archive.name}.{os.getpid()}.partial")
    with tempfile.TemporaryDirectory(prefix="jvm-archive-") as scratch:
        result = subprocess.run(
            [sys.executable, "-m", "lakehouse.spark.jvm_archive", scratch, str(partial)],
            env=spark_env(),
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode == 0:
        # A JVM mapping it must start: one that cannot map it whole would crash every dbt run.
        result = subprocess.run(
            [_java(), *java_options(partial).split(), "-version"],
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise JvmArchiveError(f"the archive could not be made:\n{result.stderr[-3000:]}")
    partial.replace(archive)
    return archive


def _java() -> str:
    """The java Spark's launcher runs: JAVA_HOME's, else the one on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    return str(Path(java_home) / "bin" / "java") if java_home else "java"


def _run_workload(warehouse: Path, partial: Path) -> None:
    from pyspark import SparkContext

    from lakehouse.spark.spark_session import embedded_session

    environ = {**os.environ, "LAKEHOUSE_WAREHOUSE_DIR": str(warehouse)}
    dump = f"-XX:ArchiveClassesAtExit={partial} {QUIET}"
    spark = embedded_session("lakehouse-jvm-archive", environ, java_options=dump)
    for statement in _WORKLOAD:
        spark.sql(statement).collect()
    spark.table("warmup.served").toPandas()
    spark.stop()
    # The JVM writes the archive as it exits, which it does once its stdin closes: wait for it.
    jvm = SparkContext._gateway.proc
    jvm.stdin.close()
    jvm.wait(timeout=600)
    if not partial.exists():
        raise JvmArchiveError(f"the JVM exited ({jvm.returncode}) without writing {partial}")


if __name__ == "__main__":
    _run_workload(Path(sys.argv[1]), Path(sys.argv[2]))
