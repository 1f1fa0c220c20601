"""Arguments several `lakehouse` subcommands share."""

import argparse
from pathlib import Path

from lakehouse import paths

Commands = argparse._SubParsersAction  # what add_subparsers returns


def add_scale(parser: argparse.ArgumentParser, default: str, what: str) -> None:
    parser.add_argument("--scale", default=default, help=f"{what} (default {default})")


def add_data_dir(parser: argparse.ArgumentParser, what: str, default: Path | None = None) -> None:
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


def add_target_dir(parser: argparse.ArgumentParser) -> None:
    """--target-dir: where `dbt docs generate` wrote manifest.json and catalog.json."""
    parser.add_argument(
        "--target-dir", type=Path, default=Path("target"), help="dbt target folder (default target)"
    )
