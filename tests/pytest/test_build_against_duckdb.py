"""A clean `dbt build` at SF 0.01, checked against DuckDB computing the same answers straight from
the raw Parquet files; then built again to show the build is idempotent."""

from decimal import Decimal

from conftest import MARTS, Lakehouse, fingerprint


def assert_same_rows(actual: list[tuple], expected: list[tuple]) -> None:
    """Equal as multisets; on failure show a few rows from each side rather than thousands."""
    missing = sorted(set(expected) - set(actual))[:5]
    unexpected = sorted(set(actual) - set(expected))[:5]
    assert sorted(actual) == sorted(expected), (
        f"{len(actual)} rows vs {len(expected)} expected; "
        f"expected but missing: {missing}; present but not expected: {unexpected}"
    )


def order_net_revenue(lh: Lakehouse) -> str:
    """DuckDB query: net revenue of each order (l_orderkey, net_revenue) from the raw line items."""
    return f"""
        select l_orderkey, sum(l_extendedprice * (1 - l_discount)) as net_revenue
        from {lh.raw("lineitem")} group by l_orderkey
    """


def test_row_counts_match_raw_tables(built_lakehouse: Lakehouse) -> None:
    lh = built_lakehouse
    pairs = {
        "fct_order_items": "lineitem",
        "fct_orders": "orders",
        "dim_customer": "customer",
        "dim_supplier": "supplier",
        "dim_part": "part",
        "customer_lifetime_value": "customer",
        "supplier_delivery_performance": "supplier",
    }
    for mart, raw in pairs.items():
        (mart_rows,) = lh.query(f"select count(*) from {lh.mart(mart)}")[0]
        (raw_rows,) = lh.query(f"select count(*) from {lh.raw(raw)}")[0]
        assert mart_rows == raw_rows > 0, f"{mart} has {mart_rows} rows, raw {raw} has {raw_rows}"


def test_revenue_by_nation_month_matches_duckdb(built_lakehouse: Lakehouse) -> None:
    lh = built_lakehouse
    expected = lh.query(f"""
        select
            cast(date_trunc('month', o.o_orderdate) as date),
            c.c_nationkey,
            n.n_name,
            r.r_name,
            count(distinct o.o_orderkey),
            count(*),
            sum(l.l_extendedprice * (1 - l.l_discount)),
            sum(l.l_extendedprice * (1 - l.l_discount) - l.l_quantity * ps.ps_supplycost)
        from {lh.raw("lineitem")} l
        join {lh.raw("orders")} o on l.l_orderkey = o.o_orderkey
        join {lh.raw("customer")} c on o.o_custkey = c.c_custkey
        join {lh.raw("nation")} n on c.c_nationkey = n.n_nationkey
        join {lh.raw("region")} r on n.n_regionkey = r.r_regionkey
        join {lh.raw("partsupp")} ps
            on l.l_partkey = ps.ps_partkey and l.l_suppkey = ps.ps_suppkey
        group by all
    """)
    actual = lh.query(f"""
        select order_month, nation_key, nation_name, region_name, order_count, line_item_count,
               net_revenue, gross_margin
        from {lh.mart("revenue_by_nation_month")}
    """)
    assert len(expected) > 1000
    assert_same_rows(actual, expected)


def test_order_totals_match_duckdb(built_lakehouse: Lakehouse) -> None:
    lh = built_lakehouse
    expected = lh.query(f"""
        select
            o.o_orderkey,
            o.o_custkey,
            count(l.l_orderkey),
            coalesce(sum(l.l_extendedprice * (1 - l.l_discount)), 0),
            count(*) filter (where l.l_receiptdate > l.l_commitdate)
        from {lh.raw("orders")} o
        left join {lh.raw("lineitem")} l on l.l_orderkey = o.o_orderkey
        group by all
    """)
    actual = lh.query(f"""
        select order_key, customer_key, line_item_count, net_revenue, late_line_item_count
        from {lh.mart("fct_orders")}
    """)
    assert_same_rows(actual, expected)


def test_customer_lifetime_value_matches_duckdb(built_lakehouse: Lakehouse) -> None:
    lh = built_lakehouse
    expected = lh.query(f"""
        with revenue as ({order_net_revenue(lh)})
        select
            c.c_custkey,
            count(o.o_orderkey),
            coalesce(sum(revenue.net_revenue), 0),
            min(o.o_orderdate),
            max(o.o_orderdate)
        from {lh.raw("customer")} c
        left join {lh.raw("orders")} o on o.o_custkey = c.c_custkey
        left join revenue on revenue.l_orderkey = o.o_orderkey
        group by all
    """)
    actual = lh.query(f"""
        select customer_key, order_count, lifetime_net_revenue, first_order_date, last_order_date
        from {lh.mart("customer_lifetime_value")}
    """)
    assert_same_rows(actual, expected)
    customers_without_orders = [row for row in expected if row[1] == 0]
    assert customers_without_orders, "SF 0.01 has customers without orders; they must be kept"


def test_supplier_late_deliveries_match_duckdb(built_lakehouse: Lakehouse) -> None:
    lh = built_lakehouse
    expected = lh.query(f"""
        select
            s.s_suppkey,
            count(l.l_orderkey),
            count(*) filter (where l.l_receiptdate > l.l_commitdate),
            round(
                count(*) filter (where l.l_receiptdate > l.l_commitdate) / count(l.l_orderkey), 4
            )
        from {lh.raw("supplier")} s
        left join {lh.raw("lineitem")} l on l.l_suppkey = s.s_suppkey
        group by all
    """)
    actual = lh.query(f"""
        select supplier_key, line_item_count, late_line_item_count, cast(late_rate as double)
        from {lh.mart("supplier_delivery_performance")}
    """)
    assert_same_rows(actual, expected)


def test_total_net_revenue_matches_duckdb(built_lakehouse: Lakehouse) -> None:
    lh = built_lakehouse
    (expected,) = lh.query(
        f"select sum(l_extendedprice * (1 - l_discount)) from {lh.raw('lineitem')}"
    )[0]
    for mart in ["fct_order_items", "fct_orders", "revenue_by_nation_month"]:
        (actual,) = lh.query(f"select sum(net_revenue) from {lh.mart(mart)}")[0]
        assert Decimal(actual) == Decimal(expected), mart


def test_rfm_scores_match_duckdb(built_lakehouse: Lakehouse) -> None:
    """The Python RFM model against the same scoring written in SQL over the raw files."""
    lh = built_lakehouse
    expected = lh.query(f"""
        with revenue as ({order_net_revenue(lh)}),
        per_customer as (
            select o.o_custkey as customer_key,
                   max(o.o_orderdate) as last_order_date,
                   count(*) as order_count,
                   sum(coalesce(revenue.net_revenue, 0)) as monetary_value
            from {lh.raw("orders")} o left join revenue on revenue.l_orderkey = o.o_orderkey
            group by all
        ),
        scored as (
            select *,
                date_diff('day', last_order_date,
                          (select max(o_orderdate) from {lh.raw("orders")})) as recency_days,
                ntile(5) over (order by last_order_date, customer_key) as r,
                ntile(5) over (order by order_count, customer_key) as f,
                ntile(5) over (order by monetary_value, customer_key) as m
            from per_customer
        )
        select customer_key, recency_days, order_count, monetary_value, r, f, m,
            case
                when r >= 4 and f >= 4 and m >= 4 then 'champions'
                when f >= 4 and m >= 3 then 'loyal'
                when r <= 2 and m >= 4 then 'at_risk'
                when r <= 2 and f <= 2 then 'hibernating'
                when r >= 4 then 'new_or_promising'
                else 'needs_attention'
            end
        from scored
    """)
    actual = lh.query(f"""
        select customer_key, recency_days, order_count, monetary_value,
               recency_score, frequency_score, monetary_score, rfm_segment
        from {lh.mart("customer_rfm_segments")}
    """)
    assert len({row[-1] for row in expected}) >= 4, "the data should spread over several segments"
    assert_same_rows(actual, expected)


def test_second_build_changes_nothing(built_lakehouse: Lakehouse) -> None:
    before = fingerprint(built_lakehouse, MARTS)
    # Every model and seed again (as new versions); the data tests and TPC-H queries ran already.
    built_lakehouse.dbt("build", "--exclude", "test_type:data", "tag:tpch")
    assert fingerprint(built_lakehouse, MARTS) == before
