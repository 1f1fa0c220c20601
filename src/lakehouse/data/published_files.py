"""The Parquet files behind what a model's view serves, for readers of the warehouse's files that do
not go through Spark (DuckDB checks).

The view's text says what it serves (dbt.adapters.lakehouse_spark.generations): a table model's
view reads one generation table, `<model>__g<id>`, a folder of files; an incremental model's view
selects, per partition, one generation folder, `<partition>/lakehouse_generation=<id>/`. Files are
found from that, never guessed from which folder is newest: a failed build leaves a newer one.
"""

from pathlib import Path

from dbt.adapters.lakehouse_spark import generations


def published_files(schema_dir: Path, model: str, view_text: str) -> list[Path]:
    """The data files of the rows the view of `model` (its text, as the catalog holds it) serves,
    under the warehouse folder of its schema."""
    served = generations.served(model, view_text)
    if served is None:
        raise ValueError(f"the view of {model} reads no generation table: {view_text!r}")
    table_dir = schema_dir / generations.table_name(model, served.table_generation)
    roots = [table_dir]
    if served.partitions is not None:
        roots = [
            table_dir.joinpath(
                *(f"{column}={_folder_value(value)}" for column, value in partition),
                f"{generations.COLUMN}={generation}",
            )
            for generation, partitions in served.partitions.items()
            for partition in partitions
        ]
    files = sorted(file for root in roots for file in root.rglob("*.parquet"))
    if not files:
        raise FileNotFoundError(f"no Parquet file of {model} under {table_dir}: build it first")
    return files


def _folder_value(value: str | None) -> str:
    # Partition values here are dates, numbers and words (the materialization refuses others).
    return "__HIVE_DEFAULT_PARTITION__" if value is None else value


def served_rows(schema_dir: Path, model: str, view_text: str) -> str:
    """A DuckDB table expression over the rows the view of `model` serves, with its partition
    columns and without the generation column."""
    listed = ", ".join(f"'{file}'" for file in published_files(schema_dir, model, view_text))
    scan = f"read_parquet([{listed}], hive_partitioning = true)"
    if generations.served(model, view_text).partitioned:
        return f"(select * exclude ({generations.COLUMN}) from {scan})"
    return f"(select * from {scan})"
