"""The 22 TPC-H queries as dbt models, read through the catalog: left out of a plain `dbt build`,
and once built as `make tpch-check` builds them, their results at SF 0.01 against the official
answers and against DuckDB running the official queries over the same Parquet files. (SF 0.1: the
README's `make tpch-check SCALE=0.1`, run by test_readme.py.)"""

from decimal import Decimal

import pytest
from conftest import Lakehouse

from lakehouse.checks import tpch_answers

QUERY_TABLES = tpch_answers.model_tables("analytics_tpch")


def test_a_plain_build_leaves_the_query_models_out(built_lakehouse: Lakehouse) -> None:
    served = built_lakehouse.served()
    for table in QUERY_TABLES:
        with pytest.raises(FileNotFoundError):
            served.parquet(table)
    served.parquet("analytics_marts.fct_orders")  # what it reads from is there


@pytest.fixture(scope="module")
def queries_built(built_lakehouse: Lakehouse) -> Lakehouse:
    """The suite's build, then the query models as `make tpch-check` builds them."""
    built_lakehouse.dbt("build", "--select", "+tag:tpch", "--indirect-selection", "cautious")
    return built_lakehouse


def test_every_query_matches_the_official_answers_and_duckdb(queries_built: Lakehouse) -> None:
    problems = tpch_answers.check(
        queries_built.served(), "analytics_tpch", queries_built.dataset_dir, 0.01
    )
    assert [str(problem) for problem in problems] == []


def test_the_check_names_a_wrong_value_and_a_missing_row(queries_built: Lakehouse) -> None:
    rows = tpch_answers.model_rows(queries_built.served(), "analytics_tpch.tpch_q01")
    answer = tpch_answers.official_answers(0.01)[1]
    assert tpch_answers.compare(1, "official answer", rows, answer) == []

    one_unit_more = [(*rows[0][:2], rows[0][2] + Decimal(1), *rows[0][3:]), *rows[1:]]
    (wrong,) = tpch_answers.compare(1, "official answer", one_unit_more, answer)
    assert "differs from" in str(wrong)
    (missing,) = tpch_answers.compare(1, "official answer", rows[1:], answer)
    assert f"{len(rows) - 1} rows, expected {len(rows)}" in str(missing)
