"""What the catalog serves: tables and views read through Spark, the way users read them, saved as
Parquet files (Spark -> Arrow -> Parquet) so DuckDB can compare them with its oracles.

On the embedded target Spark starts in a child process over the warehouse's catalog: Derby admits
one process at a time, and the next dbt run needs it. On the Thrift target the rows come from the
server's Spark Connect endpoint, the one dbt's Python models use.

    python -m lakehouse.catalog FOLDER TABLE...    (embedded target, environment as dbt's)
"""

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lakehouse import jvm_archive, profile
from lakehouse.published_files import VERSION_COLUMN

_RELATIONS = "relations.json"
# Version ids in a view's text: version tables (<model>__v<id>) and partition versions.
_VERSION_IDS = re.compile(rf"__v(\d+)\b|{VERSION_COLUMN} = '(\d+)'")


@dataclass(frozen=True)
class Snapshot:
    """Tables as the catalog served them at one moment: rows, column types, and for a view its
    text and the versions of its model."""

    folder: Path

    def parquet(self, table: str) -> Path:
        path = self.folder / f"{table}.parquet"
        if not path.exists():
            raise FileNotFoundError(f"the catalog has no table {table}: build it first")
        return path

    def tables(self) -> list[str]:
        """The tables the catalog served, of those asked for."""
        return sorted(json.loads((self.folder / _RELATIONS).read_text()))

    def duckdb_relation(self, table: str) -> str:
        """A DuckDB table expression over the table's rows."""
        return f"read_parquet('{self.parquet(table)}')"

    def _relation(self, table: str) -> dict:
        relations = json.loads((self.folder / _RELATIONS).read_text())
        if table not in relations:
            raise FileNotFoundError(f"the catalog has no table {table}: build it first")
        return relations[table]

    def column_types(self, table: str) -> dict[str, str]:
        """Each column's Spark SQL type, e.g. {'sla_days': 'int'}."""
        return self._relation(table)["columns"]

    def view_text(self, view: str) -> str:
        """The view's definition, as `show create table` prints it ('' for a table)."""
        return self._relation(view)["view_text"]

    def versions(self, view: str) -> list[int]:
        """Every version of the model behind the view the catalog holds: its version tables and
        the versions of their partitions (materializations in macros/materializations/)."""
        return self._relation(view)["versions"]

    def served_version(self, view: str) -> int:
        """The newest version the view selects."""
        ids = _VERSION_IDS.findall(self.view_text(view))
        return max((int(table or partition) for table, partition in ids), default=-1)


def snapshot(
    tables: Iterable[str], folder: Path, environ: Mapping[str, str] = os.environ
) -> Snapshot:
    """Read every table (`schema.name`; missing ones are left out) through the catalog of the dbt
    target `environ` selects (DBT_TARGET), into Parquet files in folder."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = list(tables)
    if profile.target_name(environ) == "embedded":
        subprocess.run(
            [sys.executable, "-m", "lakehouse.catalog", str(folder), *tables],
            env=dict(environ),
            check=True,
        )
    else:
        with connect_session(profile.connect_url(environ)) as spark:
            _save(spark, tables, folder)
    return Snapshot(folder)


@contextmanager
def connect_session(url: str) -> Iterator:
    """A Spark Connect client session, stopped on exit. Creating one marks the whole process as a
    Connect client (SPARK_CONNECT_MODE_ENABLED), and child processes inherit the mark: an embedded
    dbt or Spark started afterwards would look for a server. The mark is put back as it was."""
    from pyspark.sql import SparkSession

    mark = "SPARK_CONNECT_MODE_ENABLED"
    before = os.environ.get(mark)
    spark = SparkSession.builder.remote(url).create()
    try:
        yield spark
    finally:
        spark.stop()
        if before is None:
            os.environ.pop(mark, None)
        else:
            os.environ[mark] = before


def _save(spark, tables: list[str], folder: Path) -> None:
    import pyarrow.parquet as pq

    relations = {}
    for table in tables:
        if not spark.catalog.tableExists(table):
            continue
        rows = spark.table(table)
        pq.write_table(rows.toArrow(), folder / f"{table}.parquet")
        definition = spark.sql(f"show create table {table}").collect()[0][0]
        is_view = definition.lstrip().lower().startswith("create view")
        relations[table] = {
            "columns": {field.name: field.dataType.simpleString() for field in rows.schema},
            "view_text": definition if is_view else "",
            "versions": _versions(spark, table, definition) if is_view else [],
        }
    (folder / _RELATIONS).write_text(json.dumps(relations, indent=1))


def _versions(spark, view: str, definition: str) -> list[int]:
    schema, name = view.split(".")
    # Only an incremental model's view selects partition versions (and names them).
    partitioned = f"{VERSION_COLUMN} = '" in definition
    found = set()
    for row in spark.sql(f"show tables in {schema} like '{name}__v*'").collect():
        version = re.fullmatch(rf"{re.escape(name)}__v(\d+)", row.tableName)
        if version is None:
            continue
        version_table = f"{schema}.{row.tableName}"
        found.add(int(version.group(1)))
        if partitioned:
            for (partition,) in spark.sql(f"show partitions {version_table}").collect():
                found.add(int(re.search(rf"{VERSION_COLUMN}=(\d+)", partition).group(1)))
    return sorted(found)


def embedded_session(
    app_name: str, environ: Mapping[str, str] = os.environ, java_options: str | None = None
):
    """A Spark session with the embedded target's settings, over its warehouse and catalog; its
    JVM with these Java options besides, by default those mapping the class archive as dbt's
    does (jvm_archive)."""
    from pyspark.sql import SparkSession

    conf = profile.embedded_spark_conf(environ)
    jvm_archive.add_java_options(
        conf, jvm_archive.java_options() if java_options is None else java_options
    )
    builder = SparkSession.builder.appName(app_name).enableHiveSupport()
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def main(argv: list[str]) -> int:
    folder, *tables = argv
    spark = embedded_session("lakehouse-catalog")
    try:
        _save(spark, tables, Path(folder))
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
