"""New raw data arrives: an incremental run of the facts adds the new months, leaves older months'
files untouched, and the totals still match DuckDB over all the raw data."""

from pathlib import Path

import duckdb
from conftest import Lakehouse

FACTS = [
    "fct_order_items",
    "fct_orders",
    "supplier_monthly_deliveries",
]  # the last is a Python model
# New orders are copies of June 1998 orders moved four months on, with new keys: they land in
# October 1998, a month not loaded yet (TPC-H orders end on 1998-08-02).
KEY_OFFSET = 100_000_000


def partition_files(lakehouse: Lakehouse, table: str) -> dict[str, set[tuple[str, int, int]]]:
    """Per partition folder: the name, size and modification time of each data file."""
    folder = Path(lakehouse.table_glob("analytics_marts", table).split("/**")[0])
    return {
        partition.name: {
            (f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in partition.glob("*.parquet")
        }
        for partition in folder.iterdir()
        if partition.is_dir() and "=" in partition.name
    }


def add_new_orders(lakehouse: Lakehouse) -> None:
    orders, lineitem = lakehouse.raw("orders"), lakehouse.raw("lineitem")
    new_orders = f"""
        select * replace (o_orderkey + {KEY_OFFSET} as o_orderkey,
                          cast(o_orderdate + interval 4 month as date) as o_orderdate)
        from {orders}
        where o_orderdate between date '1998-06-01' and date '1998-06-30'
    """
    new_lines = f"""
        select l.* replace (l.l_orderkey + {KEY_OFFSET} as l_orderkey,
                            cast(l.l_shipdate + interval 4 month as date) as l_shipdate,
                            cast(l.l_commitdate + interval 4 month as date) as l_commitdate,
                            cast(l.l_receiptdate + interval 4 month as date) as l_receiptdate)
        from {lineitem} l
        join {orders} o on l.l_orderkey = o.o_orderkey
        where o.o_orderdate between date '1998-06-01' and date '1998-06-30'
    """
    # Both queries read the current files, so write the new files only after running them.
    new_orders_table = duckdb.sql(new_orders).to_arrow_table()
    new_lines_table = duckdb.sql(new_lines).to_arrow_table()
    duckdb.from_arrow(new_orders_table).write_parquet(
        str(lakehouse.dataset_dir / "orders" / "orders.batch-1998-10.parquet")
    )
    duckdb.from_arrow(new_lines_table).write_parquet(
        str(lakehouse.dataset_dir / "lineitem" / "lineitem.batch-1998-10.parquet")
    )


def test_incremental_run_adds_only_new_months(fresh_lakehouse: Lakehouse) -> None:
    lh = fresh_lakehouse
    lh.dbt("build", "--exclude", "test_type:data")
    before = {table: partition_files(lh, table) for table in FACTS}
    assert "order_month=1998-10-01" not in before["fct_orders"]

    add_new_orders(lh)
    lh.dbt("build", "--select", *FACTS)

    for table in FACTS:
        after = partition_files(lh, table)
        latest_loaded = max(before[table])
        changed = {p for p in after if after[p] != before[table].get(p)}
        # Only the latest loaded month is rebuilt, and the new month is added; the rest stay as is.
        assert changed <= {latest_loaded, "order_month=1998-10-01"}, (table, changed)
        assert "order_month=1998-10-01" in changed, table

    expected = lh.query(f"""
        select count(*), sum(l_extendedprice * (1 - l_discount)),
               count(*) filter (where l_orderkey > {KEY_OFFSET})
        from {lh.raw("lineitem")}
    """)[0]
    actual = lh.query(f"""
        select count(*), sum(net_revenue), count(*) filter (where order_key > {KEY_OFFSET})
        from {lh.mart("fct_order_items")}
    """)[0]
    assert expected[2] > 0
    assert actual == expected

    (expected_orders,) = lh.query(f"select count(*) from {lh.raw('orders')}")[0]
    (actual_orders,) = lh.query(f"select count(*) from {lh.mart('fct_orders')}")[0]
    assert actual_orders == expected_orders
