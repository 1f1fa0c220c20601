"""The benchmark's baselines in one plain SparkSession, without dbt:

- `build`: the statements a `dbt build` ran, taken from its run_results.json and manifest.json,
  back to back in the order dbt finished them (a node finishes after its parents): the raw tables
  registered as the on-run-start hook does, seeds loaded, each model created from its compiled SQL
  (or its compiled Python run), each snapshot created as its first run, each data test's query
  counted.
- `queries`: the 22 official TPC-H queries over the raw Parquet files, each run twice (cold, then
  warm) and collected.

Run as `python -m lakehouse.bench.raw_spark MODE ...` so that each baseline pays for starting its own
JVM, as a dbt process does; prints its timings as JSON.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

from lakehouse import paths
from lakehouse.data import tpch_data
from lakehouse.spark.spark_session import embedded_session


def session(warehouse: Path):
    """A SparkSession with the embedded profile's settings and its own warehouse and catalog."""
    return embedded_session(
        "raw-spark-baseline", {**os.environ, "LAKEHOUSE_WAREHOUSE_DIR": str(warehouse)}
    )


def _register_sources(spark, manifest: dict, dataset: Path) -> None:
    """The raw tables, as register_tpch_sources creates them: partitioned by landing date where
    the files lie in landing folders (the daily feed)."""
    for source in manifest["sources"].values():
        table = f"{source['schema']}.{source['identifier']}"
        location = dataset / source["identifier"]
        columns = ", ".join(f"{c['name']} {c['data_type']}" for c in source["columns"].values())
        landed = "landing_date" in source["columns"] and any(location.glob("landing_date=*"))
        layout = (
            "partitioned by (landing_date)" if landed else "options (recursiveFileLookup 'true')"
        )
        spark.sql(f"create schema if not exists {source['schema']}")
        spark.sql(f"drop table if exists {table}")
        spark.sql(f"create table {table} ({columns}) using parquet {layout} location '{location}'")
        if landed:
            spark.sql(f"repair table {table} sync partitions")
        spark.sql(f"select count(*) from {table}").collect()


def _load_seed(spark, node: dict, project_dir: Path) -> None:
    from pyspark.sql import functions as F

    frame = spark.read.csv(
        str(project_dir / node["original_file_path"]), header=True, inferSchema=True
    )
    for column, data_type in (node["config"].get("column_types") or {}).items():
        frame = frame.withColumn(column, F.col(column).cast(data_type))
    frame.write.mode("overwrite").format("parquet").saveAsTable(node["relation_name"])


def _partition_columns(node: dict) -> list[str]:
    partition_by = node["config"].get("partition_by") or []
    return [partition_by] if isinstance(partition_by, str) else list(partition_by)


def _create_model(spark, node: dict, compiled: str) -> None:
    relation, partitions = node["relation_name"], _partition_columns(node)
    if node["language"] == "python":
        namespace = {"spark": spark}
        exec(compile(compiled, node["unique_id"], "exec"), namespace)  # noqa: S102
        frame = namespace["model"](namespace["dbtObj"](spark.table), spark)
        writer = (frame.hint("rebalance", *partitions) if partitions else frame).write
        writer.mode("overwrite").format("parquet").partitionBy(*partitions).saveAsTable(relation)
        return
    if node["config"]["materialized"] == "view":
        spark.sql(f"create or replace view {relation} as {compiled}")
        return
    spark.sql(f"drop table if exists {relation}")
    if partitions:  # as rebalance_partitions writes a partitioned table
        compiled = f"select /*+ REBALANCE({', '.join(partitions)}) */ * from ({compiled}) as t"
    partitioned = f"partitioned by ({', '.join(partitions)}) " if partitions else ""
    spark.sql(f"create table {relation} using parquet {partitioned}as {compiled}")


def _compiled_code(result: dict, node: dict, target: Path) -> str:
    """A model's compiled SQL. A microbatch model has one per batch, in files named by the batch
    beside where its own would be: the whole model is their union (a first build is one batch)."""
    from datetime import datetime

    from dbt.materializations.incremental.microbatch import MicrobatchBuilder

    if result["compiled_code"] is not None:
        return result["compiled_code"]
    compiled = target / "compiled" / node["package_name"] / node["original_file_path"]
    batch_size = node["config"]["batch_size"]
    files = []
    for start, _ in result["batch_results"]["successful"]:
        batch = MicrobatchBuilder.format_batch_start(datetime.fromisoformat(start), batch_size)
        files.append(compiled.with_suffix("") / f"{node['name']}_{batch}.sql")
    return "\nunion all\n".join(f"select * from ({path.read_text()})" for path in files)


def _create_snapshot(spark, node: dict, compiled: str) -> None:
    """A snapshot's first run: every row of its relation, as the first version of its key."""
    config = node["config"]
    keys = (
        config["unique_key"] if isinstance(config["unique_key"], list) else [config["unique_key"]]
    )
    updated_at = config.get("updated_at") or "current_timestamp()"  # check strategy: run time
    spark.sql(f"drop table if exists {node['relation_name']}")
    spark.sql(
        f"create table {node['relation_name']} using parquet as select *, "
        f"md5(concat_ws('|', {', '.join(keys)}, {updated_at})) as dbt_scd_id, "
        f"{updated_at} as dbt_updated_at, {updated_at} as dbt_valid_from, "
        f"cast(null as timestamp) as dbt_valid_to from ({compiled}) as t"
    )


def build(run_results: Path, manifest_path: Path, dataset: Path, warehouse: Path) -> dict:
    """Replay a dbt build; returns seconds per phase and per node kind."""
    started = time.perf_counter()
    spark = session(warehouse)
    manifest = json.loads(manifest_path.read_text())
    results = json.loads(run_results.read_text())["results"]
    timings = {"session_start": time.perf_counter() - started}

    phase = time.perf_counter()
    _register_sources(spark, manifest, dataset)
    timings["register_sources"] = time.perf_counter() - phase

    schemas = {node["schema"] for node in manifest["nodes"].values() if node.get("schema")}
    for schema in schemas:
        spark.sql(f"create schema if not exists {schema}")
    spent = {"seed": 0.0, "model": 0.0, "snapshot": 0.0, "test": 0.0}
    for result in results:
        kind = result["unique_id"].split(".")[0]
        if kind not in spent:
            continue  # hooks (above) and unit tests (not replayed)
        node = manifest["nodes"][result["unique_id"]]
        phase = time.perf_counter()
        if kind == "seed":
            _load_seed(spark, node, paths.PROJECT_DIR)
        elif kind == "model":
            _create_model(spark, node, _compiled_code(result, node, run_results.parent))
        elif kind == "snapshot":
            _create_snapshot(spark, node, result["compiled_code"])
        else:
            spark.sql(f"select count(*) from ({result['compiled_code']}) as t").collect()
        spent[kind] += time.perf_counter() - phase
    timings.update({f"{kind}s": seconds for kind, seconds in spent.items()})
    spark.stop()
    timings["total"] = time.perf_counter() - started
    return timings


def queries(dataset: Path, warehouse: Path) -> dict[str, dict[str, float]]:
    """Seconds per official TPC-H query over the raw files: cold (first) and warm (second) run."""
    from lakehouse.checks import tpch_answers

    spark = session(warehouse)
    for table in tpch_data.TABLES:
        spark.read.option("recursiveFileLookup", "true").parquet(
            str(dataset / table)
        ).createOrReplaceTempView(table)
    timings = tpch_answers.time_official_queries(lambda query: spark.sql(query).collect())
    spark.stop()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lakehouse.bench.raw_spark")
    parser.add_argument("mode", choices=["build", "queries"])
    parser.add_argument("--dataset", type=Path, required=True, help="raw data: <root>/sf<scale>")
    parser.add_argument("--warehouse", type=Path, required=True, help="an empty folder")
    parser.add_argument("--target", type=Path, help="with build: dbt target folder of the build")
    args = parser.parse_args(argv)
    if args.mode == "build":
        timings = build(
            args.target / "run_results.json", args.target / "manifest.json", args.dataset,
            args.warehouse,
        )  # fmt: skip
    else:
        timings = queries(args.dataset, args.warehouse)
    print(json.dumps(timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
