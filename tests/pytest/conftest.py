"""Fixtures for the end-to-end suite: an isolated copy of the raw data and warehouse per scenario,
dbt run as users run it (a subprocess, the embedded Spark target), what it built read through the
catalog as users read it, and DuckDB over the raw Parquet files as an independent oracle."""

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
import readme

from lakehouse import catalog, paths, published_files, tpch_answers, tpch_data
from lakehouse.dbt_env import dbt_environment

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCALE = 0.01
BIN = Path(sys.executable).parent
MARTS = [
    "dim_customer",
    "dim_supplier",
    "dim_part",
    "dim_date",
    "fct_orders",
    "fct_order_items",
    "revenue_by_nation_month",
    "supplier_delivery_performance",
    "customer_lifetime_value",
    "customer_cluster_profiles",
    # Python models
    "customer_rfm_segments",
    "customer_clusters",
    "supplier_reliability_scores",
    "supplier_monthly_deliveries",
]
SEEDS = sorted(path.stem for path in (PROJECT_DIR / "seeds").glob("*.csv"))
# What the value checks read through the catalog: marts, TPC-H queries, quarantine and seeds.
SERVED = [
    *(f"analytics_marts.{mart}" for mart in MARTS),
    *tpch_answers.model_tables("analytics_tpch"),
    *(f"analytics_quarantine.tpch_{table}_rejected" for table in tpch_data.TABLES),
    *(f"analytics_reference.{seed}" for seed in SEEDS),
]


@dataclass
class Lakehouse:
    """One isolated lakehouse: its raw data folder, Spark warehouse and dbt output."""

    root: Path
    data_dir: Path
    scale: float = SCALE
    extra_env: dict[str, str] = field(default_factory=dict)
    _served: catalog.Snapshot | None = field(default=None, init=False, repr=False)
    _snapshots: int = field(default=0, init=False, repr=False)

    @property
    def warehouse_dir(self) -> Path:
        return self.root / "warehouse"

    @property
    def dataset_dir(self) -> Path:
        return tpch_data.dataset_dir(self.data_dir, self.scale)

    def env(self) -> dict[str, str]:
        return {
            **dbt_environment(self.scale, self.data_dir, self.warehouse_dir, self.root),
            **self.extra_env,
        }

    def dbt(self, *args: str, expect_success: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a dbt command from the project folder; fail the test with dbt's output if the
        outcome is not the expected one."""
        self._served = None  # the catalog may serve new versions after this
        result = subprocess.run(
            [str(BIN / "dbt"), *args],
            cwd=PROJECT_DIR,
            env=self.env(),
            check=False,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if (result.returncode == 0) != expect_success:
            pytest.fail(
                f"dbt {' '.join(args)} exited {result.returncode}, expected "
                f"{'success' if expect_success else 'failure'}:\n{result.stdout[-6000:]}"
                f"\n{result.stderr[-3000:]}"
            )
        return result

    def show(self, sql: str, limit: int = 5) -> list[dict]:
        """Rows of a query run by Spark through dbt (`dbt show`), i.e. through the catalog."""
        result = self.dbt(
            "show", "--quiet", "--output", "json", "--limit", str(limit), "--inline", sql
        )
        return json.loads(result.stdout[result.stdout.index("{") :])["show"]

    def schema_dir(self, schema: str) -> Path:
        return paths.schema_dir(self.warehouse_dir, schema)

    def read_catalog(self, tables: list[str] = SERVED) -> catalog.Snapshot:
        """The tables as the catalog of this lakehouse's dbt target serves them now."""
        self._snapshots += 1
        return catalog.snapshot(tables, self.root / "served" / str(self._snapshots), self.env())

    def served(self) -> catalog.Snapshot:
        """Every SERVED table as the catalog serves it since the last dbt command (read once)."""
        if self._served is None:
            self._served = self.read_catalog()
        return self._served

    def table(self, schema: str, table: str) -> str:
        """A DuckDB table expression over a model's rows, as the catalog serves them."""
        return self.served().duckdb_relation(f"{schema}.{table}")

    def published_files(self, schema: str, table: str) -> str:
        """A DuckDB table expression over the Parquet files `lakehouse.published_files` picks."""
        return published_files.duckdb_relation(self.schema_dir(schema), table)

    def mart(self, table: str) -> str:
        return self.table("analytics_marts", table)

    def raw(self, table: str) -> str:
        """A DuckDB table expression over the raw Parquet files of a TPC-H table."""
        return tpch_data.duckdb_table(self.dataset_dir / table)

    def query(self, sql: str) -> list[tuple]:
        return duckdb.sql(sql).fetchall()


# The longest modules first (about 30, 20, 15 and 12 minutes with two workers), so that `make test`'s
# two workers, each taking whole modules in this order, finish near the same time.
LONGEST_FIRST = [
    "test_readme.py",
    "test_compose.py",
    "test_faults.py",
    "test_build_against_duckdb.py",
    "test_bad_input.py",
    "test_thrift_server.py",
    "test_everyday_builds.py",
    "test_daily_feed.py",
    "test_readers_during_rebuilds.py",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: each module's tests keep their order


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """After a run that included the README's tests: how many of its blocks run verbatim, bounded
    or not at all. Printed here, by the reporting process, as workers' output is not shown."""
    reports = (report for reports in terminalreporter.stats.values() for report in reports)
    if any(
        getattr(report, "nodeid", "").startswith("tests/pytest/test_readme.py")
        for report in reports
    ):
        terminalreporter.write_line(readme.coverage(PROJECT_DIR / "README.md"))


@pytest.fixture(scope="session")
def raw_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """TPC-H at SF 0.01, generated once for the whole session by the project's own command."""
    data_dir = tmp_path_factory.mktemp("raw") / "tpch"
    subprocess.run(
        [str(BIN / "lakehouse"), "data", "--scale", str(SCALE), "--data-dir", str(data_dir)],
        check=True,
    )
    return data_dir


@pytest.fixture
def fresh_lakehouse(tmp_path: Path, raw_data: Path) -> Lakehouse:
    """An empty warehouse over a private copy of the raw data, which the test may change."""
    data_dir = tmp_path / "tpch"
    shutil.copytree(raw_data, data_dir)
    return Lakehouse(root=tmp_path, data_dir=data_dir)


@pytest.fixture(scope="session")
def built_lakehouse(tmp_path_factory: pytest.TempPathFactory, raw_data: Path) -> Lakehouse:
    """A lakehouse built from a clean warehouse with `dbt build` (every model and test but the TPC-H
    query models, as selectors.yml selects)."""
    lakehouse = Lakehouse(root=tmp_path_factory.mktemp("built"), data_dir=raw_data)
    lakehouse.dbt("build")
    return lakehouse


def feed(lakehouse: Lakehouse, source: Path, *args: str) -> None:
    """`lakehouse feed <args>`: land days of the raw data in source into the lakehouse's data folder."""
    subprocess.run(
        [str(BIN / "lakehouse"), "feed", *args, "--scale", str(lakehouse.scale)]
        + ["--data-dir", str(source), "--feed-dir", str(lakehouse.data_dir)],
        check=True,
    )


def copy_repository(copy: Path) -> Path:
    """The working tree (tracked and new files, not ignored ones) copied to `copy` as a fresh git
    repository with one commit, as a clone of it would be."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=PROJECT_DIR,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (PROJECT_DIR / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT_DIR / name, copy / name)
    author = ["-c", "user.name=test", "-c", "user.email=test@example.com"]
    for command in (
        ["git", "init", "--quiet"],
        ["git", "add", "--all"],
        ["git", *author, "commit", "--quiet", "--no-verify", "-m", "the working tree"],
    ):
        subprocess.run(command, cwd=copy, check=True)
    return copy


PROJECT_PARTS = ["dbt_project.yml", "models", "python_models", "macros", "seeds", "tests"]


def project_with_changes(destination: Path, changes: dict[str, Callable[[str], str]]) -> Path:
    """A copy of the dbt project with the named model files (e.g. dim_customer.sql) changed."""
    destination.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = PROJECT_DIR / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=shutil.ignore_patterns("pytest"))
        elif source.exists():
            shutil.copy2(source, destination / part)
    for name, change in changes.items():
        (path,) = destination.glob(f"*models/**/{name}")
        path.write_text(change(path.read_text()))
    return destination


def assert_views_serve_new_versions(
    before: catalog.Snapshot, after: catalog.Snapshot, views: list[str]
) -> None:
    """Each view serves the newest version of its model the catalog holds, one written between
    the two reads."""
    for view in views:
        newest, served = max(after.versions(view)), after.served_version(view)
        assert served == newest, f"{view} serves version {served}; the newest is {newest}"
        assert newest not in before.versions(view), f"{view}: no version written in between"


def assert_published_files_hold_what_the_catalog_serves(lh: Lakehouse, marts: list[str]) -> None:
    """`lakehouse.published_files`, for readers of the files, picks the rows the views serve."""
    for mart in marts:
        served, files = lh.mart(mart), lh.published_files("analytics_marts", mart)
        columns = lh.served().column_types(f"analytics_marts.{mart}")
        as_text = ", ".join(f"cast({column} as varchar) as {column}" for column in columns)
        (differences,) = lh.query(f"""
            select count(*) from (
                (select {as_text} from {served} except all select {as_text} from {files})
                union all
                (select {as_text} from {files} except all select {as_text} from {served})
            )
        """)[0]
        assert differences == 0, f"{mart}: {differences} rows differ"


def fingerprint(lakehouse: Lakehouse, tables: list[str]) -> dict[str, tuple]:
    """Row count and an order-independent checksum of every row, per mart table."""
    return {
        table: lakehouse.query(f"select count(*), sum(hash(t)) from {lakehouse.mart(table)} t")[0]
        for table in tables
    }
