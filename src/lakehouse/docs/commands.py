"""`lakehouse column-lineage`."""

import argparse
import sys

from lakehouse.cli_args import Commands, add_target_dir
from lakehouse.docs import column_lineage


def _column_lineage(args: argparse.Namespace) -> int:
    try:
        path, lineage_json = column_lineage.write(args.target_dir)
    except (FileNotFoundError, ValueError) as error:
        print(f"lakehouse column-lineage: {error}", file=sys.stderr)
        return 2
    print(f"column lineage written to {path}: {column_lineage.summary(lineage_json)}")
    return 0


def register(commands: Commands) -> None:
    """column-lineage."""
    lineage = commands.add_parser(
        "column-lineage",
        help="trace each model column to the columns it reads, back to sources and seeds",
        description="Read dbt's manifest.json and catalog.json (from `dbt docs generate`), trace "
        "every column of the SQL models with sqlglot (Python models: declared columns and inputs) "
        "and write column_lineage.json beside them; columns that cannot be traced are listed.",
    )
    add_target_dir(lineage)
    lineage.set_defaults(handler=_column_lineage)
