"""Raw files registered as external tables at the start of each run, in as few statements as the
catalog allows. The files of every table are listed first, in one query that opens no file
(Spark's binaryFile source without its content column reads the folders only: its cost grows with
the number of files, not of rows); the listing gives each table's fingerprint (what reads it builds
again if it changes) and its layout. A table is then created only when it is missing or registered
otherwise (another data folder, layout or column list), and brought up to its files where they
changed: landing partitions synchronized, cached file listings dropped.

The files are the truth: a table is external, so dropping it keeps them. A folder of landing
folders (the daily feed) is registered partitioned by its landing date, which a build that wants
recent rows prunes by; flat files are read recursively, the landing date null."""

from collections.abc import Iterable
from dataclasses import dataclass

from dbt.adapters.lakehouse_spark.generations import sql_string
from dbt.adapters.lakehouse_spark.landed import Landed
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

    def creation(self, files: Landed | None) -> list[str]:
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
            *self.refresh(files, registered=(), changed=False),
        ]

    def refresh(self, files: Landed | None, registered: Iterable[str], changed: bool) -> list[str]:
        """What brings the catalog up to the files: the partitions synchronized with the landing
        folders (Spark's `repair table`, which also drops the cached listings) where those on disk
        are not the `registered` ones (the catalog's "column=value" names); else the cached file
        listings dropped where the files `changed`. Nothing when nothing did."""
        on_disk = {f"{files.column}={value}" for value in files.partitions} if files else set()
        if self.landed and on_disk != set(registered):
            return [f"repair table {self.relation} sync partitions"]
        return [f"refresh table {self.relation}"] if changed else []


def listing(relation: str) -> str:
    """The temporary view that lists a table's files."""
    return relation.replace(".", "__") + "__files"


def listing_view(relation: str, location: str) -> str:
    """Every file under the location (path, size, modification time), hidden ones left out as a
    table leaves them; a missing folder fails with PATH_NOT_FOUND."""
    return (
        f"create or replace temporary view {listing(relation)} using binaryFile "
        f"options (path {sql_string(location)}, recursiveFileLookup 'true')"
    )


def files_query(relations: Iterable[str]) -> str:
    """Every file of every table (relation, path, size, modification time), from the listings."""
    return "\nunion all\n".join(
        f"select {sql_string(relation)}, path, length, modificationTime from {listing(relation)}"
        for relation in relations
    )
