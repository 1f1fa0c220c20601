"""Customers grouped by buying behaviour with k-means (pyspark.ml) on scaled recency, frequency and
monetary value (grain: one row per customer who has ordered). Fixed seed and a single ordered
partition make the clusters the same on every run and every cluster; iterated until the centres
stop moving, so each customer is in the cluster whose centre (its members' mean) is nearest."""

from pyspark.ml import Pipeline
from pyspark.ml.clustering import KMeans
from pyspark.ml.feature import StandardScaler, VectorAssembler
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

FEATURES = ["recency_days", "order_count", "monetary_value"]
CLUSTERS = 4
SEED = 42
# Iterations k-means may take to converge (a few dozen at SF 1); Spark's default 20 can stop short.
MAX_ITERATIONS = 200


def model(dbt, session) -> DataFrame:
    dbt.config(materialized="table")
    rfm = dbt.ref("customer_rfm_segments")

    features = (
        rfm.select("customer_key", *[F.col(c).cast("double").alias(c) for c in FEATURES])
        .repartition(1)
        .sortWithinPartitions("customer_key")
    )
    pipeline = Pipeline(
        stages=[
            VectorAssembler(inputCols=FEATURES, outputCol="raw_features"),
            StandardScaler(inputCol="raw_features", outputCol="features", withMean=True),
            KMeans(
                k=CLUSTERS,
                seed=SEED,
                maxIter=MAX_ITERATIONS,
                tol=0.0,
                featuresCol="features",
                predictionCol="cluster_id",
            ),
        ]
    )
    clustered = pipeline.fit(features).transform(features)
    return clustered.select(
        "customer_key",
        F.col("cluster_id").cast("int").alias("cluster_id"),
        *FEATURES,
    )
