"""The README, run as a newcomer runs it: every fenced shell (and Python) block, verbatim, in order,
each in a clean shell (no environment variable but PATH and what the block sets) in a fresh copy of
the repository, which makes its own virtual env and data. A block marked long by nature runs in the
bounded form its note names. Where a block promises something observable, it is checked against an
independent computation (DuckDB over the raw files) or dbt's own record of what ran."""

import argparse
import json
import subprocess
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import readme
from conftest import PROJECT_DIR, SCALE, copy_repository
from readme import clean_shell, output_of

from lakehouse import cli
from lakehouse.data import tpch_data
from lakehouse.services.processes import port_open

BLOCKS = readme.all_blocks(PROJECT_DIR / "README.md")
RUN = [block for block in BLOCKS if block.runs and not block.runner]


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh copy of the repository; whatever server a block left running is stopped at the
    end, also when a block failed."""
    repo = copy_repository(tmp_path_factory.mktemp("newcomer") / "tpch-lakehouse")
    yield repo
    if (repo / ".venv" / "bin" / "lakehouse").exists():
        clean_shell(repo, ".venv/bin/lakehouse server stop")


# --- what blocks promise ---------------------------------------------------------------------


def revenue_by_nation_month(dataset: Path) -> dict[tuple[str, str], tuple[int, int, float]]:
    """DuckDB over the raw files: (month, nation) -> orders, line items, net revenue."""
    raw = {
        table: tpch_data.duckdb_table(dataset / table)
        for table in ("lineitem", "orders", "customer", "nation")
    }
    rows = duckdb.sql(f"""
        select strftime(date_trunc('month', o.o_orderdate), '%Y-%m-%d'), trim(n.n_name),
               count(distinct o.o_orderkey), count(*),
               sum(l.l_extendedprice * (1 - l.l_discount))
        from {raw["lineitem"]} l
        join {raw["orders"]} o on l.l_orderkey = o.o_orderkey
        join {raw["customer"]} c on o.o_custkey = c.c_custkey
        join {raw["nation"]} n on c.c_nationkey = n.n_nationkey
        group by all
    """).fetchall()
    return {
        (month, nation): (orders, items, float(revenue))
        for month, nation, orders, items, revenue in rows
    }


def assert_revenue_rows(output: str, expected: dict) -> list[tuple[str, str]]:
    """Five printed rows of revenue_by_nation_month, each with DuckDB's counts and net revenue;
    returns their (month, nation) in printed order."""
    header, rows = readme.table(output)
    column = {name.split(".")[-1]: index for index, name in enumerate(header)}
    assert len(rows) == 5, f"expected 5 rows:\n{output}"
    keys = []
    for row in rows:
        key = (row[column["order_month"]], row[column["nation_name"]])
        orders, items, revenue = expected[key]
        assert int(row[column["order_count"]]) == orders, row
        assert int(row[column["line_item_count"]]) == items, row
        assert abs(printed_number(row[column["net_revenue"]]) - revenue) < 0.01, row
        keys.append(key)
    return keys


def printed_number(cell: str) -> float:
    """A number as dbt show or beeline prints it: with thousands separators, and cut off with an
    ellipsis where dbt show's column is too narrow (then up to one unit of the last digit off)."""
    number = Decimal(cell.replace(",", "").rstrip("…"))
    cut_off = Decimal(10) ** number.as_tuple().exponent if cell.endswith("…") else Decimal(0)
    return float(number + cut_off / 2)


def raw_revenue(repo: Path) -> dict[tuple[str, str], tuple[int, int, float]]:
    return revenue_by_nation_month(tpch_data.dataset_dir(repo / "data" / "tpch", SCALE))


def check_dbt_show(repo: Path, result: subprocess.CompletedProcess[str]) -> None:
    """dbt show prints the 5 months and nations of highest net revenue."""
    expected = raw_revenue(repo)
    top_five = sorted(expected, key=lambda key: expected[key][2], reverse=True)[:5]
    assert assert_revenue_rows(result.stdout, expected) == top_five


def check_beeline(repo: Path, result: subprocess.CompletedProcess[str]) -> None:
    """beeline prints 5 rows of revenue_by_nation_month as the Thrift server built it."""
    assert_revenue_rows(result.stdout, raw_revenue(repo))


def check_server_block(repo: Path, result: subprocess.CompletedProcess[str]) -> None:
    """The build on the server made a SQL and a Python mart (over Spark Connect), and the status
    says the server answers where the README says."""
    results = json.loads((repo / "target" / "run_results.json").read_text())["results"]
    statuses = {r["unique_id"].removeprefix("model.tpch_lakehouse."): r["status"] for r in results}
    assert statuses.get("revenue_by_nation_month") == "success", statuses
    assert statuses.get("customer_rfm_segments") == "success", statuses
    assert "Thrift server answering on 127.0.0.1:10000" in result.stdout, result.stdout[-2000:]


def server_processes(repo: Path) -> list[int]:
    """Pids of the Thrift servers started from the repository (their command line names it)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            command = (proc / "cmdline").read_bytes()
        except OSError:  # gone meanwhile
            continue
        if b"HiveThriftServer2" in command and str(repo).encode() in command:
            found.append(int(proc.name))
    return found


def check_server_stopped(repo: Path, result: subprocess.CompletedProcess[str]) -> None:
    """The server's process is gone, its port closed, and the status says so."""
    assert server_processes(repo) == []
    assert not port_open("127.0.0.1", 10000)
    status = clean_shell(repo, "source .venv/bin/activate\nlakehouse server status")
    assert status.returncode == 3, output_of(status)
    assert "no Thrift server on 127.0.0.1:10000" in status.stdout, output_of(status)


def check_hooks(repo: Path, result: subprocess.CompletedProcess[str]) -> None:
    """make hooks installed pre-commit's hook into the repository."""
    assert "pre-commit installed at .git/hooks/pre-commit" in result.stdout, output_of(result)
    assert "pre-commit" in (repo / ".git" / "hooks" / "pre-commit").read_text()


def catalog_query(repo: Path, sql: str) -> list[dict]:
    """Rows of a query through the embedded catalog (`dbt show`), as a user reads them."""
    result = clean_shell(
        repo,
        "source .venv/bin/activate\n"
        f'dbt show --profiles-dir profiles --quiet --output json --inline "{sql}"',
    )
    assert result.returncode == 0, output_of(result)
    return json.loads(result.stdout[result.stdout.index("{") :])["show"]


def check_next_day(repo: Path, result: subprocess.CompletedProcess[str]) -> None:
    """The feed holds the history up to July 31 and a folder for the day after it (August 1), and
    the facts and a mart downstream of them, read through the catalog, hold every order landed."""
    dataset = tpch_data.dataset_dir(repo / "data" / "tpch-daily", SCALE)
    orders = dataset / "orders"
    days = sorted(folder.name for folder in orders.iterdir())
    assert days[-2:] == ["landing_date=1998-07-31", "landing_date=1998-08-01"], days
    landed = tpch_data.duckdb_table(orders)
    expected = duckdb.sql(f"""
        select
            count(*),
            strftime(max(o_orderdate), '%Y-%m-%d'),
            (select count(distinct l_orderkey) from {tpch_data.duckdb_table(dataset / "lineitem")}
             where l_orderkey in (select o_orderkey from {landed}))
        from {landed}
    """).fetchone()
    (served,) = catalog_query(
        repo,
        "select count(*) as n, cast(max(order_date) as string) as last, "
        "(select sum(order_count) from {{ ref('revenue_by_nation_month') }}) as ordered "
        "from {{ ref('fct_orders') }}",
    )
    assert (served["n"], served["last"], served["ordered"]) == expected


def check_pr_build(repo: Path, result: subprocess.CompletedProcess[str]) -> None:
    """The pull-request build ran the changed model and its descendants, no other model."""
    manifest = json.loads((repo / "target" / "manifest.json").read_text())
    changed = "model.tpch_lakehouse.revenue_by_nation_month"
    expected, todo = {changed}, [changed]
    while todo:
        for child in manifest["child_map"][todo.pop()]:
            if child.startswith("model.") and child not in expected:
                expected.add(child)
                todo.append(child)
    results = json.loads((repo / "target" / "run_results.json").read_text())["results"]
    built = {r["unique_id"] for r in results if r["unique_id"].startswith(("model.", "seed."))}
    assert built == expected
    assert any(r["unique_id"].startswith("test.") for r in results), "its tests did not run"


def check_tpch(repo: Path, result: subprocess.CompletedProcess[str]) -> None:
    """The check compared all 22 query models with both oracles."""
    assert "all 22 TPC-H query models at SF 0.01 match the official answers and DuckDB" in (
        result.stdout
    ), output_of(result)


def check_bench(repo: Path, result: subprocess.CompletedProcess[str]) -> None:
    """The benchmark timed the steps it was given (the 22 queries on Spark and on DuckDB, each
    cold and warm), and wrote the figures it printed, with the chart."""
    figures = json.loads((repo / "target" / "bench" / "bench-sf0.01.json").read_text())
    seconds = figures["seconds"]
    assert {"generate", "feed", "tpch_spark", "tpch_duckdb"} <= set(seconds), seconds
    for engine in ("spark", "duckdb"):
        runs = figures["details"][f"tpch_{engine}"]
        assert len(runs) == 22 and all(run["warm"] > 0 for run in runs.values()), runs
    ratio = figures["ratios"]["tpch_spark_over_duckdb"]
    assert ratio == seconds["tpch_spark"] / seconds["tpch_duckdb"], figures["ratios"]
    assert f"| {seconds['tpch_spark']:.1f} |" in result.stdout, result.stdout[-3000:]
    assert (repo / "target" / "bench" / "bench-sf0.01.png").stat().st_size > 10_000


# What a block promises, checked after it ran: keyed by a command the block runs.
CHECKS: dict[str, Callable[[Path, subprocess.CompletedProcess[str]], None]] = {
    "dbt show": check_dbt_show,
    "lakehouse server start": check_server_block,
    "bin/beeline": check_beeline,
    "lakehouse server stop": check_server_stopped,
    "make hooks": check_hooks,
    "make tpch-check": check_tpch,
    "make bench": check_bench,
    "make next-day": check_next_day,
    "make pr-build": check_pr_build,
}
CHECKED = {marker: [block for block in RUN if marker in block.runs] for marker in CHECKS}
FIRED: set[str] = set()


def test_each_promise_check_has_its_block() -> None:
    """A block reworded so that no check's command is in it would silently go unchecked."""
    assert {marker: len(blocks) for marker, blocks in CHECKED.items()} == dict.fromkeys(CHECKS, 1)


@pytest.mark.parametrize("block", RUN, ids=[block.name for block in RUN])
def test_readme_block(newcomer: Path, block: readme.Block) -> None:
    result = clean_shell(newcomer, block.runs, block.language)
    assert result.returncode == 0, (
        f"{block.page} line {block.line}:\n{block.runs}\n{output_of(result)}"
    )
    for marker, check in CHECKS.items():
        if block in CHECKED[marker]:
            check(newcomer, result)
            FIRED.add(marker)


def test_every_promise_check_ran() -> None:
    """After the blocks: each check ran (on the block it is keyed by)."""
    assert sorted(FIRED) == sorted(CHECKS)


# --- beyond the blocks ---------------------------------------------------------------------------


def test_dbt_finds_the_data_from_another_folder(newcomer: Path, tmp_path: Path) -> None:
    """With --project-dir, the default data folder is still the project's (not the working one)."""
    project = f"--project-dir {newcomer} --profiles-dir {newcomer / 'profiles'}"
    result = clean_shell(
        newcomer,
        f"source {newcomer}/.venv/bin/activate\n"
        f"dbt build {project} --select stg_tpch__regions --indirect-selection cautious\n"
        f'dbt show {project} --quiet --output json --inline "select count(*) as n from '
        "{{ ref('stg_tpch__regions') }}\"",
        cwd=tmp_path,
    )
    assert result.returncode == 0, output_of(result)
    shown = result.stdout[result.stdout.rindex("{", 0, result.stdout.index('"show"')) :]
    (row,) = json.loads(shown)["show"]
    regions = tpch_data.dataset_dir(newcomer / "data" / "tpch", SCALE) / "region"
    assert (
        row["n"]
        == duckdb.sql(f"select count(*) from {tpch_data.duckdb_table(regions)}").fetchone()[0]
    )


def subcommands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """Every command path of the CLI: (), ("data",), ("server", "start"), ..."""
    yield prefix
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                yield from subcommands(subparser, (*prefix, name))


def test_every_lakehouse_command_explains_itself(newcomer: Path) -> None:
    commands = list(subcommands(cli.build_parser()))
    assert ("server",) in commands and ("data",) in commands, commands
    for command in commands:
        result = clean_shell(newcomer, f".venv/bin/lakehouse {' '.join(command)} --help")
        assert result.returncode == 0 and "usage: lakehouse" in result.stdout, output_of(result)
        assert "Traceback" not in result.stdout + result.stderr, output_of(result)


def test_every_make_target_runs_or_explains_itself(newcomer: Path) -> None:
    """Each target `make help` lists ran in a README block (up and down: the compose block, run by
    test_compose.py), runs in another module (lint-changed: test_lint.py, on a real diff), or
    runs here; `test` (this suite), `docs` (serves until stopped) and `lint-bench` (minutes of
    sqlfluff runs) show what they would run."""
    listing = clean_shell(newcomer, "make help")
    assert listing.returncode == 0, output_of(listing)
    targets = set(readme.MAKE_TARGET.findall(listing.stdout))
    ran_in_readme = set().union(*(block.make_targets() for block in BLOCKS if block.runs))
    elsewhere = {"lint-changed": "tests/pytest/test_lint.py"}
    here = {
        "help": "make help",
        "venv": "make venv",
        "test": "make -n test",
        "docs": "make -n docs",
        "lint-bench": "make -n lint-bench",
        "clean": "make clean && test ! -e warehouse && test ! -e target",
    }
    unexplained = targets - ran_in_readme - set(elsewhere) - set(here)
    assert unexplained == set(), "targets neither run nor explained"
    for target, module in elsewhere.items():
        assert f"make {target}" in (PROJECT_DIR / module).read_text(), (target, module)
    for target in sorted(targets & set(here)):
        result = clean_shell(newcomer, here[target])
        assert result.returncode == 0, output_of(result)
        assert "Traceback" not in result.stdout + result.stderr, output_of(result)


def test_readme_coverage() -> None:
    """Every note is read as one (a misspelt note would let a long block run, or hide a skipped
    one); the counts of what runs are printed at the end of the session (conftest.py)."""
    notes = [
        line
        for page in readme.pages(PROJECT_DIR / "README.md")
        for line in page.read_text().splitlines()
        if line.startswith(("> Tested", "> Not run", "> Run as written"))
    ]
    noted = [block for block in BLOCKS if block.tested_as or block.not_run or block.runner]
    assert len(notes) == len(noted), notes
    for block in BLOCKS:
        assert block.runner is None or (PROJECT_DIR / block.runner).is_file(), block.runner
