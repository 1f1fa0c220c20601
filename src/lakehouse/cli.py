"""`lakehouse`: the project's command line. Each room of the tooling registers its subcommands;
each says what it does in `--help`."""

import argparse
import sys

from lakehouse.bench import commands as bench_commands
from lakehouse.checks import commands as check_commands
from lakehouse.data import commands as data_commands
from lakehouse.docs import commands as docs_commands
from lakehouse.services import commands as service_commands
from lakehouse.spark import commands as spark_commands

ROOMS = [
    data_commands,
    spark_commands,
    service_commands,
    check_commands,
    docs_commands,
    bench_commands,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lakehouse",
        description="Tooling for the TPC-H lakehouse dbt project on Apache Spark.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for room in ROOMS:
        room.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
