"""`lakehouse`: the project's command line. Each subcommand says what it does in `--help`."""

import argparse
import os
import sys
from pathlib import Path

from lakehouse import (
    cluster,
    docs_coverage,
    lint_benchmark,
    paths,
    server,
    tpch_answers,
    tpch_data,
)


def _data(args: argparse.Namespace) -> int:
    try:
        scale = tpch_data.parse_scale(args.scale)
    except tpch_data.InvalidScaleError as error:
        print(f"lakehouse data: {error}", file=sys.stderr)
        return 2
    directory = tpch_data.generate(args.data_dir, scale)
    print(f"TPC-H scale factor {tpch_data.scale_label(scale)} is in {directory}")
    return 0


def _server(args: argparse.Namespace) -> int:
    settings = server.ServerSettings.from_env(master=args.master)
    if args.action == "start":
        try:
            if args.foreground:
                server.run_foreground(settings)
            print(server.start(settings, timeout=args.timeout))
        except server.ServerError as error:
            print(f"lakehouse server: {error}", file=sys.stderr)
            return 1
        return 0
    if args.action == "stop":
        print(server.stop())
        return 0
    if args.action == "logs":
        print(server.daemon().log_tail(args.lines))
        return 0
    answering, message = server.status(settings)
    print(message)
    return 0 if answering else 3


def _cluster(args: argparse.Namespace) -> int:
    settings = cluster.ClusterSettings.from_env()
    if args.action == "run-master":
        cluster.run_master_foreground(settings)
    if args.action == "run-worker":
        cluster.run_worker_foreground(settings, args.master or settings.master_url)
    if args.action == "start":
        print(cluster.start(settings, workers=args.workers))
        return 0
    if args.action == "stop":
        print(cluster.stop())
        return 0
    up, message = cluster.status(settings)
    print(message)
    return 0 if up else 3


def _docs_coverage(args: argparse.Namespace) -> int:
    try:
        passed, text = docs_coverage.report(args.target_dir)
    except FileNotFoundError as error:
        print(f"lakehouse docs-coverage: {error}", file=sys.stderr)
        return 2
    print(text)
    return 0 if passed else 1


def _tpch_check(args: argparse.Namespace) -> int:
    scale = tpch_data.parse_scale(args.scale)
    tables = args.warehouse_dir / "spark-warehouse" / f"{args.schema}.db"
    problems = tpch_answers.check(tables, tpch_data.dataset_dir(args.data_dir, scale), scale)
    for problem in problems:
        print(problem)
    checked = "the official answers and DuckDB" if scale in tpch_answers.ANSWER_SCALES else "DuckDB"
    if problems:
        print(f"{len(problems)} differences between the TPC-H query models and {checked}")
        return 1
    print(f"all 22 TPC-H query models at SF {tpch_data.scale_label(scale)} match {checked}")
    return 0


def _lint_bench(args: argparse.Namespace) -> int:
    lint_benchmark.run(args.repeats, args.output)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lakehouse",
        description="Tooling for the TPC-H lakehouse dbt project on Apache Spark.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    data = commands.add_parser(
        "data",
        help="generate raw TPC-H tables as Parquet (reuses tables already generated)",
        description="Generate the raw TPC-H tables as Parquet with tpchgen-cli, one folder per "
        "table under DATA_DIR/sf<SCALE>. Tables already there are reused as they are.",
    )
    data.add_argument(
        "--scale",
        default="0.01",
        help="TPC-H scale factor: 1 is 6 million line items, about 350 MB of Parquet (default 0.01)",
    )
    data.add_argument(
        "--data-dir",
        type=Path,
        default=paths.data_root(),
        help="root folder of the raw data (default: $TPCH_DATA_DIR or data/tpch in the project)",
    )
    data.set_defaults(handler=_data)

    serve = commands.add_parser(
        "server",
        help="start, stop or check the Spark Thrift server (HiveServer2 + Spark Connect)",
        description="Run the Spark Thrift server (port LAKEHOUSE_THRIFT_PORT, default 10000) with "
        "Spark Connect (LAKEHOUSE_CONNECT_PORT, default 15002) in one application, bound to "
        "LAKEHOUSE_THRIFT_HOST (default 127.0.0.1). The catalog is Derby under the server "
        "warehouse, or PostgreSQL when LAKEHOUSE_METASTORE_URL is set. Pid file and log are in "
        ".lakehouse/ (LAKEHOUSE_RUN_DIR).",
    )
    serve.add_argument("action", choices=["start", "stop", "status", "logs"])
    serve.add_argument(
        "--master",
        help="Spark master: local[N] (default $SPARK_MASTER or local[2]) or spark://host:port",
    )
    serve.add_argument(
        "--foreground", action="store_true", help="with start: run in this process (containers)"
    )
    serve.add_argument(
        "--timeout", type=float, default=240, help="with start: seconds to wait for `select 1`"
    )
    serve.add_argument("--lines", type=int, default=60, help="with logs: how many lines")
    serve.set_defaults(handler=_server)

    standalone = commands.add_parser(
        "cluster",
        help="start, stop or check a Spark standalone master and workers on this machine",
        description="Run a Spark standalone master (LAKEHOUSE_MASTER_HOST:LAKEHOUSE_MASTER_PORT, "
        "default 127.0.0.1:7077) and workers in the background. Point the Thrift server at it "
        "with SPARK_MASTER=spark://127.0.0.1:7077.",
    )
    standalone.add_argument(
        "action",
        choices=["start", "stop", "status", "run-master", "run-worker"],
        help="start/stop/status: master and workers in the background; run-master, run-worker: "
        "one daemon in the foreground (a container's main process)",
    )
    standalone.add_argument("--workers", type=int, default=2, help="with start: number of workers")
    standalone.add_argument("--master", help="with run-worker: master URL (spark://host:port)")
    standalone.set_defaults(handler=_cluster)

    coverage = commands.add_parser(
        "docs-coverage",
        help="fail on undocumented models/columns, missing primary-key tests or mart contracts",
        description="Check dbt's manifest.json and catalog.json (from `dbt docs generate`): every "
        "model, seed, source, column and macro of the project is described, every model has a "
        "primary-key test, every SQL mart has an enforced contract.",
    )
    coverage.add_argument(
        "--target-dir", type=Path, default=Path("target"), help="dbt target folder (default target)"
    )
    coverage.set_defaults(handler=_docs_coverage)

    tpch_check = commands.add_parser(
        "tpch-check",
        help="compare the 22 TPC-H query models with the official answers and with DuckDB",
        description="Read the tpch_qNN tables Spark built (dbt build --select +tag:tpch) and "
        "compare them with the official TPC-H answer sets (SF 0.01, 0.1, 1; from the PyPI package "
        "duckdb-extension-tpch) and with DuckDB running the official queries on the same raw files.",
    )
    tpch_check.add_argument("--scale", default="0.01", help="scale factor the tables were built at")
    tpch_check.add_argument(
        "--data-dir", type=Path, default=paths.data_root(), help="root folder of the raw data"
    )
    tpch_check.add_argument(
        "--warehouse-dir",
        type=Path,
        default=Path(os.environ.get("LAKEHOUSE_WAREHOUSE_DIR", paths.PROJECT_DIR / "warehouse")),
        help="warehouse of the embedded target (default $LAKEHOUSE_WAREHOUSE_DIR or warehouse)",
    )
    tpch_check.add_argument(
        "--schema", default="analytics_tpch", help="schema of the query tables (analytics_tpch)"
    )
    tpch_check.set_defaults(handler=_tpch_check)

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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
