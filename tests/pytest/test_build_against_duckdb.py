"""A clean `dbt build` at SF 0.01, read through the catalog as users read it and checked against
DuckDB computing the same answers straight from the raw Parquet files; then built again with nothing
new (everything kept as it was) and with --full-refresh (the same rows, every view serving the
generation it just wrote)."""

import csv
import json
from decimal import Decimal

import yaml
import yaml_docs
from conftest import (
    MARTS,
    PROJECT_DIR,
    SEEDS,
    SERVED,
    Lakehouse,
    assert_published_files_hold_what_the_catalog_serves,
    assert_views_serve_new_generations,
    fingerprint,
    reliability_score_differences,
)

from lakehouse.data import tpch_data

SNAPSHOTS = ["customers_snapshot", "part_suppliers_snapshot"]


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


def test_supplier_monthly_deliveries_match_duckdb(built_lakehouse: Lakehouse) -> None:
    """The incremental Python model: line items per supplier and order month."""
    lh = built_lakehouse
    expected = f"""
        select
            l.l_suppkey as supplier_key,
            cast(date_trunc('month', o.o_orderdate) as date) as order_month,
            count(*) as line_item_count,
            count(*) filter (where l.l_receiptdate > l.l_commitdate) as late_line_item_count,
            avg(l.l_receiptdate - l.l_shipdate) as avg_transit_days,
            sum(l.l_extendedprice * (1 - l.l_discount)) as net_revenue
        from {lh.raw("lineitem")} l join {lh.raw("orders")} o on o.o_orderkey = l.l_orderkey
        group by all
    """
    differences = lh.query(f"""
        select expected.*, actual.*
        from ({expected}) expected
        full join {lh.mart("supplier_monthly_deliveries")} actual
            using (supplier_key, order_month)
        where actual.line_item_count is distinct from expected.line_item_count
            or actual.late_line_item_count is distinct from expected.late_line_item_count
            -- rounded to 2 decimals
            or not abs(actual.avg_transit_days - expected.avg_transit_days) <= 0.005 + 1e-9
            or actual.net_revenue is distinct from expected.net_revenue
        limit 5
    """)
    assert differences == []


def test_supplier_reliability_scores_match_duckdb(built_lakehouse: Lakehouse) -> None:
    """The Python model over monthly parts, against lag/lead windows over every line item."""
    lh = built_lakehouse
    assert reliability_score_differences(lh) == []
    (repeated,) = lh.query(
        f"select sum(repeated_late_count) from {lh.mart('supplier_reliability_scores')}"
    )[0]
    assert repeated > 0, "SF 0.01 has repeated late shipments: the lead window must see them"


def test_customer_clusters_are_a_k_means_partition(built_lakehouse: Lakehouse) -> None:
    """customer_clusters by the invariants of k-means: every customer who ordered in exactly one of
    k clusters, with the features of the RFM model, and each customer nearer to the mean of its own
    cluster's scaled features than to any other cluster's mean (a fixed point of k-means)."""
    lh = built_lakehouse
    clusters, rfm = lh.mart("customer_clusters"), lh.mart("customer_rfm_segments")
    customers, distinct_customers, cluster_ids = lh.query(
        f"select count(*), count(distinct customer_key), list(distinct cluster_id order by cluster_id)"
        f" from {clusters}"
    )[0]
    (ordering,) = lh.query(f"select count(distinct o_custkey) from {lh.raw('orders')}")[0]
    assert customers == distinct_customers == ordering
    assert cluster_ids == [0, 1, 2, 3]
    (other_features,) = lh.query(f"""
        select count(*) from {clusters} c join {rfm} r using (customer_key)
        where (c.recency_days, c.order_count, c.monetary_value)
            is distinct from (r.recency_days, r.order_count, r.monetary_value)
    """)[0]
    assert other_features == 0

    misplaced = lh.query(f"""
        with scaled as (
            select customer_key, cluster_id,
                (recency_days - avg(recency_days) over ()) / stddev_samp(recency_days) over () as r,
                (order_count - avg(order_count) over ()) / stddev_samp(order_count) over () as f,
                (monetary_value - avg(monetary_value) over ()) / stddev_samp(monetary_value) over ()
                    as m
            from {clusters}
        ),
        centres as (
            select cluster_id, avg(r) as r, avg(f) as f, avg(m) as m from scaled group by all
        ),
        distances as (
            select scaled.customer_key, scaled.cluster_id, centres.cluster_id as centre,
                (scaled.r - centres.r) ^ 2 + (scaled.f - centres.f) ^ 2 + (scaled.m - centres.m) ^ 2
                    as distance
            from scaled cross join centres
        )
        select own.customer_key, own.cluster_id, own.distance, other.centre, other.distance
        from distances own join distances other using (customer_key)
        where own.centre = own.cluster_id and other.centre <> own.cluster_id
            -- k-means stops within a tolerance: a point on a border may sit either side
            and other.distance < own.distance - 1e-3
        limit 5
    """)
    assert misplaced == []


def test_seeds_have_the_declared_column_types(built_lakehouse: Lakehouse) -> None:
    """Every CSV column is built, with the type `_seeds.yml` declares (Spark's names)."""
    declared = {
        seed["name"]: seed["config"]["column_types"]
        for seed in yaml.safe_load((PROJECT_DIR / "seeds" / "_seeds.yml").read_text())["seeds"]
    }
    assert sorted(declared) == SEEDS
    for seed in SEEDS:
        with (PROJECT_DIR / "seeds" / f"{seed}.csv").open() as file:
            header = next(csv.reader(file))
        assert sorted(declared[seed]) == sorted(header), f"{seed}: declare a type for every column"
        built = built_lakehouse.served().column_types(f"analytics_reference.{seed}")
        assert built == declared[seed], seed


def test_published_files_hold_what_the_catalog_serves(built_lakehouse: Lakehouse) -> None:
    assert_published_files_hold_what_the_catalog_serves(built_lakehouse, MARTS)


def test_a_build_with_nothing_new_keeps_everything_and_a_full_refresh_rebuilds_it(
    built_lakehouse: Lakehouse,
) -> None:
    lh = built_lakehouse
    with lh.exclusive():  # no other worker's command in between (the shared build's lock)
        before, fingerprints = lh.served().read(SERVED), fingerprint(lh, MARTS)
        in_generations = [t for t in before.tables() if not t.startswith("analytics_reference.")]
        assert {f"analytics_marts.{mart}" for mart in MARTS} <= set(in_generations)

        lh.dbt("build")
        results = json.loads((lh.target_dir / "run_results.json").read_text())["results"]
        worked = [
            result["unique_id"]
            for result in results
            if result["unique_id"].split(".")[0] in {"model", "seed", "test", "unit_test"}
            and result["adapter_response"].get("code") != "UNCHANGED"
        ]
        assert worked == [], "nothing new: every model, seed, data and unit test kept as it was"
        assert sum(result["unique_id"].startswith("unit_test.") for result in results) >= 10
        after = lh.served().read(in_generations)
        for view in in_generations:
            assert after.generations(view) == before.generations(view), f"{view}: written"

        # Every model and seed again (as new generations); the data tests and TPC-H queries ran already.
        lh.dbt("build", "--full-refresh", "--exclude", "test_type:data", "tag:tpch")
        assert fingerprint(lh, MARTS) == fingerprints
        marts = [f"analytics_marts.{mart}" for mart in MARTS]
        assert_views_serve_new_generations(before, lh.served(), marts)


def test_every_model_seed_and_snapshot_shows_its_yaml_descriptions_in_the_catalog(
    built_lakehouse: Lakehouse,
) -> None:
    """What `describe table` shows on every model's view (staging and intermediate views, the
    quarantine tables, the marts), every seed's table and every snapshot's view: the YAML
    description as its comment, each column's as the column's (read from the YAML files, doc blocks
    filled in; of a snapshot, the columns its YAML lists)."""
    layers = {"staging/tpch": "analytics_staging", "intermediate": "analytics_intermediate"}
    relations = {
        **{
            path.stem: f"{schema}.{path.stem}"
            for folder, schema in layers.items()
            for path in (PROJECT_DIR / "models" / folder).glob("*.sql")
        },
        **{
            f"stg_tpch__{table}_rejected": f"analytics_quarantine.tpch_{table}_rejected"
            for table in tpch_data.TABLES
        },
        **{mart: f"analytics_marts.{mart}" for mart in MARTS},
        **{seed: f"analytics_reference.{seed}" for seed in SEEDS},
    }
    snapshots = {name: f"analytics_snapshots.{name}" for name in SNAPSHOTS}
    served = built_lakehouse.served().read([*relations.values(), *snapshots.values()])
    for name, relation in relations.items():
        yaml_docs.assert_shows_descriptions(name, *served.comments(relation))
    for name, relation in snapshots.items():
        yaml_docs.assert_shows_descriptions(name, *served.comments(relation), documented_only=True)
