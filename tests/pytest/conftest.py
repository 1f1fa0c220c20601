"""Fixtures for the end-to-end suite: an isolated copy of the raw data and warehouse per scenario,
dbt run as users run it (a subprocess, the embedded Spark target), what it built read through the
catalog as users read it, and DuckDB over the raw Parquet files as an independent oracle."""

import json
import shutil
import subprocess
import sys
import weakref
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import duckdb
import pytest
import readme
from filelock import FileLock
from shared import WORKER, lock, once, run_root

from lakehouse import paths
from lakehouse.checks import tpch_answers
from lakehouse.data import published_files, tpch_data
from lakehouse.dbt_env import dbt_environment
from lakehouse.spark import catalog

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


@dataclass(eq=False)  # compared and hashed by identity (Lakehouse.instances)
class Lakehouse:
    """One isolated lakehouse: its raw data folder, Spark warehouse and dbt output. One that the
    workers of the run share has a lock, held around each use of its catalog (Derby admits one
    process at a time), and an output folder per worker."""

    root: Path
    data_dir: Path
    scale: float = SCALE
    extra_env: dict[str, str] = field(default_factory=dict)
    output_dir: Path | None = None  # target/ and logs/: root unless given
    lock: FileLock | None = None
    _served: catalog.Snapshot | None = field(default=None, init=False, repr=False)
    _moment: int = field(default=0, init=False, repr=False)  # dbt commands run so far
    _reader: catalog.Reader | None = field(default=None, init=False, repr=False)
    instances: ClassVar[weakref.WeakSet["Lakehouse"]] = weakref.WeakSet()
    # The run's partial-parse file (set by a session fixture), which a new lakehouse starts from.
    parsed: ClassVar[Path | None] = None

    def __post_init__(self) -> None:
        Lakehouse.instances.add(self)

    @property
    def warehouse_dir(self) -> Path:
        return self.root / "warehouse"

    @property
    def target_dir(self) -> Path:
        return (self.output_dir or self.root) / "target"

    @property
    def dataset_dir(self) -> Path:
        return tpch_data.dataset_dir(self.data_dir, self.scale)

    def env(self) -> dict[str, str]:
        return {
            **dbt_environment(
                self.scale, self.data_dir, self.warehouse_dir, self.output_dir or self.root
            ),
            **self.extra_env,
        }

    def exclusive(self) -> AbstractContextManager:
        """Held while this worker alone may use the lakehouse (a shared one's lock)."""
        return self.lock or nullcontext()

    def dbt(self, *args: str, expect_success: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a dbt command from the project folder; fail the test with dbt's output if the
        outcome is not the expected one."""
        with self.exclusive():
            self.starting_dbt()
            self._start_from_the_runs_parse()
            result = subprocess.run(
                [str(BIN / "dbt"), *args],
                cwd=PROJECT_DIR,
                env=self.env(),
                check=False,
                capture_output=True,
                text=True,
                timeout=900,
            )
            self._give_the_run_its_parse()
        if (result.returncode == 0) != expect_success:
            pytest.fail(
                f"dbt {' '.join(args)} exited {result.returncode}, expected "
                f"{'success' if expect_success else 'failure'}:\n{result.stdout[-6000:]}"
                f"\n{result.stderr[-3000:]}"
            )
        return result

    def _start_from_the_runs_parse(self) -> None:
        """dbt parses the project from nothing (about 7 s under load) where the target folder has
        no partial-parse file, as in every new lakehouse: it starts from the run's instead (dbt
        checks that it is of the same project and settings, or parses in full)."""
        own = self.target_dir / "partial_parse.msgpack"
        if Lakehouse.parsed and Lakehouse.parsed.exists() and not own.exists():
            own.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Lakehouse.parsed, own)

    def _give_the_run_its_parse(self) -> None:
        """The first command of the run to leave a partial-parse file gives it to the others."""
        own = self.target_dir / "partial_parse.msgpack"
        if Lakehouse.parsed and not Lakehouse.parsed.exists() and own.exists():
            staged = Lakehouse.parsed.with_suffix(f".{WORKER}")
            shutil.copyfile(own, staged)
            staged.replace(Lakehouse.parsed)  # whole, for the other worker

    def starting_dbt(self) -> None:
        """A dbt command is about to run: what was read of the catalog is of the moment before."""
        self.close_reader()  # the embedded catalog admits one process: dbt's
        self._served, self._moment = None, self._moment + 1

    def show(self, sql: str, limit: int = 5) -> list[dict]:
        """Rows of a query run by Spark through dbt (`dbt show`), i.e. through the catalog."""
        result = self.dbt(
            "show", "--quiet", "--output", "json", "--limit", str(limit), "--inline", sql
        )
        return json.loads(result.stdout[result.stdout.index("{") :])["show"]

    def schema_dir(self, schema: str) -> Path:
        return paths.schema_dir(self.warehouse_dir, schema)

    def served(self) -> catalog.Snapshot:
        """What the catalog serves since the last dbt command: each table read when first asked
        for (`.read([...])` reads several at once), by one reader process kept until then."""
        if self._served is None:
            folder = (self.output_dir or self.root) / "served" / f"{WORKER}-{self._moment}"
            self._served = catalog.Snapshot(folder, _ReadsOfOneMoment(self, self._moment))
        return self._served

    def close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
            if self.lock:
                self.lock.release()

    def table(self, schema: str, table: str) -> str:
        """A DuckDB table expression over a model's rows, as the catalog serves them."""
        return self.served().duckdb_relation(f"{schema}.{table}")

    def published_files(self, schema: str, table: str) -> str:
        """A DuckDB table expression over the Parquet files `lakehouse.data.published_files` finds
        from the view's text."""
        view_text = self.served().view_text(f"{schema}.{table}")
        return published_files.served_rows(self.schema_dir(schema), table, view_text)

    def mart(self, table: str) -> str:
        return self.table("analytics_marts", table)

    def raw(self, table: str) -> str:
        """A DuckDB table expression over the raw Parquet files of a TPC-H table."""
        return tpch_data.duckdb_table(self.dataset_dir / table)

    def query(self, sql: str) -> list[tuple]:
        return duckdb.sql(sql).fetchall()


@dataclass(frozen=True)
class _ReadsOfOneMoment:
    """Reads the tables of a lakehouse's snapshot through its catalog, as long as no dbt command
    has run since the snapshot was taken (after one, they would be another moment's)."""

    lakehouse: Lakehouse
    moment: int

    def save(self, tables: list[str], folder: Path) -> None:
        lh = self.lakehouse
        if lh._moment != self.moment:
            raise catalog.CatalogError(
                f"{tables}: a dbt command ran since this snapshot; read them before it"
            )
        if lh._reader is None:
            if lh.lock:  # a shared lakehouse's catalog is this worker's while its reader runs
                lh.lock.acquire()
            lh._reader = catalog.Reader(lh.env(), folder.parent / "reader.log")
        lh._reader.save(tables, folder)


# The longest modules first (the README's blocks and the compose cluster about half an hour each
# with two workers, then 5 to 15 minutes each), so that `make test`'s two workers, each taking whole
# modules in this order, finish near the same time; the short ones last.
LONGEST_FIRST = [
    "test_readme.py",
    "test_compose.py",
    "test_thrift_server.py",
    "test_daily_feed.py",
    "test_readers_during_rebuilds.py",
    "test_incremental_strategies.py",
    "test_everyday_builds.py",
    "test_bad_input.py",
    "test_snapshots.py",
    "test_faults.py",
    "test_build_against_duckdb.py",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: each module's tests keep their order


@pytest.hookimpl(trylast=True)  # after the slowest tests (--durations)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Where the time went, per module and per worker; and after a run that included the README's
    tests, how many of its blocks run verbatim, bounded or not at all. Printed here, by the
    reporting process, as workers' output is not shown."""
    reports = [
        report
        for reports in terminalreporter.stats.values()
        for report in reports
        if isinstance(report, pytest.TestReport)
    ]
    terminalreporter.write_sep("=", "time per module (setup, call and teardown of its tests)")
    for line in module_times(reports):
        terminalreporter.write_line(line)
    if any(report.nodeid.startswith("tests/pytest/test_readme.py") for report in reports):
        terminalreporter.write_line(readme.coverage(PROJECT_DIR / "README.md"))


def module_times(reports: list[pytest.TestReport]) -> list[str]:
    """A line per module, longest first: seconds and the worker that ran it; then each worker's
    total."""
    modules: dict[str, float] = {}
    workers: dict[str, str] = {}
    for report in reports:
        module = report.nodeid.split("::")[0].removeprefix("tests/pytest/")
        modules[module] = modules.get(module, 0.0) + report.duration
        node = getattr(report, "node", None)  # pytest-xdist's worker
        workers[module] = node.gateway.id if node is not None else WORKER
    per_worker: dict[str, float] = {}
    for module, seconds in modules.items():
        per_worker[workers[module]] = per_worker.get(workers[module], 0.0) + seconds
    lines = [
        f"{seconds:8.1f} s  {workers[module]:>4}  {module}"
        for module, seconds in sorted(modules.items(), key=lambda item: -item[1])
    ]
    lines += [
        f"{seconds:8.1f} s  {worker:>4}  (all its modules)"
        for worker, seconds in sorted(per_worker.items())
    ]
    return lines


@pytest.fixture(scope="session")
def raw_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """TPC-H at SF 0.01, generated once for the whole run by the project's own command; tests that
    change raw files change a copy."""

    def generate(folder: Path) -> None:
        subprocess.run(
            [str(BIN / "lakehouse"), "data", "--scale", str(SCALE), "--data-dir", str(folder)],
            check=True,
        )

    return once(run_root(tmp_path_factory), "raw-tpch", generate)


@pytest.fixture
def fresh_lakehouse(tmp_path: Path, raw_data: Path) -> Lakehouse:
    """An empty warehouse over a private copy of the raw data, which the test may change."""
    data_dir = tmp_path / "tpch"
    shutil.copytree(raw_data, data_dir)
    return Lakehouse(root=tmp_path, data_dir=data_dir)


@pytest.fixture(scope="session")
def built_lakehouse(tmp_path_factory: pytest.TempPathFactory, raw_data: Path) -> Lakehouse:
    """A lakehouse built from a clean warehouse with `dbt build` (every model and test but the TPC-H
    query models, as selectors.yml selects), once for the whole run, with what its catalog then
    served (SERVED) read once. Shared by the workers: each use of its catalog takes its lock. Tests
    may add to it (the query models) or build it again as long as it serves the same rows."""
    root = run_root(tmp_path_factory)
    shared_lock = lock(root, "built-lakehouse-catalog")

    def build(folder: Path) -> None:
        builder = Lakehouse(folder, raw_data, output_dir=folder / "output" / WORKER)
        builder.dbt("build")
        catalog.snapshot(SERVED, folder / "served-after-build", builder.env())

    folder = once(root, "built-lakehouse", build)
    lakehouse = Lakehouse(folder, raw_data, output_dir=folder / "output" / WORKER, lock=shared_lock)
    lakehouse._served = catalog.Snapshot(
        folder / "served-after-build", _ReadsOfOneMoment(lakehouse, moment=0)
    )
    return lakehouse


@pytest.fixture(scope="session", autouse=True)
def _run_partial_parse(tmp_path_factory: pytest.TempPathFactory) -> None:
    Lakehouse.parsed = run_root(tmp_path_factory) / "partial_parse.msgpack"


@pytest.fixture(autouse=True)
def _close_catalog_readers() -> Iterator[None]:
    """Each test's catalog readers stop when it ends (a later test starts its own), which frees
    the shared lakehouse for the other workers."""
    yield
    for lakehouse in Lakehouse.instances:
        lakehouse.close_reader()


def feed(lakehouse: Lakehouse, source: Path, *args: str) -> str:
    """`lakehouse feed <args>`: land days of the raw data in source into the lakehouse's data
    folder (or print the feed's event times); what it printed."""
    result = subprocess.run(
        [str(BIN / "lakehouse"), "feed", *args, "--scale", str(lakehouse.scale)]
        + ["--data-dir", str(source), "--feed-dir", str(lakehouse.data_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"lakehouse feed {' '.join(args)}:\n{result.stderr}"
    return result.stdout


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


PROJECT_PARTS = [
    "dbt_project.yml",
    "models",
    "python_models",
    "macros",
    "seeds",
    "snapshots",
    "tests",
]


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


def assert_views_serve_new_generations(
    before: catalog.Snapshot, after: catalog.Snapshot, views: list[str]
) -> None:
    """Each view serves the newest generation of its model the catalog holds, one written
    between the two reads."""
    for view in views:
        newest, served = max(after.generations(view)), after.served_generation(view)
        assert served == newest, f"{view} serves generation {served}; the newest is {newest}"
        assert newest not in before.generations(view), f"{view}: no generation written in between"


def assert_published_files_hold_what_the_catalog_serves(lh: Lakehouse, marts: list[str]) -> None:
    """`lakehouse.data.published_files`, for readers of the files, picks the rows the views serve."""
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


def reliability_score_differences(lh: Lakehouse) -> list[tuple]:
    """Up to five suppliers whose row in supplier_reliability_scores differs from DuckDB's lag and
    lead windows over each supplier's raw line items in ship order (ship date, order, line)."""
    expected = f"""
        with shipments as (
            select
                l_suppkey as supplier_key,
                l_receiptdate > l_commitdate as is_late,
                (l_receiptdate - l_commitdate) - lag(l_receiptdate - l_commitdate) over in_order
                    as delay_change_days,
                lead(l_receiptdate > l_commitdate) over in_order as next_is_late
            from {lh.raw("lineitem")}
            window in_order as (partition by l_suppkey order by l_shipdate, l_orderkey, l_linenumber)
        ),
        per_supplier as (
            select
                supplier_key,
                count(*) as shipment_count,
                count(*) filter (where is_late) as late_shipment_count,
                count(*) filter (where is_late and next_is_late) as repeated_late_count,
                avg(delay_change_days) as avg_delay_change_days
            from shipments group by all
        )
        select
            per_supplier.*,
            trim(s.s_name) as supplier_name,
            trim(n.n_name) as nation_name,
            100 * (1 - (late_shipment_count + repeated_late_count) / shipment_count)
                as reliability_score
        from per_supplier
        join {lh.raw("supplier")} s on s.s_suppkey = per_supplier.supplier_key
        join {lh.raw("nation")} n on n.n_nationkey = s.s_nationkey
    """
    return lh.query(f"""
        select expected.*, actual.*
        from ({expected}) expected
        full join {lh.mart("supplier_reliability_scores")} actual using (supplier_key)
        where actual.supplier_name is distinct from expected.supplier_name
            or actual.nation_name is distinct from expected.nation_name
            or actual.shipment_count is distinct from expected.shipment_count
            or actual.late_shipment_count is distinct from expected.late_shipment_count
            or actual.repeated_late_count is distinct from expected.repeated_late_count
            or (actual.avg_delay_change_days is null) != (expected.avg_delay_change_days is null)
            -- rounded to 4 and 2 decimals
            or not abs(actual.avg_delay_change_days - expected.avg_delay_change_days)
                <= 0.00005 + 1e-9
            or not abs(actual.reliability_score - expected.reliability_score) <= 0.005 + 1e-9
        limit 5
    """)


def fingerprint(lakehouse: Lakehouse, tables: list[str]) -> dict[str, tuple]:
    """Row count and an order-independent checksum of every row, per mart table."""
    lakehouse.served().read(f"analytics_marts.{table}" for table in tables)
    return {
        table: lakehouse.query(f"select count(*), sum(hash(t)) from {lakehouse.mart(table)} t")[0]
        for table in tables
    }
