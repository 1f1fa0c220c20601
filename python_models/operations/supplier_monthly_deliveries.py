"""Each supplier's deliveries per order month (grain: one row per supplier and order month).
Incremental like the SQL facts: a run rebuilds from the month that var fact_lookback_days reaches back
to (from the latest loaded month, so at most one month more than fct_order_items rebuilt) and adds
later ones; partitioned by order_month. New columns need a full refresh (on_schema_change fail)."""

from pyspark.sql import DataFrame
from pyspark.sql import functions as F


def model(dbt, session) -> DataFrame:
    dbt.config(
        materialized="incremental",
        incremental_strategy="insert_overwrite",
        partition_by=["order_month"],
        on_schema_change="fail",
    )
    items = dbt.ref("fct_order_items")
    if dbt.is_incremental:
        lookback_days = int(dbt.config.meta_get("fact_lookback_days"))
        # One row, bounded: the first month to rebuild.
        first_month = (
            session.table(str(dbt.this))
            .agg(F.trunc(F.date_sub(F.max("order_month"), lookback_days), "MM"))
            .collect()[0][0]
        )
        if first_month is not None:
            items = items.where(F.col("order_month") >= F.lit(first_month))
    return items.groupBy("supplier_key", "order_month").agg(
        F.count("*").alias("line_item_count"),
        F.sum(F.col("is_late").cast("int")).alias("late_line_item_count"),
        F.avg("transit_days").cast("decimal(8,2)").alias("avg_transit_days"),
        F.sum("net_revenue").cast("decimal(22,4)").alias("net_revenue"),
    )
