"""How reliable each supplier's deliveries are, and whether they are getting better (grain: one row
per supplier with shipments). Follows each supplier's shipments in ship order: a late shipment
followed by another late one, and the change of commit delay from one shipment to the next. It
reads them as monthly parts (int_supplier_shipments__monthly: the pairs within each month, and
its first and last shipment), and a lag window over the months adds the pairs across months, so
the whole history costs a few rows per supplier and month, not a pass over every line item."""

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F


def model(dbt, session) -> DataFrame:
    dbt.config(materialized="table")
    months = dbt.ref("int_supplier_shipments__monthly")
    suppliers = dbt.ref("dim_supplier")

    in_ship_order = Window.partitionBy("supplier_key").orderBy("ship_month")
    months = (
        months
        # The pair across two months: the last shipment of the one before and the first of this.
        .withColumn("late_again_across", F.lag("last_is_late").over(in_ship_order) & F.col("first_is_late"))
        .withColumn(
            "delay_change_across",
            F.col("first_commit_delay_days") - F.lag("last_commit_delay_days").over(in_ship_order),
        )
    )  # fmt: skip
    per_supplier = months.groupBy("supplier_key").agg(
        F.sum("shipment_count").alias("shipment_count"),
        F.sum("late_shipment_count").alias("late_shipment_count"),
        (F.sum("repeated_late_count") + F.count_if(F.col("late_again_across"))).alias("repeated_late_count"),
        # An average over every change: the months' sums and counts with those across months.
        (F.coalesce(F.sum("delay_change_days_sum"), F.lit(0)) + F.coalesce(F.sum("delay_change_across"), F.lit(0)))
        .alias("delay_change_days_sum"),
        (F.sum("delay_change_count") + F.count("delay_change_across")).alias("delay_change_count"),
    )  # fmt: skip
    avg_delay_change = F.try_divide(
        F.col("delay_change_days_sum").cast("double"), F.col("delay_change_count")
    )
    late_rate = F.col("late_shipment_count") / F.col("shipment_count")
    repeat_rate = F.col("repeated_late_count") / F.col("shipment_count")
    return per_supplier.join(suppliers.select("supplier_key", "supplier_name", "nation_name"), "supplier_key").select(
        "supplier_key",
        "supplier_name",
        "nation_name",
        "shipment_count",
        "late_shipment_count",
        "repeated_late_count",
        avg_delay_change.cast("decimal(10,4)").alias("avg_delay_change_days"),
        # 100 for a supplier never late; repeated lateness costs twice.
        F.round(100 * (1 - late_rate - repeat_rate), 2).cast("decimal(6,2)").alias("reliability_score"),
    )  # fmt: skip
