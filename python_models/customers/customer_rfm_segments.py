"""Customers scored by recency, frequency and monetary value (grain: one row per customer who has
ordered). Scores are quintiles, 5 the best; ties are broken by customer_key so scores are stable."""

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

SEGMENTS = [
    # (segment, condition on the three scores), first match wins
    ("champions", (F.col("recency_score") >= 4) & (F.col("frequency_score") >= 4) & (F.col("monetary_score") >= 4)),
    ("loyal", (F.col("frequency_score") >= 4) & (F.col("monetary_score") >= 3)),
    ("at_risk", (F.col("recency_score") <= 2) & (F.col("monetary_score") >= 4)),
    ("hibernating", (F.col("recency_score") <= 2) & (F.col("frequency_score") <= 2)),
    ("new_or_promising", F.col("recency_score") >= 4),
]  # fmt: skip


def quintile(metric: str) -> F.Column:
    return F.ntile(5).over(Window.orderBy(F.col(metric), F.col("customer_key")))


def model(dbt, session) -> DataFrame:
    dbt.config(materialized="table")
    orders = dbt.ref("fct_orders")

    as_of = orders.agg(F.max("order_date").alias("as_of_date"))
    per_customer = orders.groupBy("customer_key").agg(
        F.max("order_date").alias("last_order_date"),
        F.count("*").alias("order_count"),
        F.sum("net_revenue").cast("decimal(22,4)").alias("monetary_value"),
    )
    scored = (
        per_customer.crossJoin(as_of)
        .withColumn("recency_days", F.datediff("as_of_date", "last_order_date"))
        # More recent is better: rank on the negated age.
        .withColumn("recency_rank_key", -F.col("recency_days"))
        .withColumn("recency_score", quintile("recency_rank_key"))
        .withColumn("frequency_score", quintile("order_count"))
        .withColumn("monetary_score", quintile("monetary_value"))
    )
    segment = F.lit("needs_attention")
    for name, condition in reversed(SEGMENTS):
        segment = F.when(condition, F.lit(name)).otherwise(segment)
    return scored.select(
        "customer_key",
        "last_order_date",
        "recency_days",
        "order_count",
        "monetary_value",
        "recency_score",
        "frequency_score",
        "monetary_score",
        F.concat_ws("", "recency_score", "frequency_score", "monetary_score").alias("rfm_code"),
        segment.alias("rfm_segment"),
    )
