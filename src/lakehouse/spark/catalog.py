"""What the catalog serves: tables and views read through Spark, the way users read them, saved as
Parquet files (Spark -> Arrow -> Parquet) so DuckDB can compare them with its oracles.

A `Reader` is one Spark session in a child process, over the catalog of the dbt target its
environment selects (DBT_TARGET): the embedded warehouse (Derby admits one process at a time, so
close the reader before the next dbt command) or the Thrift server's Spark Connect endpoint, the one
dbt's Python models use. It reads the tables it is asked for, when asked: a `Snapshot` with a
reader reads each table the first time something asks for it, so a check of one mart reads one.

    python -m lakehouse.spark.catalog    (requests on stdin, one JSON line each: {"folder", "tables"})
"""

import json
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Self

from dbt.adapters.lakehouse_spark import generations
from lakehouse import profile
from lakehouse.spark.spark_session import connect_session, embedded_session

_SAVED = "saved"


class CatalogError(RuntimeError):
    """The reader could not read what it was asked; the message holds the end of its log."""


class TableSource(Protocol):
    def save(self, tables: list[str], folder: Path) -> None:
        """Read the tables through the catalog into folder (see Snapshot)."""


@dataclass(frozen=True)
class Snapshot:
    """Tables as the catalog served them: rows, column types and comments, and for a view its text
    and the generations of its model. Each table is read once, into folder, by `source` when first
    asked for (or by `read`, several in one request); without a source, only what folder holds is
    known."""

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

    def comments(self, table: str) -> tuple[str | None, dict[str, str | None]]:
        """The comment of the table and of each of its columns (None where there is none)."""
        relation = self._relation(table)
        return relation["comment"], relation["column_comments"]

    def view_text(self, view: str) -> str:
        """The view's definition, as `show create table` prints it ('' for a table)."""
        return self._relation(view)["view_text"]

    def generations(self, view: str) -> list[int]:
        """Every generation of the model behind the view the catalog holds: its generation tables
        and the generations of their partitions (dbt.adapters.lakehouse_spark.generations)."""
        return self._relation(view)["generations"]

    def served_generation(self, view: str) -> int:
        """The newest generation the view selects."""
        return max(generations.generation_ids(self.view_text(view)), default=-1)


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
                    [sys.executable, "-m", "lakehouse.spark.catalog"],
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


def view_texts(views: Iterable[str], environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Each view's definition (`show create table`), read through the catalog of the dbt target
    `environ` selects, in this process: what a reader of the files needs (published_files)."""
    with _session(environ) as spark:
        return {view: spark.sql(f"show create table {view}").collect()[0][0] for view in views}


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
        with connect_session(profile.connect_url(environ), environ) as spark:
            yield spark


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
                "comment": spark.catalog.getTable(table).description,
                "column_comments": {
                    field.name: field.metadata.get("comment") for field in rows.schema
                },
                "view_text": definition if is_view else "",
                "generations": _generations(spark, table, definition) if is_view else [],
            }
        (folder / f"{table}.json").write_text(json.dumps(relation, indent=1))


def _generations(spark, view: str, definition: str) -> list[int]:
    schema, name = view.split(".")
    served = generations.served(name, definition)
    found = set()
    pattern = generations.table_pattern(name)
    for row in spark.sql(f"show tables in {schema} like '{pattern}'").collect():
        generation = generations.generation_of_table(name, row.tableName)
        if generation is None:
            continue
        found.add(int(generation))
        if served is not None and served.partitioned:
            for (partition,) in spark.sql(f"show partitions {schema}.{row.tableName}").collect():
                found.add(int(partition.rsplit(f"{generations.COLUMN}=", 1)[1]))
    return sorted(found)


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
