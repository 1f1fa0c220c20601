"""`lakehouse`: the project's command line. Each subcommand says what it does in `--help`."""

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from lakehouse import (
    catalog,
    cluster,
    compose,
    daily_feed,
    docs_coverage,
    jvm_archive,
    lint_benchmark,
    paths,
    server,
    tpch_answers,
    tpch_data,
)


def _data(args: argparse.Namespace) -> int:
    try:
        scale = tpch_data.parse_scale(args.scale)
        directory = tpch_data.generate(args.data_dir, scale)
    except (tpch_data.InvalidScaleError, tpch_data.NotGeneratedDataError) as error:
        print(f"lakehouse data: {error}", file=sys.stderr)
        return 2
    print(f"TPC-H scale factor {tpch_data.scale_label(scale)} is in {directory}")
    return 0


def _feed(args: argparse.Namespace) -> int:
    try:
        scale = tpch_data.parse_scale(args.scale)
        if args.action == "start":
            until = _iso_date(args.until)
            folder = daily_feed.start(args.data_dir, args.feed_dir, scale, until)
            print(f"orders and line items up to {until} landed as one batch in {folder}")
            return 0
        days = daily_feed.land_next_days(args.data_dir, args.feed_dir, scale, args.days)
    except (
        tpch_data.InvalidScaleError,
        tpch_data.NotGeneratedDataError,
        daily_feed.FeedError,
    ) as error:
        print(f"lakehouse feed: {error}", file=sys.stderr)
        return 2
    if days:
        print("landed " + ", ".join(str(day) for day in days))
    else:
        print("nothing to land: every day of the generated orders is in the feed")
    return 0


def _iso_date(text: str | None) -> date:
    if text is None:
        raise daily_feed.FeedError("start needs --until YYYY-MM-DD, the last day to land")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise daily_feed.FeedError(
            f"invalid date {text!r}: use YYYY-MM-DD, for example 1998-07-01"
        ) from None


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
    if args.action == "health":
        up, message = cluster.health(settings, worker=args.worker)
    else:
        up, message = cluster.status(settings)
    print(message)
    return 0 if up else 3


def _compose(args: argparse.Namespace) -> int:
    try:
        if args.action == "build":
            compose.build_images(args.project_dir)
        else:
            print(compose.up(args.workers, args.timeout, args.project_dir))
    except compose.ComposeError as error:
        print(f"lakehouse compose: {error}", file=sys.stderr)
        return 1
    return 0


def _jvm_archive(args: argparse.Namespace) -> int:
    try:
        print(f"lakehouse jvm-archive: {jvm_archive.create()}")
    except jvm_archive.JvmArchiveError as error:
        print(f"lakehouse jvm-archive: {error}", file=sys.stderr)
        return 1
    return 0


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
    environ = {**os.environ, "LAKEHOUSE_WAREHOUSE_DIR": str(args.warehouse_dir.resolve())}
    with tempfile.TemporaryDirectory(prefix="tpch-check-") as folder:
        served = catalog.snapshot(tpch_answers.model_tables(args.schema), Path(folder), environ)
        dataset = tpch_data.dataset_dir(args.data_dir, scale)
        problems = tpch_answers.check(served, args.schema, dataset, scale)
    for problem in problems:
        print(problem)
    checked = "the official answers and DuckDB" if scale in tpch_answers.ANSWER_SCALES else "DuckDB"
    if problems:
        print(f"{len(problems)} differences between the TPC-H query models and {checked}")
        return 1
    print(f"all 22 TPC-H query models at SF {tpch_data.scale_label(scale)} match {checked}")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from lakehouse import benchmark

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


def _add_scale(parser: argparse.ArgumentParser, default: str, what: str) -> None:
    parser.add_argument("--scale", default=default, help=f"{what} (default {default})")


def _add_data_dir(parser: argparse.ArgumentParser, what: str, default: Path | None = None) -> None:
    """--data-dir: the raw data's root, $TPCH_DATA_DIR or data/tpch unless `default` says otherwise."""
    where = (
        "$TPCH_DATA_DIR or data/tpch"
        if default is None
        else str(default.relative_to(paths.PROJECT_DIR))
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=paths.data_root() if default is None else default,
        help=f"{what} (default: {where} in the project)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lakehouse",
        description="Tooling for the TPC-H lakehouse dbt project on Apache Spark.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    _add_data_commands(commands)
    _add_server_commands(commands)
    _add_check_commands(commands)
    return parser


Commands = argparse._SubParsersAction  # what add_subparsers returns


def _add_data_commands(commands: Commands) -> None:
    """data, jvm-archive, feed: the raw TPC-H tables, the embedded Spark, the daily feed."""
    data = commands.add_parser(
        "data",
        help="generate raw TPC-H tables as Parquet (reuses tables already generated)",
        description="Generate the raw TPC-H tables as Parquet with tpchgen-cli, one folder per "
        "table under DATA_DIR/sf<SCALE>. Tables already there are reused as they are.",
    )
    _add_scale(
        data, "0.01", "TPC-H scale factor: 1 is 6 million line items, about 350 MB of Parquet"
    )
    _add_data_dir(data, "root folder of the raw data")
    data.set_defaults(handler=_data)

    archive = commands.add_parser(
        "jvm-archive",
        help="archive the classes of the embedded Spark's JVM, so that dbt starts it faster",
        description="Start an embedded Spark session in a scratch warehouse, run statements of the "
        "kinds dbt runs, and archive the classes its JVM loaded (HotSpot class data sharing) into "
        f"the virtual env ({jvm_archive.ARCHIVE}). Every later embedded Spark maps them instead "
        "of loading them; `make venv` runs this.",
    )
    archive.set_defaults(handler=_jvm_archive)

    feed = commands.add_parser(
        "feed",
        help="lay raw orders and line items out as daily landing folders, add the next day(s)",
        description="A daily feed over the generated TPC-H data: `start` lays the orders up to "
        "--until and their line items out as FEED_DIR/sf<SCALE>/{orders,lineitem}/"
        "landing_date=YYYY-MM-DD/ (the other tables link to DATA_DIR); `next` lands the next "
        "--days day(s). Build on it with TPCH_DATA_DIR=FEED_DIR.",
    )
    feed.add_argument("action", choices=["start", "next"])
    _add_scale(feed, "0.01", "TPC-H scale factor")
    feed.add_argument("--until", help="with start: last day to land, YYYY-MM-DD")
    feed.add_argument("--days", type=int, default=1, help="with next: days to land (default 1)")
    # Not $TPCH_DATA_DIR: make points that at the feed itself.
    _add_data_dir(feed, "generated data the feed comes from", paths.PROJECT_DIR / "data" / "tpch")
    feed.add_argument(
        "--feed-dir",
        type=Path,
        default=paths.PROJECT_DIR / "data" / "tpch-daily",
        help="root of the feed (default data/tpch-daily in the project)",
    )
    feed.set_defaults(handler=_feed)


def _add_server_commands(commands: Commands) -> None:
    """server, cluster, compose: Spark outside the dbt process."""
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
        choices=["start", "stop", "status", "run-master", "run-worker", "health"],
        help="start/stop/status: master and workers in the background; run-master, run-worker: "
        "one daemon in the foreground (a container's main process); health: the master (and with "
        "--worker this host's worker) ALIVE in the master's web UI",
    )
    standalone.add_argument(
        "--worker", action="store_true", help="with health: check this host's worker too"
    )
    standalone.add_argument("--workers", type=int, default=2, help="with start: number of workers")
    standalone.add_argument("--master", help="with run-worker: master URL (spark://host:port)")
    standalone.set_defaults(handler=_cluster)

    containers = commands.add_parser(
        "compose",
        help="build the docker-compose images (without a registry if need be) or bring it up",
        description="build: the base image debian:bookworm-slim (pulled, or built from Debian's "
        "packages with debootstrap when no registry answers), the Python wheels (on this machine, "
        "into docker/wheels), then the images of docker-compose.yml. up: build, `up -d` with "
        "--workers workers, and wait until every service is healthy.",
    )
    containers.add_argument("action", choices=["build", "up"])
    containers.add_argument("--workers", type=int, default=2, help="with up: Spark workers")
    containers.add_argument(
        "--timeout", type=float, default=600, help="with up: seconds to wait for health"
    )
    containers.add_argument(
        "--project-dir",
        type=Path,
        default=paths.PROJECT_DIR,
        help="the checkout whose docker-compose.yml and images to use (default: the one this "
        "command is installed from; make passes its own folder)",
    )
    containers.set_defaults(handler=_compose)


def _add_check_commands(commands: Commands) -> None:
    """docs-coverage, tpch-check, bench, lint-bench: checks and figures."""
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
        description="Read the tpch_qNN tables through the catalog of the dbt target (DBT_TARGET: "
        "the embedded warehouse, or the Thrift server's Spark Connect) after "
        "dbt build --select +tag:tpch, and "
        "compare them with the official TPC-H answer sets (SF 0.01, 0.1, 1; from the PyPI package "
        "duckdb-extension-tpch) and with DuckDB running the official queries on the same raw files.",
    )
    _add_scale(tpch_check, "0.01", "scale factor the tables were built at")
    _add_data_dir(tpch_check, "root folder of the raw data")
    tpch_check.add_argument(
        "--warehouse-dir",
        type=Path,
        default=paths.warehouse_dir(),
        help="warehouse of the embedded target (default $LAKEHOUSE_WAREHOUSE_DIR or warehouse)",
    )
    tpch_check.add_argument(
        "--schema", default="analytics_tpch", help="schema of the query tables (analytics_tpch)"
    )
    tpch_check.set_defaults(handler=_tpch_check)

    bench = commands.add_parser(
        "bench",
        help="time generation, full/no-op/one-day builds (embedded, Thrift), raw Spark, TPC-H vs DuckDB",
        description="Benchmark the project at SCALE on this machine: generate the data and a daily "
        "feed, full `dbt build` on embedded Spark, the same statements in one raw SparkSession, "
        "the build again with nothing new, a new day and the daily `dbt build`, a full build and "
        "a new day on a Thrift server started here, and the 22 TPC-H queries in Spark and "
        "DuckDB. Prints a table; writes JSON and a PNG chart.",
    )
    _add_scale(bench, "1", "TPC-H scale factor")
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
