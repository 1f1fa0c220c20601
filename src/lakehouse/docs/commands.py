"""`lakehouse column-lineage`."""

import argparse
import sys

from lakehouse.cli_args import Commands, add_target_dir
from lakehouse.docs import column_lineage, lineage_pages


def _column_lineage(args: argparse.Namespace) -> int:
    try:
        path, lineage_json = column_lineage.write(args.target_dir)
        site = lineage_pages.write_site(args.target_dir, lineage_json)
    except (FileNotFoundError, ValueError) as error:
        print(f"lakehouse column-lineage: {error}", file=sys.stderr)
        return 2
    print(f"column lineage written to {path}: {column_lineage.summary(lineage_json)}")
    print(
        f"docs site written to {site}: index.html, column lineage pages in {lineage_pages.PAGES}/"
    )
    return 0


def register(commands: Commands) -> None:
    """column-lineage."""
    lineage = commands.add_parser(
        "column-lineage",
        help="trace each model column to the columns it reads, back to sources and seeds",
        description="Read dbt's manifest.json, catalog.json and index.html (from `dbt docs "
        "generate`), trace every column of the SQL models with sqlglot (Python models: declared "
        "columns and inputs), write column_lineage.json beside them, and the docs site in site/: "
        "dbt's site as one file, each model page linking to its column lineage page. Columns that "
        "cannot be traced are listed.",
    )
    add_target_dir(lineage)
    lineage.set_defaults(handler=_column_lineage)
