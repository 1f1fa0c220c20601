"""`lakehouse jvm-archive`: the class archive of the embedded Spark's JVM."""

import argparse
import sys

from dbt.adapters.lakehouse_spark.jvm_options import ARCHIVE
from lakehouse.cli_args import Commands
from lakehouse.spark import jvm_archive


def _jvm_archive(args: argparse.Namespace) -> int:
    try:
        print(f"lakehouse jvm-archive: {jvm_archive.create()}")
    except jvm_archive.JvmArchiveError as error:
        print(f"lakehouse jvm-archive: {error}", file=sys.stderr)
        return 1
    return 0


def register(commands: Commands) -> None:
    """jvm-archive."""
    archive = commands.add_parser(
        "jvm-archive",
        help="archive the classes of the embedded Spark's JVM, so that dbt starts it faster",
        description="Start an embedded Spark session in a scratch warehouse, run statements of the "
        "kinds dbt runs, and archive the classes its JVM loaded (HotSpot class data sharing) into "
        f"the virtual env ({ARCHIVE}). Every later embedded Spark maps them instead "
        "of loading them; `make venv` runs this.",
    )
    archive.set_defaults(handler=_jvm_archive)
