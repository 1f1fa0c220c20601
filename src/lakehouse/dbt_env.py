"""The environment a dbt process of this project runs in, for tools and tests that start dbt over
their own raw data and warehouse (what the Makefile exports for a user's shell)."""

import os
import sys
from pathlib import Path

from lakehouse import paths
from lakehouse.data import tpch_data


def dbt_environment(
    scale: float, data_dir: Path, warehouse_dir: Path, output_dir: Path
) -> dict[str, str]:
    """dbt on the raw data of `scale` under `data_dir`, building into `warehouse_dir`, with its
    target/ and logs/ in `output_dir`."""
    bin_dir = Path(sys.executable).parent
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "TPCH_SCALE": tpch_data.scale_label(scale),
        "TPCH_DATA_DIR": str(data_dir),
        "LAKEHOUSE_WAREHOUSE_DIR": str(warehouse_dir),
        "LAKEHOUSE_CONF_DIR": str(paths.PROJECT_DIR / "conf"),
        "DBT_PROFILES_DIR": str(paths.PROJECT_DIR / "profiles"),
        "DBT_TARGET_PATH": str(output_dir / "target"),
        "DBT_LOG_PATH": str(output_dir / "logs"),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "DBT_USE_COLORS": "false",
    }
