"""The benchmark's raw-Spark baseline does the same work as the dbt build it is compared with: it
replays the build's statements into its own warehouse, and the tables come out identical."""

import json
import subprocess
import sys
from pathlib import Path

from conftest import Lakehouse, fingerprint

TABLES = ["fct_orders", "fct_order_items", "supplier_monthly_deliveries"]  # the last is Python


def test_raw_spark_replay_builds_the_same_tables(
    fresh_lakehouse: Lakehouse, tmp_path: Path
) -> None:
    lh = fresh_lakehouse
    lh.dbt(
        "build", "--exclude-resource-type", "unit_test", "--indirect-selection", "cautious",
        "--select", "+fct_orders", "+supplier_monthly_deliveries",
    )  # fmt: skip
    replay = Lakehouse(root=tmp_path / "replay", data_dir=lh.data_dir)
    command = [sys.executable, "-m", "lakehouse.raw_spark", "build"]
    command += ["--dataset", str(lh.dataset_dir), "--warehouse", str(replay.warehouse_dir)]
    command += ["--target", str(lh.root / "target")]
    result = subprocess.run(command, env=lh.env(), capture_output=True, text=True, check=True)

    phases = json.loads(result.stdout.splitlines()[-1])
    assert phases["models"] > 0 and phases["tests"] > 0 and phases["seeds"] > 0
    assert fingerprint(replay, TABLES) == fingerprint(lh, TABLES)
