"""The Parquet files behind what a model publishes, for readers of the warehouse's files that do not
go through Spark's catalog (DuckDB checks, `lakehouse tpch-check`).

Each build of a table or incremental model writes a new version table, <model>__v<version>, and
then switches the model's view to it (macros/materializations/); incremental models add
versions of single partitions, as folders <partition>/lakehouse_version=<version>/. After a
successful build the published data is the newest version table, and in it the newest version of
each partition: the version a build replaced stays beside it, older for readers still reading it,
until the model's next build.
"""

import re
from pathlib import Path

VERSION_COLUMN = "lakehouse_version"
_VERSION_FOLDER = re.compile(rf"{VERSION_COLUMN}=(\d+)")


def _version_of(folder: Path, pattern: re.Pattern[str]) -> int:
    match = pattern.fullmatch(folder.name)
    return int(match.group(1)) if match else -1


def published_table_dir(schema_dir: Path, model: str) -> Path:
    """The folder of the model's published version table; the folder named after the model when
    it was written without versions (e.g. by the raw-Spark baseline)."""
    pattern = re.compile(rf"{re.escape(model)}__v(\d+)")
    versions = [
        folder
        for folder in schema_dir.glob(f"{model}__v*")
        # A write that failed leaves its folder without data files.
        if _version_of(folder, pattern) >= 0 and any(folder.rglob("*.parquet"))
    ]
    if versions:
        return max(versions, key=lambda folder: _version_of(folder, pattern))
    return schema_dir / model


def published_files(schema_dir: Path, model: str) -> list[Path]:
    """The data files of the model's published rows (see the module docstring)."""
    table_dir = published_table_dir(schema_dir, model)
    newest: dict[Path, Path] = {}  # partition folder -> its newest version folder
    for version_dir in table_dir.rglob(f"{VERSION_COLUMN}=*"):
        current = newest.get(version_dir.parent)
        if current is None or _version_of(version_dir, _VERSION_FOLDER) > _version_of(
            current, _VERSION_FOLDER
        ):
            newest[version_dir.parent] = version_dir
    roots = newest.values() if newest else [table_dir]
    files = sorted(file for root in roots for file in root.rglob("*.parquet"))
    if not files:
        raise FileNotFoundError(f"no Parquet file of {model} under {schema_dir}: build it first")
    return files


def duckdb_relation(schema_dir: Path, model: str) -> str:
    """A DuckDB table expression over the model's published rows, with its partition columns and
    without the version column."""
    files = published_files(schema_dir, model)
    listed = ", ".join(f"'{file}'" for file in files)
    scan = f"read_parquet([{listed}], hive_partitioning = true)"
    if any(f"{VERSION_COLUMN}=" in str(file) for file in files):
        return f"(select * exclude ({VERSION_COLUMN}) from {scan})"
    return f"(select * from {scan})"
