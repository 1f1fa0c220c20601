"""`lakehouse bench` and `lakehouse lint-bench`: what building and linting cost."""

import argparse
import sys
from pathlib import Path

from lakehouse import paths
from lakehouse.bench import lint_benchmark
from lakehouse.cli_args import Commands, add_scale
from lakehouse.data import tpch_data


def _bench(args: argparse.Namespace) -> int:
    from lakehouse.bench import benchmark

    steps = args.steps.split(",") if args.steps else list(benchmark.STEPS)
    unknown = set(steps) - set(benchmark.STEPS)
    try:
        scale = tpch_data.parse_scale(args.scale)
        if unknown:
            raise benchmark.BenchmarkError(
                f"unknown step(s) {', '.join(sorted(unknown))}: choose from {', '.join(benchmark.STEPS)}"
            )
        benchmark.run(scale, args.bench_dir, steps)
    except (tpch_data.InvalidScaleError, benchmark.BenchmarkError) as error:
        print(f"lakehouse bench: {error}", file=sys.stderr)
        return 1
    return 0


def _lint_bench(args: argparse.Namespace) -> int:
    lint_benchmark.run(args.repeats, args.output)
    return 0


def register(commands: Commands) -> None:
    """bench, lint-bench."""
    bench = commands.add_parser(
        "bench",
        help="time generation, full/no-op/one-day builds (embedded, Thrift), raw Spark, TPC-H vs DuckDB",
        description="Benchmark the project at SCALE on this machine: generate the data and a daily "
        "feed, full `dbt build` on embedded Spark, the same statements in one raw SparkSession, "
        "the build again with nothing new, a new day and the daily `dbt build`, a full build and "
        "a new day on a Thrift server started here, and the 22 TPC-H queries in Spark and "
        "DuckDB. Prints a table; writes JSON and a PNG chart.",
    )
    add_scale(bench, "1", "TPC-H scale factor")
    bench.add_argument(
        "--steps",
        help="comma-separated subset of generate,embedded,raw_spark,noop,new_day,thrift,tpch "
        "(default: all), run in that order; each needs the data of a generate run, raw_spark, "
        "noop and new_day also an embedded one",
    )
    bench.add_argument(
        "--bench-dir",
        type=Path,
        default=paths.PROJECT_DIR / "target" / "bench",
        help="where data, warehouses and figures go (default target/bench)",
    )
    bench.set_defaults(handler=_bench)

    lint_bench = commands.add_parser(
        "lint-bench",
        help="time sqlfluff (jinja vs dbt templater) on one file and on the whole project",
        description="Lint one model and then models/, macros/ and tests/ with each templater, "
        "REPEATS times each; print the medians and write them as JSON.",
    )
    lint_bench.add_argument("--repeats", type=int, default=3, help="runs per measurement")
    lint_bench.add_argument(
        "--output",
        type=Path,
        default=Path("target/lint-benchmark.json"),
        help="JSON file for the figures (default target/lint-benchmark.json)",
    )
    lint_bench.set_defaults(handler=_lint_bench)
