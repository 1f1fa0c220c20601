"""Data tests on the daily feed read what landed since they last passed: a new day's build tests
the new landing partitions only, still catches a new order that repeats the key of one landed
before, and reads everything again once a partition it passed on changes."""

import json
import re
from pathlib import Path

import duckdb
from conftest import Lakehouse, feed

# The orders' staging view and the raw orders, with the data tests that read nothing else.
SELECT = ["--select", "stg_tpch__orders", "source:tpch.orders", "--indirect-selection", "cautious"]
RAW_UNIQUE, VIEW_UNIQUE = (
    "source_unique_tpch_orders_o_orderkey",
    "unique_stg_tpch__orders_order_key",
)
UNIQUE_TESTS = {RAW_UNIQUE, VIEW_UNIQUE}
OLD_DAY, FIRST_DAY = "1998-06-30", "1998-07-31"


def what_tests_read(lakehouse: Lakehouse) -> dict[str, tuple[str, str]]:
    """Per data test the last command ran: its status, and what it read of the orders (the
    condition it ran with in place of the landed-partitions mark)."""
    target = lakehouse.target_dir
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    read = {}
    for result in json.loads((target / "run_results.json").read_text())["results"]:
        node = nodes.get(result["unique_id"])
        if node is None or node["resource_type"] != "test":
            continue
        ran = target / "run" / "tpch_lakehouse" / node["original_file_path"] / node["path"]
        (condition,) = re.findall(
            r"where (.*) /\* landed partitions of \S+orders \*/", ran.read_text()
        )
        read[node["name"]] = (result["status"], condition)
    return read


def repeat_an_order(lakehouse: Lakehouse, into_day: str) -> None:
    """Land a copy of one order of the history's first batch again, in `into_day`'s folder."""
    orders = lakehouse.dataset_dir / "orders"
    (first_batch,) = sorted(orders.glob("landing_date=*"))[:1]
    copy = duckdb.sql(f"select * from read_parquet('{first_batch}/*.parquet') limit 1")
    copy.write_parquet(str(orders / f"landing_date={into_day}" / "repeated.parquet"))


def test_tests_on_the_feed_read_what_landed_since_they_passed(tmp_path: Path, raw_data: Path):
    lh = Lakehouse(root=tmp_path, data_dir=tmp_path / "feed")
    feed(lh, raw_data, "start", "--until", FIRST_DAY)
    lh.dbt("build", *SELECT)
    first = what_tests_read(lh)
    assert len(first) >= 5 and {read for _, read in first.values()} == {"true"}, first

    feed(lh, raw_data, "next")  # August 1: each test reads what landed after July 31
    lh.dbt("build", *SELECT)
    daily = what_tests_read(lh)
    assert daily.keys() == first.keys()
    for name, (status, read) in daily.items():
        assert status == "pass", name
        if name in UNIQUE_TESTS:  # the new keys, with every row holding one of them
            assert re.fullmatch(r"true and \(\(\w+\) in \(select \w+ from \S+ where "
                                rf"landing_date > '{FIRST_DAY}'\)\)", read), (name, read)  # fmt: skip
        else:
            assert read == f"true and (landing_date > '{FIRST_DAY}')", (name, read)

    # August 2 lands with an order whose key landed in the history: the key test on the raw
    # orders reads the new day's keys (and the rows holding them) only, and still finds it.
    feed(lh, raw_data, "next")
    repeat_an_order(lh, "1998-08-02")
    lh.dbt("build", *SELECT, expect_success=False)
    repeated = what_tests_read(lh)
    assert [name for name, (status, _) in repeated.items() if status == "fail"] == [RAW_UNIQUE]
    assert "landing_date > '1998-07-31'" not in repeated[RAW_UNIQUE][1]
    assert "where landing_date > '1998-08-01'" in repeated[RAW_UNIQUE][1]
    # `dbt build` skipped the view and its tests; `dbt test` runs them: the view's key test reads
    # what landed after August 1 and finds it too, and the raw one, failed last time, reads all.
    lh.dbt("test", *SELECT, expect_success=False)
    repeated = what_tests_read(lh)
    assert {name for name, (status, _) in repeated.items() if status == "fail"} == UNIQUE_TESTS
    assert "where landing_date > '1998-08-01'" in repeated[VIEW_UNIQUE][1]
    assert repeated[RAW_UNIQUE][1] == "true"

    # The repeat is taken out again, and put into an old partition instead: what the tests passed
    # on changed, so they read every row, and the unique tests fail again.
    (lh.dataset_dir / "orders" / "landing_date=1998-08-02" / "repeated.parquet").unlink()
    repeat_an_order(lh, OLD_DAY)
    lh.dbt("test", *SELECT, expect_success=False)
    changed = what_tests_read(lh)
    assert {name for name, (status, _) in changed.items() if status == "fail"} == UNIQUE_TESTS
    assert {read for _, read in changed.values()} == {"true"}, changed
