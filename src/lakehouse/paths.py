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
