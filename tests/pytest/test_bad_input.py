"""Bad input is reported clearly and loses no row: missing raw files, an invalid scale factor, and
raw rows that break the rules."""

import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from conftest import BIN, Lakehouse

from lakehouse import paths


def test_missing_table_file_names_the_file_and_the_command(fresh_lakehouse: Lakehouse) -> None:
    lh = fresh_lakehouse
    for file in (lh.dataset_dir / "lineitem").glob("*.parquet"):
        file.unlink()
    result = lh.dbt("build", "--select", "stg_tpch__regions", expect_success=False)
    assert (
        f"Raw TPC-H table 'lineitem' has no Parquet file in {lh.dataset_dir}/lineitem/"
        in result.stdout
    )
    assert "make data SCALE=0.01" in result.stdout


def test_truncated_parquet_file_fails_the_run_naming_the_file(fresh_lakehouse: Lakehouse) -> None:
    lh = fresh_lakehouse
    damaged = lh.dataset_dir / "orders" / "orders.1.parquet"
    damaged.write_bytes(damaged.read_bytes()[:1000])
    result = lh.dbt("build", "--select", "stg_tpch__orders", expect_success=False)
    assert str(damaged) in result.stdout
    assert "make data SCALE=0.01" in result.stdout


def test_running_out_of_driver_memory_names_the_setting(tmp_path: Path, raw_data: Path) -> None:
    """A query that needs more heap than the embedded driver has fails naming SPARK_DRIVER_MEMORY
    and what each scale was measured to need, not a Spark internal error alone."""
    lh = Lakehouse(root=tmp_path, data_dir=raw_data, extra_env={"SPARK_DRIVER_MEMORY": "1g"})
    # About 3 GB of strings collected into one row.
    query = "select size(collect_list(repeat(cast(id as string), 1000000))) as n from range(3000)"
    result = lh.dbt("show", "--inline", query, expect_success=False)
    # The task's OutOfMemoryError fails the query, or takes the Spark context down first and the
    # query sees it stopped: which one comes first varies from run to run.
    said = re.search(
        r"The embedded Spark (ran out of memory|stopped, most often after running out of memory "
        r"\(its log says\)): raise SPARK_DRIVER_MEMORY \(now 1g; measured to build: 2g up to SF 1",
        result.stdout,
    )
    assert said, result.stdout[-5000:]


def test_no_raw_data_at_all_names_the_command(tmp_path: Path) -> None:
    lh = Lakehouse(root=tmp_path, data_dir=tmp_path / "empty", scale=1)
    result = lh.dbt("build", "--select", "stg_tpch__regions", expect_success=False)
    assert "has no Parquet file in" in result.stdout
    assert "make data SCALE=1" in result.stdout


def test_invalid_scale_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    for scale in ["abc", "0", "-1", "1e9", "nan"]:
        result = subprocess.run(
            [str(BIN / "lakehouse"), "data", "--scale", scale, "--data-dir", str(tmp_path / "d")],
            check=False,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 2, scale
        assert f"invalid scale factor '{scale}'" in result.stderr
        assert not (tmp_path / "d").exists()


def test_invalid_scale_in_dbt_fails_before_any_table_is_created(tmp_path: Path) -> None:
    lh = Lakehouse(
        root=tmp_path, data_dir=tmp_path / "tpch", extra_env={"TPCH_SCALE": "0.01'; drop"}
    )
    result = lh.dbt("build", expect_success=False)
    assert "Invalid TPC-H scale factor '0.01'; drop'" in result.stdout
    tables = list(paths.tables_dir(lh.warehouse_dir).glob("*.db/*"))
    assert tables == []


INJECTION = "'; drop table raw_tpch.orders; --"


def test_schema_from_the_environment_must_be_an_identifier(tmp_path: Path, raw_data: Path) -> None:
    lh = Lakehouse(
        root=tmp_path, data_dir=raw_data, extra_env={"LAKEHOUSE_SCHEMA": f"analytics{INJECTION}"}
    )
    result = lh.dbt("run", "--select", "stg_tpch__regions", expect_success=False)
    assert "is not a valid Spark schema name" in result.stdout
    assert "LAKEHOUSE_SCHEMA" in result.stdout


def test_dates_from_vars_are_validated_before_reaching_sql(fresh_lakehouse: Lakehouse) -> None:
    injected = f"1999-12-31{INJECTION}"
    result = fresh_lakehouse.dbt(
        "run", "--select", "dim_date", "--vars", json.dumps({"date_spine_end": injected}),
        expect_success=False,
    )  # fmt: skip
    assert f"generate_date_spine: '{injected}' is not a date written YYYY-MM-DD" in result.stdout


def test_a_data_folder_with_quotes_in_its_name_stays_a_literal_path(
    tmp_path: Path, raw_data: Path
) -> None:
    odd_root = tmp_path / f"it's{INJECTION}"
    shutil.copytree(raw_data, odd_root)
    lh = Lakehouse(root=tmp_path, data_dir=odd_root)
    lh.dbt("run", "--select", "stg_tpch__orders")  # every raw table registered at that path
    oracle = Lakehouse(root=tmp_path, data_dir=raw_data)
    (orders,) = oracle.query(f"select count(*) from {oracle.raw('orders')}")[0]
    assert lh.show("select count(*) as row_count from raw_tpch.orders") == [{"row_count": orders}]


def nullable(schema: pa.Schema) -> pa.Schema:
    return pa.schema([column.with_nullable(True) for column in schema])


def write_faulty_rows(lh: Lakehouse) -> None:
    """Hand-made rows that break the rules, added beside the generated files."""
    lineitem = pq.read_table(next((lh.dataset_dir / "lineitem").glob("*.parquet")))
    good = lineitem.slice(0, 1).to_pylist()[0]
    order_date = duckdb.sql(
        f"select o_orderdate from {lh.raw('orders')} where o_orderkey = {good['l_orderkey']}"
    ).fetchall()[0][0]
    null_key = {**good, "l_orderkey": None, "l_linenumber": 100}
    negative_quantity = {**good, "l_linenumber": 101, "l_quantity": -good["l_quantity"]}
    ships_before_order = {
        **good,
        "l_linenumber": 102,
        "l_shipdate": order_date - timedelta(days=10),
        "l_receiptdate": order_date - timedelta(days=5),
    }
    rows = [null_key, negative_quantity, ships_before_order]
    pq.write_table(
        pa.Table.from_pylist(rows, schema=nullable(lineitem.schema)),
        lh.dataset_dir / "lineitem" / "lineitem.faulty.parquet",
    )
    customer = pq.read_table(next((lh.dataset_dir / "customer").glob("*.parquet")))
    unknown_nation = {
        **customer.slice(0, 1).to_pylist()[0],
        "c_custkey": 999_999,
        "c_nationkey": 99,
    }
    pq.write_table(
        pa.Table.from_pylist([unknown_nation], schema=nullable(customer.schema)),
        lh.dataset_dir / "customer" / "customer.faulty.parquet",
    )


def failed_tests(dbt_output: str) -> set[str]:
    return set(re.findall(r"FAIL \d+ (\S+)", dbt_output))


def test_rows_breaking_the_rules_are_rejected_or_caught_and_none_is_lost(
    fresh_lakehouse: Lakehouse,
) -> None:
    lh = fresh_lakehouse
    write_faulty_rows(lh)
    # The marts checked below, what they read, and the reconciliation with what it reads (every
    # staging and quarantine model); then their data tests.
    selection = ["+fct_order_items", "+dim_customer", "+assert_raw_rows_are_accepted_or_rejected"]
    lh.dbt("build", "--select", *selection, "--exclude", "test_type:data")
    result = lh.dbt(
        "test", "--select", *selection, "--indirect-selection", "cautious", expect_success=False
    )

    # Rows breaking a row-level rule are quarantined with the reason and the file they came from.
    rejected = lh.query(
        f"""select rejection_reason, json_extract(raw_row, '$.l_linenumber')::int, source_file
        from {lh.table("analytics_quarantine", "tpch_lineitem_rejected")}
        order by 2"""
    )
    faulty_file = f"{lh.dataset_dir}/lineitem/lineitem.faulty.parquet"
    assert [(reason, line) for reason, line, _ in rejected] == [
        ("order key or line number missing", 100),
        ("quantity not positive", 101),
    ]
    assert {re.sub("^file:/*", "/", file) for *_, file in rejected} == {faulty_file}

    # Rows breaking a rule across tables reach the marts, and a named test fails on each.
    failed = failed_tests(result.stdout)
    shipping_window = "int_order_items__enriched_ships_within_max_ship_delay_days_of_order_date"
    expected_failures = {
        shipping_window,  # ship date before order date
        # unknown nation
        "source_relationships_tpch_customer_c_nationkey__n_nationkey__source_tpch_nation_",
        "relationships_stg_tpch__customers_nation_key__nation_key__ref_stg_tpch__nations_",
    }
    assert expected_failures <= failed, f"not reported: {expected_failures - failed}"
    # The reconciliation of raw rows with accepted and rejected ones ran, and passed.
    statuses = {
        result["unique_id"].split(".")[-1]: result["status"]
        for result in json.loads((lh.target_dir / "run_results.json").read_text())["results"]
    }
    assert statuses.get("assert_raw_rows_are_accepted_or_rejected") == "pass", statuses
    # Each failure is readable: the test's name and how many rows broke the rule.
    assert f"Failure in test {shipping_window}" in result.stdout
    assert "Got 1 result, configured to fail if != 0" in result.stdout

    # Nothing was lost: raw = accepted (in the marts) + rejected, counted straight from the files.
    for mart, raw, rejected_rows in [
        ("fct_order_items", "lineitem", 2),
        ("dim_customer", "customer", 0),
    ]:
        (raw_rows,) = lh.query(f"select count(*) from {lh.raw(raw)}")[0]
        (mart_rows,) = lh.query(f"select count(*) from {lh.mart(mart)}")[0]
        assert mart_rows + rejected_rows == raw_rows, mart
