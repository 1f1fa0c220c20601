"""`lakehouse server`, `cluster` and `compose`: Spark outside the dbt process."""

import argparse
import sys
from pathlib import Path

from lakehouse import paths
from lakehouse.cli_args import Commands
from lakehouse.services import cluster, compose, server


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


def register(commands: Commands) -> None:
    """server, cluster, compose."""
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
