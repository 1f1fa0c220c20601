"""The raw data command: scale factors, file layout, and reuse of what was generated."""

import pytest

from lakehouse.data import tpch_data


@pytest.mark.parametrize(
    ("text", "label"), [("0.01", "0.01"), ("1", "1"), ("1.0", "1"), ("10", "10")]
)
def test_scale_labels_name_one_folder_per_scale(text: str, label: str) -> None:
    assert tpch_data.scale_label(tpch_data.parse_scale(text)) == label


@pytest.mark.parametrize("text", ["", "abc", "0", "-1", "nan", "inf", "1001"])
def test_invalid_scales_are_refused(text: str) -> None:
    with pytest.raises(tpch_data.InvalidScaleError, match="invalid scale factor"):
        tpch_data.parse_scale(text)


def test_large_tables_are_split_into_bounded_files() -> None:
    assert tpch_data.expected_files("lineitem", 0.01) == ["lineitem.1.parquet"]
    assert len(tpch_data.expected_files("lineitem", 10)) == 12  # 60M rows, 5M per file
    assert tpch_data.expected_files("nation", 10) == ["nation.1.parquet"]


def test_generation_reuses_complete_tables_and_restores_a_deleted_file(tmp_path) -> None:
    dataset = tpch_data.generate(tmp_path, 0.01)
    assert tpch_data.incomplete_tables(dataset, 0.01) == []
    orders = dataset / "orders" / "orders.1.parquet"
    lineitem = dataset / "lineitem" / "lineitem.1.parquet"
    orders_written = orders.stat().st_mtime_ns
    lineitem.unlink()
    assert tpch_data.incomplete_tables(dataset, 0.01) == ["lineitem"]

    tpch_data.generate(tmp_path, 0.01)
    assert lineitem.is_file()
    assert orders.stat().st_mtime_ns == orders_written  # reused, not written again


def test_generation_replaces_a_truncated_file(tmp_path) -> None:
    dataset = tpch_data.generate(tmp_path, 0.01)
    orders = dataset / "orders" / "orders.1.parquet"
    intact = orders.read_bytes()
    orders.write_bytes(intact[: len(intact) // 2])
    assert tpch_data.incomplete_tables(dataset, 0.01) == ["orders"]

    tpch_data.generate(tmp_path, 0.01)
    assert orders.read_bytes() == intact  # tpchgen is deterministic
