"""How reliable each supplier's deliveries are, and whether they are getting better (grain: one row
per supplier with shipments). Uses lag/lead windows over each supplier's shipments in ship order."""

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F


def model(dbt, session) -> DataFrame:
    dbt.config(materialized="table")
    items = dbt.ref("fct_order_items")
    suppliers = dbt.ref("dim_supplier")

    in_ship_order = Window.partitionBy("supplier_key").orderBy(
        "ship_date", "order_key", "line_number"
    )
    shipments = (
        items.select("supplier_key", "order_key", "line_number", "ship_date", "commit_delay_days", "is_late")
        .withColumn("previous_delay_days", F.lag("commit_delay_days").over(in_ship_order))
        .withColumn("next_is_late", F.lead("is_late").over(in_ship_order))
        # A late shipment followed by another late one: lateness that repeats.
        .withColumn("late_again", F.col("is_late") & F.coalesce(F.col("next_is_late"), F.lit(False)))
        .withColumn("delay_change_days", F.col("commit_delay_days") - F.col("previous_delay_days"))
    )  # fmt: skip
    per_supplier = shipments.groupBy("supplier_key").agg(
        F.count("*").alias("shipment_count"),
        F.sum(F.col("is_late").cast("int")).alias("late_shipment_count"),
        F.sum(F.col("late_again").cast("int")).alias("repeated_late_count"),
        F.avg("delay_change_days").cast("decimal(10,4)").alias("avg_delay_change_days"),
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
        "avg_delay_change_days",
        # 100 for a supplier never late; repeated lateness costs twice.
        F.round(100 * (1 - late_rate - repeat_rate), 2).cast("decimal(6,2)").alias("reliability_score"),
    )  # fmt: skip
