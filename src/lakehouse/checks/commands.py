"""`lakehouse docs-coverage` and `lakehouse tpch-check`."""

import argparse
import os
import sys
import tempfile
from pathlib import Path

from lakehouse import paths, settings
from lakehouse.checks import docs_coverage, tpch_answers
from lakehouse.cli_args import Commands, add_data_dir, add_scale, add_target_dir
from lakehouse.data import tpch_data
from lakehouse.spark import catalog


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


def register(commands: Commands) -> None:
    """docs-coverage, tpch-check."""
    coverage = commands.add_parser(
        "docs-coverage",
        help="fail on undocumented models/columns, missing primary-key tests or mart contracts",
        description="Check dbt's manifest.json and catalog.json (from `dbt docs generate`): every "
        "model, seed, source, column and macro of the project is described, every model has a "
        "primary-key test, every SQL mart has an enforced contract.",
    )
    add_target_dir(coverage)
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
    add_scale(tpch_check, settings.get("TPCH_SCALE"), "scale factor the tables were built at")
    add_data_dir(tpch_check, "root folder of the raw data")
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
