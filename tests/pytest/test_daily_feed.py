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
    reliability_score_differences,
)

from dbt.adapters.lakehouse_spark import generations
from lakehouse.data import published_files

FACTS = ["fct_order_items", "fct_orders", "supplier_monthly_deliveries"]  # the last is Python
# Kept by month from the facts' rebuilt months: marts, and the monthly parts of another.
MONTHLY = [
    "revenue_by_nation_month",
    "revenue_by_segment_month",
    "int_supplier_deliveries__monthly",
]
# What a new day rebuilds: the line items joined with their orders, the facts that read them, and
# what is kept by month downstream of them.
INCREMENTAL = ["int_order_items__enriched", *FACTS, *MONTHLY]
# Kept by ship month from the facts, and the mart that follows each supplier's shipments from it.
SHIPPED, RELIABILITY = "int_supplier_shipments__monthly", "supplier_reliability_scores"
# The history of the daily extracts, and the customer dimension built from it.
HISTORY = ["customers_snapshot", "part_suppliers_snapshot", "dim_customer_history"]
# Compared with a full build: the facts, and the marts over all history kept from monthly parts.
MARTS = [
    *FACTS,
    "revenue_by_nation_month",
    "revenue_by_segment_month",
    "supplier_delivery_performance",
    RELIABILITY,
]
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


def microbatches(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The batches a dbt command ran (of the one microbatch model), as dbt names them."""
    return re.findall(r"START batch (\S+) of", result.stdout)


def schema(table: str) -> str:
    return "analytics_intermediate" if table.startswith("int_") else "analytics_marts"


def month_files(
    lakehouse: Lakehouse, table: str, column: str = "order_month"
) -> dict[str, set[tuple[str, int]]]:
    """Per month partition: the path and modification time of each data file published."""
    months: dict[str, set[tuple[str, int]]] = {}
    view_text = lakehouse.served().view_text(f"{schema(table)}.{table}")
    schema_dir = lakehouse.schema_dir(schema(table))
    for file in published_files.published_files(schema_dir, table, view_text):
        (month,) = (part for part in file.parts if part.startswith(f"{column}="))
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


def assert_tests_read_the_rebuilt_months(lakehouse: Lakehouse, months: set[str] | None) -> None:
    """Each data test of an incremental model that the last run ran read the months it rebuilt
    (named in the query it ran, target/run), or every row where it also reads a model the run
    rebuilt or one not built in generations (a view), or where it had not passed on the months
    the run kept (`months` None: no test had run before)."""
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
    reading_everything = []
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
        if reads_only_kept_tables and months is not None:
            assert read == months, f"{test['name']} read: {where}"
        else:
            assert where == "true", f"{test['name']} read: {where}"
            reading_everything.append(test["name"])
    assert reading_everything, "no test read a view or a rebuilt model: that rule went unchecked"


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


def extract_versions(lakehouse: Lakehouse, table: str, key: str, checked: str) -> str:
    """DuckDB SQL: the SCD2 history of a table's landed daily extracts, each of which a snapshot
    read (check strategy, dated by the extract): a key's version starts at the first extract
    where its checked columns differ from the previous extract's, and ends where the next starts;
    a key missing from the latest extract is closed (valid_to 'closed'). The first version of a
    key holds from the start (valid_from null)."""
    folder = lakehouse.dataset_dir / table
    extracts = f"read_parquet('{folder}/*/*.parquet', hive_partitioning = true)"
    latest = max(folder.glob("landing_date=*")).name.removeprefix("landing_date=")
    return f"""
        with rows as (
            select {key}, {checked}, landing_date,
                row({checked}) is distinct from lag(row({checked})) over w as starts,
                row_number() over w = 1 as first
            from {extracts} window w as (partition by {key} order by landing_date)
        ),
        last_seen as (
            select {key}, max(landing_date) as seen from {extracts} group by all
        )
        select {key}, {checked},
            case when first then null else landing_date end as valid_from,
            coalesce(
                cast(lead(landing_date) over (partition by {key} order by landing_date) as varchar),
                case when seen < date '{latest}' then 'closed' end
            ) as valid_to
        from rows join last_seen using ({key}) where starts
    """


def held_on(version: str, day: str) -> str:
    """DuckDB SQL: the version (of extract_versions) held on the day (a closed one until today)."""
    return (
        f"({version}.valid_from is null or {version}.valid_from <= {day}) and "
        f"({version}.valid_to is null or {version}.valid_to = 'closed' "
        f"or {day} < cast({version}.valid_to as date))"
    )


def assert_history_agrees_with_the_extracts(lakehouse: Lakehouse) -> None:
    """The snapshots and dim_customer_history, read through the catalog, hold the versions the
    landed extracts show (a closed version's time is when the snapshot saw it gone: 'closed'); the
    supply costs and the segments the marts used are those of the order date (DuckDB as-of joins
    over the landed files)."""
    snapshots = {  # raw table: snapshot, raw key and checked columns, the snapshot's
        "customer": ("customers_snapshot", "c_custkey", "c_acctbal, c_mktsegment",
                     "customer_key", "account_balance, market_segment"),
        "partsupp": ("part_suppliers_snapshot", "ps_partkey, ps_suppkey", "ps_supplycost",
                     "part_key, supplier_key", "supply_cost"),
    }  # fmt: skip
    lakehouse.served().read(f"analytics_snapshots.{name}" for name, *_ in snapshots.values())
    for table, (name, raw_key, raw_checked, key, checked) in snapshots.items():
        actual = lakehouse.query(f"""
            select {key}, {checked},
                case when row_number() over (partition by {key} order by dbt_valid_from) > 1
                    then cast(dbt_valid_from as date) end,
                case when dbt_valid_to > timestamp '2000-01-01' then 'closed'
                    else cast(cast(dbt_valid_to as date) as varchar) end
            from {lakehouse.table("analytics_snapshots", name)} order by all
        """)
        expected = lakehouse.query(
            f"{extract_versions(lakehouse, table, raw_key, raw_checked)} order by all"
        )
        assert actual == expected, name
        keys = {row[: raw_key.count(",") + 1] for row in actual}
        assert len(actual) > len(keys), f"some rows of {table} changed"
    history = lakehouse.mart("dim_customer_history")
    customers = lakehouse.table("analytics_snapshots", "customers_snapshot")
    assert lakehouse.query(f"select count(*) from {history}") == lakehouse.query(
        f"select count(*) from {customers}"
    )
    versions = (
        f"({extract_versions(lakehouse, 'customer', 'c_custkey', 'c_acctbal, c_mktsegment')})"
    )
    items = f"""
        {lakehouse.raw("lineitem")} l join {lakehouse.raw("orders")} o on l.l_orderkey = o.o_orderkey
        join {versions} v on o.o_custkey = v.c_custkey and {held_on("v", "o.o_orderdate")}
    """
    expected = lakehouse.query(f"""
        select date_trunc('month', o_orderdate)::date, c_mktsegment, count(distinct o_custkey),
            count(distinct o_orderkey), sum(l_extendedprice * (1 - l_discount))
        from {items} group by all order by all
    """)
    actual = lakehouse.query(f"""
        select order_month, market_segment, customer_count, order_count, net_revenue
        from {lakehouse.mart("revenue_by_segment_month")} order by all
    """)
    assert actual == expected
    # Some orders were placed in a segment their customer has left since.
    latest = f"(select * from {versions} where valid_to is null)"
    moved = lakehouse.query(f"""
        select count(*) from {items} join {latest} now on o.o_custkey = now.c_custkey
        where now.c_mktsegment != v.c_mktsegment
    """)[0][0]
    assert moved > 0
    offers = (
        f"({extract_versions(lakehouse, 'partsupp', 'ps_partkey, ps_suppkey', 'ps_supplycost')})"
    )
    expected = lakehouse.query(f"""
        select date_trunc('month', o_orderdate)::date, sum(l_quantity * c.ps_supplycost)
        from {lakehouse.raw("lineitem")} l join {lakehouse.raw("orders")} o on l.l_orderkey = o.o_orderkey
        join {offers} c on (l.l_partkey, l.l_suppkey) = (c.ps_partkey, c.ps_suppkey)
            and {held_on("c", "o.o_orderdate")}
        group by all order by all
    """)
    actual = lakehouse.query(f"""
        select order_month, sum(supply_cost) from {lakehouse.mart("fct_order_items")}
        group by all order by all
    """)
    assert actual == expected


def test_day_by_day_equals_one_full_build(tmp_path: Path, raw_data: Path) -> None:
    lh = Lakehouse(root=tmp_path, data_dir=tmp_path / "feed")
    feed(lh, raw_data, "start", "--until", LATE_DAY)  # the history up to July 31, a batch per month
    held = hold_back(lh, LATE_DAY)  # two July 31 orders will land two days late
    first = lh.dbt(
        "build", "--resource-type", "seed", "--resource-type", "model",
        "--resource-type", "snapshot",
        "--select", "+fct_orders", "+supplier_monthly_deliveries", "+revenue_by_nation_month",
        "+supplier_delivery_performance", "+revenue_by_segment_month", f"+{RELIABILITY}",
    )  # fmt: skip
    # revenue_by_nation_month is a microbatch model: its first build one batch from `begin`.
    assert microbatches(first) == ["1992-01"]
    assert_raw_spark_replay_builds_the_same_facts(lh, tmp_path / "replay")
    feed(lh, raw_data, "next")  # August 1: the latest loaded month is August now
    august_1 = lh.dbt(
        "build", "--resource-type", "snapshot", "--resource-type", "model", "--resource-type",
        "test", "--select", *INCREMENTAL, *HISTORY, SHIPPED, RELIABILITY, "--indirect-selection",
        "cautious",
    )  # fmt: skip
    # Without event times, the month of the latest order and the one before.
    assert microbatches(august_1) == ["1998-07", "1998-08"]
    # Their data tests had never run (the first build ran none): each read every row, since a
    # test that never passed on the months kept, or failed on one, would not see them again.
    assert_tests_read_the_rebuilt_months(lh, None)
    feed(lh, raw_data, "next")  # August 2, with the held-back July orders landing late
    for table in ["orders", "lineitem"]:
        (held / table / "late.parquet").rename(
            lh.dataset_dir / table / f"landing_date={LAST_DAY}" / "late.parquet"
        )
    before = {table: month_files(lh, table) for table in [*FACTS, *MONTHLY]}
    shipped_before = month_files(lh, SHIPPED, "ship_month")
    views = [f"analytics_marts.{table}" for table in FACTS]
    served_before = lh.served().read(views)
    # With their data tests (those of these models alone: not every dimension is built here), and
    # the day's event times as `make next-day` passes them (the build of August 1 had none).
    event_times = feed(lh, raw_data, "event-times").split()
    assert event_times == ["--event-time-start", "1998-07-30", "--event-time-end", "1998-08-03"]
    # The staging orders too (a view, kept): the facts' row count against them runs, a test that
    # reads a view and must read every row.
    august_2 = lh.dbt(
        "build", "--select", *INCREMENTAL, *HISTORY, "supplier_delivery_performance", SHIPPED,
        RELIABILITY, "stg_tpch__orders", "--indirect-selection", "cautious", *event_times,
    )  # fmt: skip
    assert microbatches(august_2) == ["1998-07", "1998-08"]
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
    # By ship month: the months the new and late orders ship in (July on) were rewritten, from
    # the order months a line item shipped in them can have; the history before them was kept.
    shipped_after = month_files(lh, SHIPPED, "ship_month")
    rewritten = {
        month for month in shipped_after if shipped_after[month] != shipped_before.get(month)
    }
    kept = shipped_after.keys() - rewritten
    assert {"ship_month=1998-07-01", "ship_month=1998-08-01"} <= rewritten
    assert max(kept) < min(rewritten) and min(rewritten) >= "ship_month=1998-03-01", rewritten

    day_by_day = fingerprint(lh, MARTS)
    assert_marts_agree_with_duckdb(lh)
    assert reliability_score_differences(lh) == []
    assert_history_agrees_with_the_extracts(lh)
    lh.dbt(
        "run", "--full-refresh", "--select", *INCREMENTAL, "supplier_delivery_performance",
        SHIPPED, RELIABILITY,
    )  # fmt: skip
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


def test_daily_extracts_change_a_documented_share_and_reproduce(
    tmp_path: Path, raw_data: Path
) -> None:
    """The first day's extracts are the generated rows; each later day changes about 1% of the
    customers (balance and segment) and of the offers (supply cost) and nothing else of them,
    closes customers who never order and opens new ones, who have no orders either; laid out
    again, the feed holds the same extracts."""
    feeds = [Lakehouse(root=tmp_path / name, data_dir=tmp_path / name / "feed") for name in "ab"]
    for lh in feeds:
        feed(lh, raw_data, "start", "--until", "1998-07-20")
        feed(lh, raw_data, "next", "--days", "4")
    lh, generated_data = feeds[0], Lakehouse(root=tmp_path, data_dir=raw_data)

    def extracts(lakehouse: Lakehouse, table: str) -> str:
        folder = lakehouse.dataset_dir / table
        return f"read_parquet('{folder}/*/*.parquet', hive_partitioning = true)"

    for table in ["customer", "partsupp"]:
        generated = lh.query(f"select * from {generated_data.raw(table)} order by all")
        first = lh.query(f"""
            select * exclude (landing_date) from {extracts(lh, table)}
            where landing_date = '1998-07-20' order by all
        """)
        assert first == generated, table
        again = f"select * from {extracts(feeds[1], table)} order by all"
        assert lh.query(f"select * from {extracts(lh, table)} order by all") == lh.query(again)

    days = lh.query(f"select count(distinct landing_date) from {extracts(lh, 'customer')}")[0][0]
    assert days == 5
    generated = generated_data.raw("customer")
    changed, other_columns_kept = lh.query(f"""
        select
            count(*) filter (e.c_acctbal != g.c_acctbal) / count(*),
            bool_and((e.c_name, e.c_address, e.c_nationkey, e.c_phone, e.c_comment)
                = (g.c_name, g.c_address, g.c_nationkey, g.c_phone, g.c_comment))
        from {extracts(lh, "customer")} e join {generated} g using (c_custkey)
        where landing_date = '1998-07-24'
    """)[0]
    assert 0.02 <= changed <= 0.06 and other_columns_kept  # four days of about 1% each
    cost_changed = lh.query(f"""
        select count(*) filter (e.ps_supplycost != g.ps_supplycost) / count(*)
        from {extracts(lh, "partsupp")} e join {generated_data.raw("partsupp")} g using (ps_partkey, ps_suppkey)
        where landing_date = '1998-07-24'
    """)[0][0]
    assert 0.02 <= cost_changed <= 0.06
    orders = generated_data.raw("orders")
    closed, opened, ordering = lh.query(f"""
        with latest as (select * from {extracts(lh, "customer")} where landing_date = '1998-07-24')
        select
            (select list(c_custkey order by c_custkey) from {generated}
                where c_custkey not in (select c_custkey from latest)),
            (select list(c_custkey order by c_custkey) from latest
                where c_custkey > (select max(c_custkey) from {generated})),
            (select count(*) from {orders} where o_custkey % 3 = 0
                or o_custkey > (select max(c_custkey) from {generated}))
    """)[0]
    assert closed and all(key % 3 == 0 for key in closed)
    assert len(opened) == 4 and ordering == 0  # one a day at SF 0.01
