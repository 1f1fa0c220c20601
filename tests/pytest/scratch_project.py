"""A small dbt project of a test's own, on this project's adapter and profile (embedded target),
for what the TPC-H project does not show: incremental strategies, snapshots. Results are read
through the catalog with `dbt show`, as users read them."""

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from conftest import BIN, SCALE

from lakehouse.dbt_env import dbt_environment


@dataclass
class ScratchProject:
    folder: Path
    warehouse: Path

    @classmethod
    def create(cls, root: Path, files: dict[str, str]) -> "ScratchProject":
        """The project's files under root/project, its warehouse under root/warehouse."""
        project = cls(root / "project", root / "warehouse")
        for name, text in files.items():
            project.write(name, text)
        return project

    def write(self, name: str, text: str) -> None:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def dbt(
        self, *args: str, expect_success: bool = True, **env: str
    ) -> subprocess.CompletedProcess[str]:
        environment = {
            **dbt_environment(SCALE, self.folder / "data", self.warehouse, self.folder),
            **env,
        }
        result = subprocess.run(
            [str(BIN / "dbt"), *args],
            cwd=self.folder,
            env=environment,
            check=False,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert (result.returncode == 0) == expect_success, (
            f"dbt {' '.join(args)} exited {result.returncode}:\n{result.stdout[-6000:]}"
        )
        return result

    def show(self, sql: str) -> list[dict]:
        """Rows of a query through the catalog, as `dbt show` prints them. Its run results go
        elsewhere, so that `dbt retry` still finds those of the last build."""
        result = self.dbt(
            "show",
            "--target-path",
            str(self.folder / "shown"),
            "--output",
            "json",
            "--limit",
            "-1",
            "--inline",
            sql,
        )
        start = result.stdout.rindex("{", 0, result.stdout.index('"show"'))
        shown, _ = json.JSONDecoder().raw_decode(result.stdout[start:])
        return shown["show"]

    def results(self) -> dict[str, dict]:
        """The last command's run_results, by node name."""
        results = json.loads((self.folder / "target" / "run_results.json").read_text())
        return {r["unique_id"].split(".")[-1]: r for r in results["results"]}
