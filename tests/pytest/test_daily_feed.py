"""The daily feed: facts built day by day, with late orders, equal the facts of one full build over
the same files, and each incremental run rewrites only the months it must and publishes them (the
views serve the new partition generations; `published_files` finds the same rows), and the facts'
data tests read the months it rebuilt. On the way, the benchmark's raw-Spark baseline replays the
first build and must produce the same facts, so that the benchmark compares the same work."""

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
from conftest import (
    Lakehouse,
    assert_published_files_hold_what_the_catalog_serves,
    assert_views_serve_new_generations,
    feed,
    fingerprint,
)

from dbt.adapters.lakehouse_spark import generations
from lakehouse.data import published_files

FACTS = ["fct_order_items", "fct_orders", "supplier_monthly_deliveries"]  # the last is Python
# Kept by month from the facts' rebuilt months: a mart, and the monthly parts of another.
MONTHLY = ["revenue_by_nation_month", "int_supplier_deliveries__monthly"]
# What a new day rebuilds: the line items joined with their orders, the facts that read them, and
# what is kept by month downstream of them.
INCREMENTAL = ["int_order_items__enriched", *FACTS, *MONTHLY]
# Compared with a full build: the facts, and the marts over all history kept from monthly parts.
MARTS = [*FACTS, "revenue_by_nation_month", "supplier_delivery_performance"]
LATE_DAY, LAST_DAY = "1998-07-31", "1998-08-02"


def hold_back(lakehouse: Lakehouse, day: str) -> Path:
    """Take two orders of `day` out of the landed files, to land later: the first with its line
    items, the second alone (its line items arrive before it). Returns the folder holding them."""
    held = lakehouse.root / "held"
    first, last = lakehouse.query(
        f"select min(o_orderkey), max(o_orderkey) from {lakehouse.raw('orders')} "
        f"where o_orderdate = '{day}'"
    )[0]
    for table, late in [
        ("orders", f"o_orderkey in ({first}, {last})"),
        ("lineitem", f"l_orderkey = {first}"),
    ]:
        (landed,) = (lakehouse.dataset_dir / table / f"landing_date={day}").glob("*.parquet")
        # Read into memory first: the landed file is rewritten below.
        rows = duckdb.from_arrow(duckdb.read_parquet(str(landed)).to_arrow_table())
        (held / table).mkdir(parents=True)
        rows.filter(late).write_parquet(str(held / table / "late.parquet"))
        rows.filter(f"not ({late})").write_parquet(str(landed))
    return held


def schema(table: str) -> str:
    return "analytics_intermediate" if table.startswith("int_") else "analytics_marts"


def month_files(lakehouse: Lakehouse, table: str) -> dict[str, set[tuple[str, int]]]:
    """Per order_month partition: the path and modification time of each data file published."""
    months: dict[str, set[tuple[str, int]]] = {}
    view_text = lakehouse.served().view_text(f"{schema(table)}.{table}")
    schema_dir = lakehouse.schema_dir(schema(table))
    for file in published_files.published_files(schema_dir, table, view_text):
        (month,) = (part for part in file.parts if part.startswith("order_month="))
        months.setdefault(month, set()).add((str(file), file.stat().st_mtime_ns))
    return months


def month_generations_on_disk(lakehouse: Lakehouse, table: str) -> dict[str, int]:
    """Per order_month: how many generations of it the fact's generation table still holds."""
    view_text = lakehouse.served().view_text(f"{schema(table)}.{table}")
    served = generations.served(table, view_text)
    table_dir = lakehouse.schema_dir(schema(table)) / generations.table_name(
        table, served.table_generation
    )
    return {
        month.name: len(list(month.glob(f"{generations.COLUMN}=*")))
        for month in table_dir.glob("order_month=*")
    }


def assert_raw_spark_replay_builds_the_same_facts(lakehouse: Lakehouse, root: Path) -> None:
    replay = Lakehouse(root=root, data_dir=lakehouse.data_dir)
    command = [sys.executable, "-m", "lakehouse.bench.raw_spark", "build"]
    command += ["--dataset", str(lakehouse.dataset_dir), "--warehouse", str(replay.warehouse_dir)]
    command += ["--target", str(lakehouse.target_dir)]
    result = subprocess.run(
        command, env=lakehouse.env(), capture_output=True, text=True, check=True
    )
    phases = json.loads(result.stdout.splitlines()[-1])
    assert phases["models"] > 0 and phases["seeds"] > 0
    assert fingerprint(replay, FACTS) == fingerprint(lakehouse, FACTS)


def assert_tests_read_the_rebuilt_months(lakehouse: Lakehouse, months: set[str]) -> None:
    """Each data test of an incremental model that the last run ran read the months it rebuilt
    (named in the query it ran, target/run), or every row where it also reads a model the run
    rebuilt or one not built in generations (a view)."""
    target = lakehouse.target_dir
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    incremental = {f"model.tpch_lakehouse.{model}" for model in INCREMENTAL}
    tests = [
        nodes[result["unique_id"]]
        for result in json.loads((target / "run_results.json").read_text())["results"]
        if result["unique_id"] in nodes
        and nodes[result["unique_id"]].get("attached_node") in incremental
    ]
    assert len(tests) > len(INCREMENTAL), "the run ran the incremental models' data tests"
    for test in tests:
        ran = target / "run" / "tpch_lakehouse" / test["original_file_path"] / test["path"]
        (where,) = re.findall(r"where (.*) /\* rebuilt partitions \*/", ran.read_text())
        others = [nodes.get(p) for p in test["depends_on"]["nodes"] if p != test["attached_node"]]
        reads_only_kept_tables = all(
            node
            and node["unique_id"] not in incremental
            and node["config"]["materialized"] in ("table", "incremental")
            for node in others
        )
        read = {f"order_month={month}" for month in re.findall(r"order_month = '([-0-9]+)'", where)}
        if reads_only_kept_tables:
            assert read == months, f"{test['name']} read: {where}"
        else:
            assert where == "true", f"{test['name']} read: {where}"


def assert_marts_agree_with_duckdb(lakehouse: Lakehouse) -> None:
    """The marts kept from monthly parts, against DuckDB over the landed files: each month's
    orders, line items and net revenue, and each supplier's line items, late ones, largest commit
    delay and net revenue."""
    items = f"""
        {lakehouse.raw("lineitem")} l join {lakehouse.raw("orders")} o on l.l_orderkey = o.o_orderkey
    """
    net = "l_extendedprice * (1 - l_discount)"
    expected = lakehouse.query(f"""
        select date_trunc('month', o_orderdate)::date, count(distinct l_orderkey), count(*), sum({net})
        from {items} group by all order by 1
    """)
    actual = lakehouse.query(f"""
        select order_month, sum(order_count), sum(line_item_count), sum(net_revenue)
        from {lakehouse.mart("revenue_by_nation_month")} group by all order by 1
    """)
    assert actual == expected
    expected = lakehouse.query(f"""
        select l_suppkey, count(*), count(*) filter (l_receiptdate > l_commitdate),
            max(l_receiptdate - l_commitdate), sum({net})
        from {items} group by all order by 1
    """)
    actual = lakehouse.query(f"""
        select supplier_key, line_item_count, late_line_item_count, max_commit_delay_days, net_revenue
        from {lakehouse.mart("supplier_delivery_performance")} where line_item_count > 0 order by 1
    """)
    assert actual == expected


def test_day_by_day_equals_one_full_build(tmp_path: Path, raw_data: Path) -> None:
    lh = Lakehouse(root=tmp_path, data_dir=tmp_path / "feed")
    feed(lh, raw_data, "start", "--until", LATE_DAY)  # the history up to July 31, a batch per month
    held = hold_back(lh, LATE_DAY)  # two July 31 orders will land two days late
    lh.dbt(
        "build", "--resource-type", "seed", "--resource-type", "model",
        "--select", "+fct_orders", "+supplier_monthly_deliveries", "+revenue_by_nation_month",
        "+supplier_delivery_performance",
    )  # fmt: skip
    assert_raw_spark_replay_builds_the_same_facts(lh, tmp_path / "replay")
    feed(lh, raw_data, "next")  # August 1: the latest loaded month is August now
    lh.dbt("run", "--select", *INCREMENTAL)
    feed(lh, raw_data, "next")  # August 2, with the held-back July orders landing late
    for table in ["orders", "lineitem"]:
        (held / table / "late.parquet").rename(
            lh.dataset_dir / table / f"landing_date={LAST_DAY}" / "late.parquet"
        )
    before = {table: month_files(lh, table) for table in [*FACTS, *MONTHLY]}
    views = [f"analytics_marts.{table}" for table in FACTS]
    served_before = lh.served().read(views)
    # With their data tests (those of these models alone: not every dimension is built here).
    lh.dbt(
        "build", "--select", *INCREMENTAL, "supplier_delivery_performance",
        "--indirect-selection", "cautious",
    )  # fmt: skip
    assert_views_serve_new_generations(served_before, lh.served(), views)
    assert_published_files_hold_what_the_catalog_serves(lh, FACTS)

    for table in [*FACTS, *MONTHLY]:
        after = month_files(lh, table)
        changed = {month for month in after if after[month] != before[table].get(month)}
        # The default 3-day lookback reaches back into July for the late orders; older months stay.
        assert changed == {"order_month=1998-07-01", "order_month=1998-08-01"}, table
        # Written through REBALANCE: one file per month, far below SPARK_TARGET_FILE_SIZE.
        assert {len(files) for files in after.values()} == {1}, table
        # On disk, July and August keep the generation this run replaced (August 1's) for readers
        # still reading it; the first build's July, replaced on August 1, is gone.
        assert month_generations_on_disk(lh, table) == {
            month: 2 if month in changed else 1 for month in after
        }, table
    assert_tests_read_the_rebuilt_months(lh, changed)

    day_by_day = fingerprint(lh, MARTS)
    assert_marts_agree_with_duckdb(lh)
    lh.dbt("run", "--full-refresh", "--select", *INCREMENTAL, "supplier_delivery_performance")
    assert fingerprint(lh, MARTS) == day_by_day

    # And both hold every raw line item, the late orders' included.
    expected = lh.query(f"""
        select count(*), sum(l_extendedprice * (1 - l_discount)) from {lh.raw("lineitem")}
    """)[0]
    actual = lh.query(f"select count(*), sum(net_revenue) from {lh.mart('fct_order_items')}")[0]
    assert actual == expected
    late_orders = lh.query(f"""
        select count(*) from {lh.mart("fct_orders")}
        where order_key in (select o_orderkey from read_parquet('{lh.dataset_dir}/orders/**/late.parquet'))
    """)[0][0]
    assert late_orders == 2
