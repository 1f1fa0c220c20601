"""`lakehouse`: the project's command line. Each subcommand says what it does in `--help`."""

import argparse
import sys
from pathlib import Path

from lakehouse import paths, tpch_data


def _data(args: argparse.Namespace) -> int:
    try:
        scale = tpch_data.parse_scale(args.scale)
    except tpch_data.InvalidScaleError as error:
        print(f"lakehouse data: {error}", file=sys.stderr)
        return 2
    directory = tpch_data.generate(args.data_dir, scale)
    print(f"TPC-H scale factor {tpch_data.scale_label(scale)} is in {directory}")
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
        help="TPC-H scale factor: 0.01 is about 10 MB, 1 about 1 GB, 10 about 10 GB (default 0.01)",
    )
    data.add_argument(
        "--data-dir",
        type=Path,
        default=paths.data_root(),
        help="root folder of the raw data (default: $TPCH_DATA_DIR or data/tpch in the project)",
    )
    data.set_defaults(handler=_data)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
