"""Raw files registered as external tables at the start of each run, in as few statements as the
catalog allows: a table is created only when it is missing or registered otherwise (another data
folder, layout or column list), then refreshed so that the run sees the files landed since; the
files of every table are listed in one query (one Spark job), which gives each table's fingerprint
(what reads it builds again if it changes) and its row count.

The files are the truth: a table is external, so dropping it keeps them. A folder of landing
folders (the daily feed) is registered partitioned by its landing date, which a build that wants
recent rows prunes by; flat files are read recursively, the landing date null."""

from collections.abc import Iterable
from dataclasses import dataclass

from dbt.adapters.lakehouse_spark.generations import sql_string
from dbt.adapters.lakehouse_spark.served_state import Described

LANDING_COLUMN = "landing_date"


@dataclass(frozen=True)
class RawTable:
    relation: str  # schema.identifier
    columns: tuple[str, ...]  # "name type", in order
    location: str
    landed: bool  # partitioned by landing date

    def matches(self, described: Described | None) -> bool:
        """Whether the catalog has it registered exactly so."""
        return (
            described is not None
            and described.columns == self.columns
            and described.partitioned == self.landed
            and described.location in (self.location, f"file:{self.location}")
        )

    def creation(self) -> list[str]:
        layout = (
            f"partitioned by ({LANDING_COLUMN}) "
            if self.landed
            else "options (recursiveFileLookup 'true') "
        )
        columns = ", ".join(self.columns)
        create = f"create table {self.relation} ({columns}) using parquet {layout}location "
        return [
            f"drop table if exists {self.relation}",
            create + sql_string(self.location),
            *self.refresh(),
        ]

    def refresh(self) -> list[str]:
        """Partitions landed since are added to the catalog; cached file listings dropped."""
        if self.landed:
            return [f"repair table {self.relation} sync partitions"]
        return [f"refresh table {self.relation}"]


def files_query(tables: Iterable[RawTable]) -> str:
    """Every file of every table (path, size, modification time) with its row count."""
    return "\nunion all\n".join(
        f"select {sql_string(table.relation)}, _metadata.file_path, _metadata.file_size, "
        f"_metadata.file_modification_time, count(*) from {table.relation} group by all"
        for table in tables
    )
