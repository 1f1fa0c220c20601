"""The 22 TPC-H queries as dbt models: left out of a plain `dbt build` (read through the catalog),
and a check that names a wrong value and a missing row. The models themselves, built as `make
tpch-check` builds them and compared with the official answers and with DuckDB running the
official queries over the same Parquet files, are the README's `make tpch-check`, run by
test_readme.py."""

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SCALE, Lakehouse

from lakehouse.checks import tpch_answers
from lakehouse.data import tpch_data

QUERY_TABLES = tpch_answers.model_tables("analytics_tpch")


def test_a_plain_build_leaves_the_query_models_out(built_lakehouse: Lakehouse) -> None:
    served = built_lakehouse.served()
    for table in QUERY_TABLES:
        with pytest.raises(FileNotFoundError):
            served.parquet(table)
    served.parquet("analytics_marts.fct_orders")  # what it reads from is there


def test_the_check_names_a_wrong_value_and_a_missing_row(raw_data: Path) -> None:
    """Q1's rows as DuckDB computes them over the raw files (typed as a model's rows are) match
    the official answer; one unit more in a sum, or a row fewer, is named."""
    rows = tpch_answers.duckdb_results(tpch_data.dataset_dir(raw_data, SCALE))[1]
    answer = tpch_answers.official_answers(SCALE)[1]
    assert tpch_answers.compare(1, "official answer", rows, answer) == []

    one_unit_more = [(*rows[0][:2], rows[0][2] + Decimal(1), *rows[0][3:]), *rows[1:]]
    (wrong,) = tpch_answers.compare(1, "official answer", one_unit_more, answer)
    assert "differs from" in str(wrong)
    (missing,) = tpch_answers.compare(1, "official answer", rows[1:], answer)
    assert f"{len(rows) - 1} rows, expected {len(rows)}" in str(missing)
