"""Times sqlfluff with the jinja and the dbt templater on one changed file and on the whole project.

The figures decide which templater runs where (README, "Lint and review"): the pre-commit hook lints one
staged file and should answer in under 3 s, `make lint` the whole project in under 30 s.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from lakehouse.paths import PROJECT_DIR

ONE_FILE = ["models/marts/core/fct_orders.sql"]
WHOLE_PROJECT = ["models", "macros", "tests"]
TEMPLATERS = ["jinja", "dbt"]


@dataclass(frozen=True)
class Timing:
    templater: str
    scope: str
    files: int
    median_seconds: float
    runs: list[float]


def _sqlfluff() -> str:
    return str(Path(sys.executable).with_name("sqlfluff"))


def _count_sql_files(paths: list[str]) -> int:
    found = 0
    for path in paths:
        target = PROJECT_DIR / path
        found += 1 if target.is_file() else sum(1 for _ in target.rglob("*.sql"))
    return found


def time_lint(templater: str, paths: list[str], repeats: int) -> list[float]:
    """Wall-clock seconds of `sqlfluff lint` per run; raises if the lint itself fails."""
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = subprocess.run(
            [_sqlfluff(), "lint", "--templater", templater, "--nofail", *paths],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        runs.append(round(time.perf_counter() - started, 2))
        if result.returncode != 0:
            raise RuntimeError(f"sqlfluff --templater {templater} failed:\n{result.stderr}")
    return runs


def run(repeats: int, output: Path) -> list[Timing]:
    """Measure every templater on both scopes, print a table and write the figures as JSON."""
    timings = []
    for templater in TEMPLATERS:
        for scope, paths in (("one file", ONE_FILE), ("whole project", WHOLE_PROJECT)):
            runs = time_lint(templater, paths, repeats)
            timings.append(
                Timing(templater, scope, _count_sql_files(paths), statistics.median(runs), runs)
            )
    print(f"{'templater':<10} {'scope':<14} {'files':>5} {'median s':>9}  runs")
    for timing in timings:
        print(
            f"{timing.templater:<10} {timing.scope:<14} {timing.files:>5} "
            f"{timing.median_seconds:>9.2f}  {timing.runs}"
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    machine = {"cores": len(os.sched_getaffinity(0)), "python": platform.python_version()}
    output.write_text(
        json.dumps({"machine": machine, "timings": [asdict(t) for t in timings]}, indent=2)
    )
    print(f"written to {output}")
    return timings
