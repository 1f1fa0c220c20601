"""`make lint` and the pre-commit hook, run as a developer runs them on a commit of a badly
formatted SQL file in a temporary copy of the repository (the README test runs `make lint` on the
clean tree)."""

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import BIN, PROJECT_DIR, copy_repository

BADLY_FORMATTED = """SELECT ORDER_KEY,customer_key ,  total_price
FROM {{ ref('stg_tpch__orders') }}
WHERE total_price>100
"""


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A fresh repository of the working tree that shares the project's virtual env."""
    copy = copy_repository(tmp_path / "repo")
    (copy / ".venv").symlink_to(BIN.parent)
    return copy


def _env(tmp_path: Path) -> dict[str, str]:
    """A developer's shell: without what `make test` passes to the makes it runs."""
    outer_make = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")
    return {
        **{name: value for name, value in os.environ.items() if name not in outer_make},
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
        "GIT_AUTHOR_NAME": "lint test",
        "GIT_AUTHOR_EMAIL": "lint@example.com",
        "GIT_COMMITTER_NAME": "lint test",
        "GIT_COMMITTER_EMAIL": "lint@example.com",
    }


def _make_lint(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # -o: take the shared virtual env as up to date instead of reinstalling it into the copy.
    return _run(["make", "-o", ".venv/.installed", "lint"], repo, env)


def test_badly_formatted_sql_fails_lint_and_the_commit_hook_fixes_it(
    repo_copy: Path, tmp_path: Path
) -> None:
    env = _env(tmp_path)
    bad = repo_copy / "analyses" / "orders_over_100.sql"
    bad.parent.mkdir(exist_ok=True)
    bad.write_text(BADLY_FORMATTED)
    _run(["git", "add", str(bad)], repo_copy, env)  # pre-commit checks the files git knows

    result = _make_lint(repo_copy, env)
    assert result.returncode != 0
    assert "analyses/orders_over_100.sql" in result.stdout
    assert "CP01" in result.stdout  # upper-case keywords, among others

    assert _run([str(BIN / "pre-commit"), "install"], repo_copy, env).returncode == 0
    first = _run(["git", "commit", "--quiet", "-m", "add analysis"], repo_copy, env)
    assert first.returncode != 0, "the hook must stop a commit whose SQL it had to fix"
    assert "files were modified by this hook" in first.stdout + first.stderr
    assert bad.read_text() == (
        "select\n"
        "    order_key,\n"
        "    customer_key,\n"
        "    total_price\n"
        "from {{ ref('stg_tpch__orders') }}\n"
        "where total_price > 100\n"
    )

    _run(["git", "add", str(bad)], repo_copy, env)
    second = _run(["git", "commit", "--quiet", "-m", "add analysis"], repo_copy, env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert _make_lint(repo_copy, env).returncode == 0


def _commit(repo: Path, env: dict[str, str], message: str) -> str:
    _run(["git", "commit", "--quiet", "--no-verify", "--all", "-m", message], repo, env)
    return _run(["git", "rev-parse", "HEAD"], repo, env).stdout.strip()


def test_lint_changed_lints_what_the_branch_changed(repo_copy: Path, tmp_path: Path) -> None:
    """`make lint-changed` (pull requests) on a branch of one commit changing one model: a
    violation there fails it, naming that file alone; the same change written cleanly passes."""
    env = _env(tmp_path)
    base = _run(["git", "rev-parse", "HEAD"], repo_copy, env).stdout.strip()
    model = repo_copy / "models" / "marts" / "finance" / "revenue_by_nation_month.sql"
    clean = model.read_text()
    model.write_text(clean.replace("select * from final", "SELECT * FROM final"))
    _commit(repo_copy, env, "upper-case keywords")

    lint_changed = ["make", "-o", ".venv/.installed", "lint-changed", f"BASE={base}"]
    result = _run(lint_changed, repo_copy, env)
    assert result.returncode != 0, result.stdout
    linted = [line for line in result.stdout.splitlines() if line.startswith("== [")]
    assert linted == ["== [models/marts/finance/revenue_by_nation_month.sql] FAIL"], result.stdout
    assert "CP01" in result.stdout

    model.write_text(clean + "-- a change under review\n")
    _commit(repo_copy, env, "the same change, cleanly")
    result = _run([*lint_changed, "SQLFLUFF_FORMAT=json"], repo_copy, env)  # lists what it linted
    assert result.returncode == 0, result.stdout
    (linted,) = json.loads(result.stdout.splitlines()[-1])
    assert linted["filepath"].endswith("revenue_by_nation_month.sql") and not linted["violations"]


def test_import_rules_fail_on_a_cycle_and_on_the_adapter_importing_the_tooling(
    tmp_path: Path,
) -> None:
    """The import check of `make lint` passes on the project, and names both faults planted in a
    small tree: two tooling modules importing each other (one inside a function), and an adapter
    module importing the tooling."""
    check = [str(BIN / "python"), str(PROJECT_DIR / "lint" / "import_rules.py")]
    clean = _run([*check, "src"], PROJECT_DIR, dict(os.environ))
    assert clean.returncode == 0, clean.stderr

    tree = {
        "lakehouse/__init__.py": "",
        "lakehouse/catalog.py": "from lakehouse import sessions\n",
        "lakehouse/sessions.py": "def start():\n    from lakehouse.catalog import read\n",
        "lakehouse/cli.py": "from lakehouse import catalog\n",
        "dbt/adapters/lakehouse_spark/__init__.py": "from dbt.adapters.lakehouse_spark import impl\n",
        "dbt/adapters/lakehouse_spark/impl.py": "import lakehouse.sessions\n",
    }
    for name, text in tree.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    planted = _run([*check, str(tmp_path)], PROJECT_DIR, dict(os.environ))
    assert planted.returncode == 1
    problems = planted.stderr.splitlines()
    assert len(problems) == 2, planted.stderr
    assert "import cycle: lakehouse.catalog " in problems[0]
    assert "lakehouse.sessions (imports lakehouse.catalog)" in problems[0]
    assert "dbt.adapters.lakehouse_spark.impl imports lakehouse.sessions" in problems[1]
