"""The benchmark's figures as a PNG chart and as the Markdown table the README shows."""

from pathlib import Path

# Step name -> what it measured, in the order the table lists them.
LABELS = {
    "generate": "generate raw data (tpchgen-cli)",
    "feed": "lay out the daily feed",
    "embedded": "full `dbt build`, embedded Spark",
    "raw_spark": "same statements, one raw SparkSession",
    "noop": "`dbt build` again, nothing new",
    "land_day": "land one new day",
    "new_day": "daily `dbt build` after that day (what it reaches)",
    "server_start": "start the Thrift server",
    "thrift": "full `dbt build`, Thrift server",
    "thrift_noop": "`dbt build` again, nothing new, Thrift server",
    "thrift_new_day": "daily `dbt build` after one more day, Thrift server",
    "tpch_spark": "22 TPC-H queries, Spark (warm)",
    "tpch_duckdb": "22 TPC-H queries, DuckDB (warm)",
}
RATIOS = {
    "embedded_over_raw_spark": "full build / raw Spark (target <= 1.15)",
    "noop_over_full_build": "nothing new / full build (target <= 0.10)",
    "new_day_over_full_build": "one new day / full build",
    "day_own_work_over_full_build": "the day's own work (new day - nothing new) / full build (target <= 0.05)",
    "thrift_new_day_over_full_build": "one new day / full build, Thrift",
    "thrift_day_own_work_over_full_build": "the day's own work / full build, Thrift (target <= 0.05)",
    "thrift_over_embedded": "Thrift build / embedded build",
    "tpch_spark_over_duckdb": "TPC-H Spark / DuckDB (aim <= 3)",
}


def markdown_table(report: dict) -> str:
    seconds, ratios = report["seconds"], report["ratios"]
    lines = ["| step | seconds |", "|---|---:|"]
    lines += [f"| {LABELS[step]} | {seconds[step]:.1f} |" for step in LABELS if step in seconds]
    lines += ["", "| ratio | measured |", "|---|---:|"]
    lines += [f"| {RATIOS[name]} | {ratios[name]:.2f} |" for name in RATIOS if name in ratios]
    return "\n".join(lines)


def draw(report: dict, path: Path) -> Path:
    """Two panels: seconds per step, and seconds per TPC-H query in Spark and DuckDB."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    seconds, details = report["seconds"], report["details"]
    has_queries = "tpch_spark" in details and "tpch_duckdb" in details
    figure, axes = pyplot.subplots(1, 2 if has_queries else 1, figsize=(15, 6), squeeze=False)
    steps = [step for step in LABELS if step in seconds][::-1]
    steps_axis = axes[0][0]
    bars = steps_axis.barh([LABELS[step] for step in steps], [seconds[step] for step in steps])
    steps_axis.bar_label(bars, fmt="%.1f s", padding=3)
    steps_axis.set_xlabel("seconds (wall clock)")
    machine = report["machine"]
    steps_axis.set_title(
        f"TPC-H SF {report['scale']:g}: {machine['cores']} cores, {machine['memory_gib']} GiB"
    )
    if has_queries:
        queries = sorted(details["tpch_spark"], key=int)
        positions = range(len(queries))
        query_axis = axes[0][1]
        for offset, engine in [(-0.2, "spark"), (0.2, "duckdb")]:
            runs = details[f"tpch_{engine}"]
            query_axis.bar(
                [p + offset for p in positions],
                [runs[q]["warm"] for q in queries],
                width=0.4,
                label="Spark" if engine == "spark" else "DuckDB",
            )
        query_axis.set_xticks(list(positions), [f"Q{int(q)}" for q in queries], rotation=90)
        query_axis.set_ylabel("seconds (warm run)")
        query_axis.set_title("official TPC-H queries over the same Parquet files")
        query_axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)
    return path
