"""Builds cost what changed. After a build, each change upstream (a seed row, one model's SQL, a new
raw file) makes the next `dbt build` write exactly what depends on it, in dbt's own graph
(`<change>+` in its manifest), and run exactly the data tests of what depends on it; every other
model keeps the generation it serves; a unit test runs again when its model's SQL or its expected
rows change (kept otherwise); edited descriptions reach the catalog without a rebuild; a
warehouse of the earlier layout is upgraded by the next build. (A build with nothing new and
--full-refresh, over the whole project: test_build_against_duckdb.py; new days through the
incremental facts: test_daily_feed.py.)"""

import json
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import BIN, Lakehouse, project_with_changes

from lakehouse.spark import catalog

# Two dimensions with what they read (seeds, staging and intermediate views): each change below
# reaches one of them or both.
SELECTION = ["+dim_customer", "+dim_supplier"]
# Data tests of the selected models only (not those also reading other marts).
CAUTIOUS = ("--indirect-selection", "cautious")
WRITTEN_WHEN_REBUILT = {"table", "incremental", "seed"}  # a view serves what it reads, kept


@dataclass(frozen=True)
class Build:
    """What one `dbt build` wrote (models and seeds, by name) and which data tests it ran."""

    written: set[str]
    tests_run: set[str]
    served: catalog.Snapshot


class Everyday:
    def __init__(self, lakehouse: Lakehouse, project: Path) -> None:
        self.lh, self.project = lakehouse, project
        self.in_generations: list[str] = []
        self.last = self.build()
        # What SELECTION selects, in dbt's own graph: what the first build ran.
        results = json.loads((self.lh.target_dir / "run_results.json").read_text())["results"]
        self.selected = self.kinds(result["unique_id"] for result in results)
        self.in_generations = sorted(
            name for name, kind in self.selected.items() if kind in {"table", "incremental"}
        )
        self.last.served.read(self.views())

    def views(self) -> list[str]:
        return [f"analytics_marts.{name}" for name in self.in_generations]

    def manifest(self) -> dict:
        return json.loads((self.lh.target_dir / "manifest.json").read_text())

    def kinds(self, unique_ids: Iterable[str]) -> dict[str, str]:
        """name (unique_id for tests) -> materialization (or `test`), for models, seeds, tests."""
        nodes = self.manifest()["nodes"]
        return {
            node["unique_id"] if node["resource_type"] == "test" else node["name"]: (
                node["config"]["materialized"]
            )
            for node in (nodes[uid] for uid in unique_ids if uid in nodes)
            if node["resource_type"] in {"model", "seed", "test"}
        }

    def build(self) -> Build:
        self.lh.dbt("build", "--project-dir", str(self.project), "--select", *SELECTION, *CAUTIOUS)
        results = json.loads((self.lh.target_dir / "run_results.json").read_text())
        did_work = [
            result
            for result in results["results"]
            if result["adapter_response"].get("code") != "UNCHANGED"
        ]
        served = self.lh.served().read(self.views())
        self.last = Build(
            written={
                result["unique_id"].split(".")[-1]
                for result in did_work
                if result["unique_id"].split(".")[0] in {"model", "seed"}
            },
            tests_run={
                result["unique_id"]
                for result in did_work
                if result["unique_id"].startswith("test.")
            },
            served=served,
        )
        return self.last

    def expect(self, change: str, changed_view: str | None = None) -> tuple[set[str], set[str]]:
        """What a build after `change` must write and which tests it must run: the seeds, tables
        and incremental models depending on it (and the changed view itself), and the data tests
        of everything depending on it (`<change>+` in the manifest's graph), among the selected
        nodes."""
        manifest = self.manifest()
        if change.startswith("source:"):
            start = f"source.tpch_lakehouse.{change.removeprefix('source:')}"
        else:
            (start,) = [
                uid
                for uid, node in manifest["nodes"].items()
                if node["name"] == change and node["resource_type"] in {"model", "seed"}
            ]
        reached, pending = {start}, [start]
        while pending:
            for child in manifest["child_map"][pending.pop()]:
                if child not in reached:
                    reached.add(child)
                    pending.append(child)
        downstream = {
            name: kind for name, kind in self.kinds(reached).items() if name in self.selected
        }
        written = {name for name, kind in downstream.items() if kind in WRITTEN_WHEN_REBUILT}
        tests = {name for name, kind in downstream.items() if kind == "test"}
        return written | ({changed_view} if changed_view else set()), tests


def assert_wrote_exactly(
    everyday: "Everyday", before: Build, after: Build, written: set[str], tests: set[str]
) -> None:
    """The build wrote and tested what the change reaches, and the catalog serves a new generation of
    exactly the models it wrote."""
    assert after.written == written
    assert after.tests_run == tests
    for model in everyday.in_generations:
        view = f"analytics_marts.{model}"
        old, new = before.served.served_generation(view), after.served.served_generation(view)
        if model in written:
            assert new > old, f"{model} was not published again"
        else:
            assert new == old, f"{model} was published again"


@pytest.fixture(scope="module")
def everyday(tmp_path_factory: pytest.TempPathFactory, raw_data: Path) -> Everyday:
    """SELECTION built once, in a copy of the project and of the raw data that tests change."""
    root = tmp_path_factory.mktemp("everyday")
    data_dir = root / "tpch"
    shutil.copytree(raw_data, data_dir)
    project = project_with_changes(root / "project", {})
    return Everyday(Lakehouse(root=root, data_dir=data_dir), project)


def test_a_changed_seed_row_rebuilds_what_reads_the_seed(everyday: Everyday) -> None:
    before = everyday.last
    seed = everyday.project / "seeds" / "market_segments.csv"
    seed.write_text(seed.read_text().replace("Car makers", "Carmakers", 1))
    written, tests = everyday.expect("market_segments")
    assert written == {"market_segments", "dim_customer"}
    assert_wrote_exactly(everyday, before, everyday.build(), written, tests)


def test_a_changed_model_rebuilds_what_depends_on_it(everyday: Everyday) -> None:
    before = everyday.last
    view = everyday.project / "models" / "intermediate" / "int_nations__enriched.sql"
    view.write_text(view.read_text().replace("select * from final", "select * from final\n"
                                             "where nation_key is not null", 1))  # fmt: skip
    written, tests = everyday.expect("int_nations__enriched", changed_view="int_nations__enriched")
    assert written == {"int_nations__enriched", "dim_customer", "dim_supplier"}
    assert_wrote_exactly(everyday, before, everyday.build(), written, tests)


def test_a_new_raw_file_rebuilds_what_reads_its_table(everyday: Everyday) -> None:
    """One more supplier lands in a file of its own."""
    before = everyday.last
    suppliers = everyday.lh.dataset_dir / "supplier"
    landed = f"read_parquet('{suppliers}/*.parquet')"
    duckdb.sql(f"""
        copy (
            select * replace ((select max(s_suppkey) + 1 from {landed}) as s_suppkey)
            from {landed}
            limit 1
        ) to '{suppliers}/supplier.landed.parquet' (format parquet)
    """)
    written, tests = everyday.expect("source:tpch.supplier")
    assert written == {"dim_supplier"}
    after = everyday.build()
    assert_wrote_exactly(everyday, before, after, written, tests)
    dim_supplier = after.served.duckdb_relation("analytics_marts.dim_supplier")
    (served,) = duckdb.sql(f"select count(*) from {dim_supplier}").fetchone()
    (count,) = duckdb.sql(f"select count(*) from {landed}").fetchone()
    assert served == count


def test_a_unit_test_runs_again_when_its_sql_or_expected_rows_change(everyday: Everyday) -> None:
    """A unit test that passed is kept while its SQL and expected rows stay (every unit test of a
    build with nothing new: test_build_against_duckdb.py); a change to its model's SQL, then a
    wrong expected row, each make it run again."""
    unit_test = "unit_test.tpch_lakehouse.dim_date.dim_date_numbers_days_the_iso_way"
    models = everyday.project / "models" / "marts" / "core"

    def build_dim_date(expect_success: bool = True) -> tuple[bool, str]:
        """Whether the unit test ran (or was kept), and its status."""
        everyday.lh.dbt(
            "build", "--project-dir", str(everyday.project), "--select", "dim_date", *CAUTIOUS,
            expect_success=expect_success,
        )  # fmt: skip
        results = json.loads((everyday.lh.target_dir / "run_results.json").read_text())["results"]
        (result,) = [result for result in results if result["unique_id"] == unit_test]
        return result["adapter_response"].get("code") != "UNCHANGED", result["status"]

    assert build_dim_date() == (True, "pass")  # dim_date is new here: nothing recorded yet
    sql = models / "dim_date.sql"
    sql.write_text(sql.read_text() + "\n-- a comment is a change of its SQL\n")
    assert build_dim_date() == (True, "pass")
    yaml = models / "_core__models.yml"
    yaml.write_text(yaml.read_text().replace('day_name: "Friday"', 'day_name: "Freitag"', 1))
    assert build_dim_date(expect_success=False) == (True, "fail")


def test_edited_descriptions_reach_the_catalog_and_rebuild_nothing(everyday: Everyday) -> None:
    """A model's and a column's new YAML description, a view's, a view column's and a seed
    column's: the next build writes no table, no seed and nothing downstream of the view (only
    a new generation of the view itself, as Spark cannot comment a view's column), runs no data
    test, and the catalog shows the new descriptions (tried: the comments left to the model's next
    rebuild, which kept the old ones)."""
    core = everyday.project / "models" / "marts" / "core" / "_core__models.yml"
    intermediate = everyday.project / "models" / "intermediate" / "_intermediate__models.yml"
    seeds = everyday.project / "seeds" / "_seeds.yml"
    edits = {
        core: [
            ("Suppliers with their nation and region;", "Every supplier, with nation and region;"),
            ("description: Supplier name.", "description: The supplier's trading name."),
        ],
        intermediate: [
            ("Nations with their region and ISO codes;", "Nations, regions, ISO codes;"),
            (
                "description: Nation name, upper case.",
                "description: The nation's name, in capitals.",
            ),
        ],
        seeds: [("ISO 4217 code of the nation's currency.", "The nation's currency (ISO 4217).")],
    }
    for path, replacements in edits.items():
        text = path.read_text()
        for old, new in replacements:
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        path.write_text(text)
    after = everyday.build()
    assert (after.written, after.tests_run) == ({"int_nations__enriched"}, set())
    comment, columns = after.served.comments("analytics_marts.dim_supplier")
    assert comment == "Every supplier, with nation and region; one row per supplier."
    assert columns["supplier_name"] == "The supplier's trading name."
    view = "analytics_intermediate.int_nations__enriched"
    view_comment, view_columns = after.served.read([view]).comments(view)
    assert view_comment == "Nations, regions, ISO codes; one row per nation."
    assert view_columns["nation_name"] == "The nation's name, in capitals."
    seed = "analytics_reference.nation_codes"
    _, seed_columns = after.served.read([seed]).comments(seed)
    assert seed_columns["currency_code"] == "The nation's currency (ISO 4217)."


def spark_sql(lh: Lakehouse, *statements: str) -> list[list]:
    """Run statements on the lakehouse's embedded catalog, in a Spark session of their own; the
    rows of the last one."""
    script = (
        "import json, sys\n"
        "from lakehouse.spark.spark_session import embedded_session\n"
        "spark = embedded_session('everyday-builds')\n"
        "rows = [spark.sql(statement).collect() for statement in sys.argv[1:]][-1]\n"
        "print(json.dumps([list(row) for row in rows]))\n"
    )
    with lh.exclusive():
        lh.starting_dbt()  # the catalog admits one process, and what it serves changes
        result = subprocess.run(
            [str(BIN / "python"), "-c", script, *statements],
            env=lh.env(), capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


def test_a_warehouse_of_the_earlier_layout_is_upgraded_by_the_next_build(
    everyday: Everyday,
) -> None:
    """A view left serving a table of the earlier layout (`<model>__v<id>`) is not taken for a
    generation: the next build writes the model again, switches the view, drops the old table."""
    before = everyday.last
    legacy = "analytics_marts.dim_supplier__v20250101000000000000"
    spark_sql(
        everyday.lh,
        f"create table {legacy} using parquet as select * from analytics_marts.dim_supplier",
        f"alter view analytics_marts.dim_supplier as select * from {legacy}",
    )
    written, tests = everyday.expect("dim_supplier")
    after = everyday.build()
    assert after.written == written == {"dim_supplier"}
    assert after.tests_run == tests
    tables = spark_sql(everyday.lh, "show tables in analytics_marts like 'dim_supplier*'")
    served = after.served.served_generation("analytics_marts.dim_supplier")
    assert sorted(name for _, name, _ in tables) == [
        "dim_supplier",
        f"dim_supplier__g{served}",
    ]
    assert served > before.served.served_generation("analytics_marts.dim_supplier")
