"""Where the project keeps generated data, read from the same environment variables dbt uses."""

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def data_root() -> Path:
    """Root of the raw TPC-H data; one `sf<scale>` folder per scale factor below it."""
    return Path(os.environ.get("TPCH_DATA_DIR", PROJECT_DIR / "data" / "tpch")).resolve()


def run_dir() -> Path:
    """Pid files and logs of the servers the launcher starts."""
    return Path(os.environ.get("LAKEHOUSE_RUN_DIR", PROJECT_DIR / ".lakehouse")).resolve()


def warehouse_dir() -> Path:
    """Warehouse of the embedded target: its Hive catalog (Derby) and table files."""
    return Path(os.environ.get("LAKEHOUSE_WAREHOUSE_DIR", PROJECT_DIR / "warehouse")).resolve()


def tables_dir(warehouse: Path) -> Path:
    """Where Spark keeps a warehouse's table files (spark.sql.warehouse.dir; the profile says the same)."""
    return warehouse / "spark-warehouse"


def schema_dir(warehouse: Path, schema: str) -> Path:
    """The folder of one schema's tables in a warehouse."""
    return tables_dir(warehouse) / f"{schema}.db"
