"""What the catalog serves: tables and views read through Spark, the way users read them, saved as
Parquet files (Spark -> Arrow -> Parquet) so DuckDB can compare them with its oracles.

A `Reader` is one Spark session in a child process, over the catalog of the dbt target its
environment selects (DBT_TARGET): the embedded warehouse (Derby admits one process at a time, so
close the reader before the next dbt command) or the Thrift server's Spark Connect endpoint, the one
dbt's Python models use. It reads the tables it is asked for, when asked: a `Snapshot` with a
reader reads each table the first time something asks for it, so a check of one mart reads one.

    python -m lakehouse.catalog    (requests on stdin, one JSON line each: {"folder", "tables"})
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
from typing import Protocol, Self

from lakehouse import jvm_archive, profile
from lakehouse.published_files import VERSION_COLUMN

# Version ids in a view's text: version tables (<model>__v<id>) and partition versions.
_VERSION_IDS = re.compile(rf"__v(\d+)\b|{VERSION_COLUMN} = '(\d+)'")
_SAVED = "saved"


class CatalogError(RuntimeError):
    """The reader could not read what it was asked; the message holds the end of its log."""


class TableSource(Protocol):
    def save(self, tables: list[str], folder: Path) -> None:
        """Read the tables through the catalog into folder (see Snapshot)."""


@dataclass(frozen=True)
class Snapshot:
    """Tables as the catalog served them: rows, column types, and for a view its text and the
    versions of its model. Each table is read once, into folder, by `source` when first asked for
    (or by `read`, several in one request); without a source, only what folder holds is known."""

    folder: Path
    source: TableSource | None = None

    def read(self, tables: Iterable[str]) -> "Snapshot":
        """Read the tables not read yet, in one request."""
        missing = [table for table in tables if not self._relation_file(table).exists()]
        if missing:
            if self.source is None:
                raise CatalogError(
                    f"{missing} not read into {self.folder}, and no reader to read them"
                )
            self.source.save(missing, self.folder)
        return self

    def _relation_file(self, table: str) -> Path:
        return self.folder / f"{table}.json"

    def _relation(self, table: str) -> dict:
        relation = json.loads(self.read([table])._relation_file(table).read_text())
        if relation is None:
            raise FileNotFoundError(f"the catalog has no table {table}: build it first")
        return relation

    def parquet(self, table: str) -> Path:
        self._relation(table)
        return self.folder / f"{table}.parquet"

    def tables(self) -> list[str]:
        """The tables the catalog served, of those read."""
        return sorted(
            path.name.removesuffix(".json")
            for path in self.folder.glob("*.json")
            if json.loads(path.read_text()) is not None
        )

    def duckdb_relation(self, table: str) -> str:
        """A DuckDB table expression over the table's rows."""
        return f"read_parquet('{self.parquet(table)}')"

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


class Reader:
    """One Spark session in a child process, reading through the catalog of the dbt target
    `environ` selects, started at the first request; its log goes to `log`."""

    def __init__(self, environ: Mapping[str, str], log: Path) -> None:
        self.environ, self.log = dict(environ), log
        self._process: subprocess.Popen[str] | None = None

    def save(self, tables: list[str], folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self._process is None:
            self.log.parent.mkdir(parents=True, exist_ok=True)
            with self.log.open("a") as log:
                self._process = subprocess.Popen(
                    [sys.executable, "-m", "lakehouse.catalog"],
                    env=self.environ, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=log, text=True,
                )  # fmt: skip
        process = self._process
        assert process.stdin and process.stdout
        try:
            process.stdin.write(json.dumps({"folder": str(folder), "tables": tables}) + "\n")
            process.stdin.flush()
            answer = process.stdout.readline().strip()
        except BrokenPipeError:
            answer = ""
        if answer != _SAVED:
            self.close()
            tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])
            raise CatalogError(f"reading {tables} through the catalog failed ({self.log}):\n{tail}")

    def close(self) -> None:
        """Stop the session (on the embedded target, this frees the catalog for dbt)."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin:
            process.stdin.close()
        try:
            # A Connect session whose server is gone may not stop: it only read, so kill it.
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def snapshot(
    tables: Iterable[str], folder: Path, environ: Mapping[str, str] = os.environ
) -> Snapshot:
    """Read every table (`schema.name`; missing ones are recorded as missing) through the catalog
    of the dbt target `environ` selects, into Parquet files in folder."""
    with Reader(environ, folder / "reader.log") as reader:
        return Snapshot(folder, reader).read(tables)


@contextmanager
def _session(environ: Mapping[str, str]) -> Iterator:
    """The Spark session of the dbt target environ selects."""
    if profile.target_name(environ) == "embedded":
        spark = embedded_session("lakehouse-catalog", environ)
        try:
            yield spark
        finally:
            spark.stop()
    else:
        with connect_session(profile.connect_url(environ)) as spark:
            yield spark


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

    for table in tables:
        relation = None
        if spark.catalog.tableExists(table):
            rows = spark.table(table)
            pq.write_table(rows.toArrow(), folder / f"{table}.parquet")
            definition = spark.sql(f"show create table {table}").collect()[0][0]
            is_view = definition.lstrip().lower().startswith("create view")
            relation = {
                "columns": {field.name: field.dataType.simpleString() for field in rows.schema},
                "view_text": definition if is_view else "",
                "versions": _versions(spark, table, definition) if is_view else [],
            }
        (folder / f"{table}.json").write_text(json.dumps(relation, indent=1))


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


def main() -> int:
    """Serve read requests from stdin until it closes: one JSON line each, `saved` when done."""
    # Answers go to the original stdout; everything else (the JVM's too) to stderr, the log.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    with _session(os.environ) as spark:
        for line in sys.stdin:
            request = json.loads(line)
            _save(spark, request["tables"], Path(request["folder"]))
            print(_SAVED, file=answers, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
