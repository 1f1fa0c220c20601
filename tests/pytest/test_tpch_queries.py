"""The 22 TPC-H queries as dbt models, read through the catalog: their results at SF 0.01 against
the official answer sets and against DuckDB running the official queries over the same Parquet
files. (SF 0.1: the README's `make tpch-check SCALE=0.1`, run by test_readme.py.)"""

from decimal import Decimal

from conftest import Lakehouse

from lakehouse import tpch_answers


def test_every_query_matches_the_official_answers_and_duckdb(built_lakehouse: Lakehouse) -> None:
    problems = tpch_answers.check(
        built_lakehouse.served(), "analytics_tpch", built_lakehouse.dataset_dir, 0.01
    )
    assert [str(problem) for problem in problems] == []


def test_the_check_names_a_wrong_value_and_a_missing_row(built_lakehouse: Lakehouse) -> None:
    rows = tpch_answers.model_rows(built_lakehouse.served(), "analytics_tpch.tpch_q01")
    answer = tpch_answers.official_answers(0.01)[1]
    assert tpch_answers.compare(1, "official answer", rows, answer) == []

    one_unit_more = [(*rows[0][:2], rows[0][2] + Decimal(1), *rows[0][3:]), *rows[1:]]
    (wrong,) = tpch_answers.compare(1, "official answer", one_unit_more, answer)
    assert "differs from" in str(wrong)
    (missing,) = tpch_answers.compare(1, "official answer", rows[1:], answer)
    assert f"{len(rows) - 1} rows, expected {len(rows)}" in str(missing)
