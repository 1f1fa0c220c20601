"""Faults during a build. A model that fails at run time, a Python model that raises, a mart whose
columns break its contract and an incremental model that gains a column all fail naming what is
wrong, and readers keep the last good rows (a table, and an incremental fact, rebuilt in full or
incrementally). (A Thrift server or a worker lost during a build: test_thrift_server.py; the
Thrift container restarted: test_compose.py.)"""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Lakehouse, fingerprint, project_with_changes

# The marts these tests break, of every kind: tables (SQL, Python), incremental (SQL, Python).
BROKEN_MARTS = [
    "dim_customer",
    "dim_part",
    "fct_orders",
    "supplier_monthly_deliveries",
    "supplier_reliability_scores",
]


def fail_at_run_time(code: str) -> str:
    """A SQL model that fails inside the Spark job, after rows have been read: a run-time error,
    not a compile error."""
    assert code.rstrip().endswith("select * from final"), code[-200:]
    body = code.rstrip().removesuffix("select * from final")
    return body + "select * from final where raise_error('injected failure') is null\n"


def replace_once(old: str, new: str) -> Callable[[str], str]:
    def change(code: str) -> str:
        assert code.count(old) == 1, f"{old!r} should occur once"
        return code.replace(old, new)

    return change


# A Python model that raises before it reads anything.
raise_first = replace_once(
    "    dbt.config(", "    raise RuntimeError('injected failure')\n    dbt.config("
)


@pytest.fixture(scope="module")
def broken_marts_built(tmp_path_factory: pytest.TempPathFactory, raw_data: Path) -> Lakehouse:
    """BROKEN_MARTS with what they read, built once; each test leaves them as they were."""
    lakehouse = Lakehouse(root=tmp_path_factory.mktemp("faults"), data_dir=raw_data)
    lakehouse.dbt(
        "build", "--select", *(f"+{mart}" for mart in BROKEN_MARTS),
        "--resource-type", "seed", "--resource-type", "snapshot", "--resource-type", "model",
    )  # fmt: skip
    return lakehouse


def run_failing(lakehouse: Lakehouse, project: Path, *args: str) -> str:
    """dbt run of the changed project, which must fail; its output, after checking that every
    BROKEN_MART failed and that the catalog still serves their last good rows."""
    before = fingerprint(lakehouse, BROKEN_MARTS)
    result = lakehouse.dbt(
        "run", "--project-dir", str(project), "--select", *BROKEN_MARTS, *args,
        expect_success=False,
    )  # fmt: skip
    run_results = json.loads((lakehouse.target_dir / "run_results.json").read_text())
    statuses = {
        node["unique_id"].split(".")[-1]: node["status"]
        for node in run_results["results"]
        if node["unique_id"].startswith("model.")
    }
    assert statuses == dict.fromkeys(BROKEN_MARTS, "error"), result.stdout[-3000:]
    assert fingerprint(lakehouse, BROKEN_MARTS) == before
    return result.stdout


def test_failing_full_rebuilds_keep_the_last_good_rows(
    broken_marts_built: Lakehouse, tmp_path: Path
) -> None:
    lh = broken_marts_built
    (orders,) = lh.query(f"select count(*) from {lh.raw('orders')}")[0]
    assert fingerprint(lh, ["fct_orders"])["fct_orders"][0] == orders

    failing = project_with_changes(
        tmp_path / "project",
        {
            "dim_customer.sql": fail_at_run_time,
            "dim_part.sql": fail_at_run_time,
            "fct_orders.sql": fail_at_run_time,
            "supplier_monthly_deliveries.py": raise_first,
            "supplier_reliability_scores.py": raise_first,
        },
    )
    output = run_failing(lh, failing, "--full-refresh")
    assert output.count("injected failure") >= len(BROKEN_MARTS), output[-3000:]


def test_refused_changes_name_what_is_wrong_and_keep_the_last_good_rows(
    broken_marts_built: Lakehouse, tmp_path: Path
) -> None:
    """Incremental runs, as the daily build runs them: wrong-typed and missing columns against
    enforced contracts, an incremental Python model that gains a column, a Python model that
    raises, an incremental SQL model that fails at run time."""
    changed = project_with_changes(
        tmp_path / "project",
        {
            "dim_customer.sql": replace_once(
                "select * from final",
                "select * except (account_balance), "
                "cast(account_balance as string) as account_balance from final",
            ),
            "dim_part.sql": replace_once(
                "select * from final", "select * except (retail_price) from final"
            ),
            "supplier_monthly_deliveries.py": replace_once(
                "    return items.groupBy(",
                "    return items.groupBy(F.lit(1).alias('region_count'), ",
            ),
            "supplier_reliability_scores.py": raise_first,
            "fct_orders.sql": fail_at_run_time,
        },
    )
    output = run_failing(broken_marts_built, changed)
    for expected in (
        "account_balance",
        "data type mismatch",
        "retail_price",
        "missing in definition",
        "supplier_monthly_deliveries: the model's columns changed",
        "new: region_count int",
        "injected failure",
    ):
        assert expected in output, f"{expected!r} not in dbt's output:\n{output[-5000:]}"
    assert output.count("injected failure") >= 2, output[-3000:]
