"""Checks the 22 TPC-H query models (the `tpch_qNN` tables, as the catalog serves them) two ways:

- against the official answer sets of scale factors 0.01, 0.1 and 1, which come with DuckDB's tpch
  extension (the PyPI package duckdb-extension-tpch installs it into site-packages);
- against DuckDB running the official query text over the same raw Parquet files.

tpchgen-cli generates the same keys, numbers, dates and names as the reference dbgen, but other
random text for addresses and comments. So the answer-set check leaves out the address and comment
columns, and Q13, whose filter reads order comments; the DuckDB check covers them, on the same data.
"""

import math
import time
from collections.abc import Callable, Container
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from lakehouse.data import tpch_data

if TYPE_CHECKING:
    import duckdb

    from lakehouse.spark.catalog import Snapshot

QUERIES = range(1, 23)
ANSWER_SCALES = (0.01, 0.1, 1.0)
# Answers are printed with 2 to 4 decimals (averages and shares as floating point): numbers match
# when within one cent or one part in a million.
ABS_TOLERANCE = 0.01
REL_TOLERANCE = 1e-6
# Output columns (0-based) holding dbgen's random text, and queries filtering on it.
RANDOM_TEXT_COLUMNS = {2: {5, 7}, 10: {5, 7}, 15: {2}, 20: {1}}
RANDOM_TEXT_QUERIES = {13}

Value = object
Row = tuple[Value, ...]


@dataclass(frozen=True)
class Mismatch:
    query: int
    oracle: str
    problem: str

    def __str__(self) -> str:
        return f"Q{self.query} vs {self.oracle}: {self.problem}"


def _duckdb_with_tpch() -> "duckdb.DuckDBPyConnection":
    import duckdb
    import duckdb_extension_tpch

    extensions = Path(duckdb_extension_tpch.__file__).parent / "extensions"
    (extension,) = extensions.glob(f"v{duckdb.__version__}/tpch.duckdb_extension")
    connection = duckdb.connect()
    connection.execute(f"load '{extension}'")
    return connection


def official_answers(scale: float) -> dict[int, list[Row]]:
    """Each query's official answer at this scale: rows of printed fields, '' for NULL."""
    if scale not in ANSWER_SCALES:
        raise ValueError(f"official TPC-H answers exist for scale factors {ANSWER_SCALES}")
    answers = _duckdb_with_tpch().execute(
        "select query_nr, answer from tpch_answers() where scale_factor = ?", [scale]
    )
    # A header line, then one line per row; every line ends with a newline.
    return {
        query: [tuple(line.split("|")) for line in answer.split("\n")[1:-1]]
        for query, answer in answers.fetchall()
    }


def duckdb_results(dataset: Path) -> dict[int, list[Row]]:
    """Each query's result from DuckDB running the official query over the raw Parquet files."""
    connection = duckdb_over(dataset)
    return {number: connection.execute(query).fetchall() for number, query in official_queries()}


def duckdb_over(dataset: Path) -> "duckdb.DuckDBPyConnection":
    """A DuckDB connection with a view per TPC-H table over the raw Parquet files."""
    connection = _duckdb_with_tpch()
    for table in tpch_data.TABLES:
        connection.execute(
            f"create view {table} as select * from {tpch_data.duckdb_table(dataset / table)}"
        )
    return connection


def time_official_queries(run: Callable[[str], object]) -> dict[str, dict[str, float]]:
    """Seconds each official query takes `run` (an engine running it to the last row): the first
    (cold) and the second (warm) time, keyed by query number as text, as JSON keeps them."""
    timings = {}
    for number, query in official_queries():
        runs = []
        for _ in range(2):
            started = time.perf_counter()
            run(query)
            runs.append(time.perf_counter() - started)
        timings[str(number)] = {"cold": runs[0], "warm": runs[1]}
    return timings


def official_queries() -> list[tuple[int, str]]:
    """The 22 TPC-H queries as the DuckDB extension carries them (Spark SQL runs them unchanged)."""
    return _duckdb_with_tpch().execute("select query_nr, query from tpch_queries()").fetchall()


def model_rows(served: "Snapshot", table: str) -> list[Row]:
    """The rows of a query model (`schema.tpch_qNN`), as the catalog served them."""
    import duckdb

    return duckdb.sql(f"select * from {served.duckdb_relation(table)}").fetchall()


def model_tables(schema: str) -> list[str]:
    return [f"{schema}.tpch_q{query:02d}" for query in QUERIES]


def _text(value: Value) -> str:
    if value is None:
        return ""  # how the answer sets print NULL
    return value.isoformat() if isinstance(value, date) else str(value).strip()


def _matches(actual: Value, expected: Value) -> bool:
    if actual is None or expected is None or expected == "":
        return actual is None and expected in (None, "")
    if isinstance(actual, (int, float, Decimal)) and not isinstance(actual, bool):
        return math.isclose(
            float(actual), float(expected), rel_tol=REL_TOLERANCE, abs_tol=ABS_TOLERANCE
        )
    return _text(actual) == _text(expected)  # staging trims text columns


def _sort_key(row: Row) -> tuple[str, ...]:
    """Order-independent comparison: numbers rounded to one decimal, text trimmed."""
    key = []
    for value in row:
        try:
            key.append(f"{float(value):.1f}")  # type: ignore[arg-type]
        except (TypeError, ValueError):
            key.append(_text(value))
    return tuple(key)


def compare(
    query: int, oracle: str, actual: list[Row], expected: list[Row], skip: Container[int] = ()
) -> list[Mismatch]:
    """Differences between a model's rows and an oracle's, as multisets of rows; columns in skip
    are not compared (nor used to pair rows)."""
    if len(actual) != len(expected):
        return [Mismatch(query, oracle, f"{len(actual)} rows, expected {len(expected)}")]

    def kept(row: Row) -> Row:
        return tuple(value for index, value in enumerate(row) if index not in skip)

    problems = []
    pairs = zip(
        sorted(map(kept, actual), key=_sort_key),
        sorted(map(kept, expected), key=_sort_key),
        strict=True,
    )
    for got, want in pairs:
        if len(got) != len(want) or not all(map(_matches, got, want)):
            problems.append(Mismatch(query, oracle, f"row {got} differs from {want}"))
    return problems


def check(served: "Snapshot", schema: str, dataset: Path, scale: float) -> list[Mismatch]:
    """Every difference between the served tpch_qNN tables of schema and both oracles."""
    answers = official_answers(scale) if scale in ANSWER_SCALES else {}
    duckdb = duckdb_results(dataset)
    problems = []
    for query, table in zip(QUERIES, model_tables(schema), strict=True):
        try:
            rows = model_rows(served, table)
        except FileNotFoundError as missing:
            problems.append(Mismatch(query, "-", f"{missing} (dbt build --select tag:tpch)"))
            continue
        problems += compare(query, "DuckDB on the same files", rows, duckdb[query])
        if answers and query not in RANDOM_TEXT_QUERIES:
            skip = RANDOM_TEXT_COLUMNS.get(query, ())
            problems += compare(query, "official answer", rows, answers[query], skip)
    return problems
