"""Where the project keeps generated data, read from the same settings dbt uses."""

import os
from pathlib import Path

from lakehouse import settings
from lakehouse.settings import PROJECT_DIR

__all__ = ["PROJECT_DIR", "data_root", "run_dir", "schema_dir", "tables_dir", "warehouse_dir"]


def data_root() -> Path:
    """Root of the raw TPC-H data; one `sf<scale>` folder per scale factor below it."""
    return settings.path("TPCH_DATA_DIR")


def run_dir() -> Path:
    """Pid files and logs of the servers the launcher starts (internal: LAKEHOUSE_RUN_DIR)."""
    return Path(os.environ.get("LAKEHOUSE_RUN_DIR", PROJECT_DIR / ".lakehouse")).resolve()


def warehouse_dir() -> Path:
    """Warehouse of the embedded target: its Hive catalog (Derby) and table files."""
    return settings.path("LAKEHOUSE_WAREHOUSE_DIR")


def tables_dir(warehouse: Path) -> Path:
    """Where Spark keeps a warehouse's table files (spark.sql.warehouse.dir; the profile says the same)."""
    return warehouse / "spark-warehouse"


def schema_dir(warehouse: Path, schema: str) -> Path:
    """The folder of one schema's tables in a warehouse."""
    return tables_dir(warehouse) / f"{schema}.db"
