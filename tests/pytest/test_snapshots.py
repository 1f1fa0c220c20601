"""dbt snapshots (SCD2) on plain Parquet: daily extracts of a customer table, in which rows change,
close and reopen, snapshotted by every strategy and hard-delete mode; each history, read through
the catalog, equals the SCD2 history computed here from the extracts alone (scd2 below, written
from dbt's documented semantics, not from its macros). A small project of its own
(scratch_project.py)."""

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pytest
from scratch_project import ScratchProject

EXTRACT_SQL = """\
select
    customer_id,
    segment,
    case
        when '{{ env_var("FAIL_EXTRACT", "no") }}' = 'yes' then raise_error('extract made to fail')
        else balance
    end as balance,
    updated_at
from {{ ref('customers') }}
"""
PROJECT = {
    "dbt_project.yml": """\
name: snapshots
version: "1.0"
profile: tpch_lakehouse
seeds:
  snapshots:
    customers:
      +column_types: {customer_id: int, segment: string, balance: int, updated_at: timestamp}
""",
    "models/customers_extract.sql": EXTRACT_SQL,
    "snapshots/customers.yml": """\
snapshots:
  - name: customers_ignore
    relation: ref('customers_extract')
    config: {unique_key: customer_id, strategy: timestamp, updated_at: updated_at,
             hard_deletes: ignore}
  - name: customers_invalidate
    relation: ref('customers_extract')
    config: {unique_key: customer_id, strategy: timestamp, updated_at: updated_at,
             hard_deletes: invalidate}
  - name: customers_new_record
    relation: ref('customers_extract')
    config: {unique_key: customer_id, strategy: timestamp, updated_at: updated_at,
             hard_deletes: new_record}
  - name: customers_checked
    relation: ref('customers_extract')
    config:
      unique_key: customer_id
      strategy: check
      check_cols: [segment, balance]
      hard_deletes: new_record
      dbt_valid_to_current: "to_timestamp('9999-12-31')"
      snapshot_meta_column_names:
        dbt_valid_from: valid_from
        dbt_valid_to: valid_to
        dbt_scd_id: version_id
        dbt_updated_at: updated
        dbt_is_deleted: is_deleted
""",
}
T1, T2, T3 = "2024-01-01 00:00:00", "2024-01-02 00:00:00", "2024-01-03 00:00:00"
Extract = dict[int, tuple[str, int, str]]  # customer -> segment, balance, updated_at
DAYS: list[Extract] = [
    {1: ("AUTOMOBILE", 100, T1), 2: ("BUILDING", 200, T1), 3: ("MACHINERY", 300, T1),
     4: ("HOUSEHOLD", 400, T1)},
    # 2 changes, 3 closes, 5 opens.
    {1: ("AUTOMOBILE", 100, T1), 2: ("FURNITURE", 250, T2), 4: ("HOUSEHOLD", 400, T1),
     5: ("BUILDING", 500, T2)},
    # 1 is touched (a new updated_at, no checked column changed), 3 reopens, 4's balance changes
    # without a new updated_at (a checked column: only the check strategy sees it).
    {1: ("AUTOMOBILE", 100, T3), 2: ("FURNITURE", 250, T2), 3: ("MACHINERY", 300, T3),
     4: ("HOUSEHOLD", 410, T1), 5: ("BUILDING", 500, T2)},
]  # fmt: skip
SNAPSHOTS = {
    # name: strategy, hard_deletes, the value of valid-to for current rows
    "customers_ignore": ("timestamp", "ignore", None),
    "customers_invalidate": ("timestamp", "invalidate", None),
    "customers_new_record": ("timestamp", "new_record", None),
    "customers_checked": ("check", "new_record", "9999-12-31 00:00:00"),
}


@dataclass
class Version:
    customer: int
    segment: str
    balance: int
    updated_at: str
    valid_from: str  # a timestamp of the data, or "run N" for the time snapshot N ran
    valid_to: str | None
    deleted: bool = False


def scd2(runs: list[tuple[str, Extract]], strategy: str, hard_deletes: str) -> list[Version]:
    """The history dbt documents for these extracts: a row's version is current until the key's
    row changes (timestamp: a later updated_at; check: a checked column differs), which closes it
    at the new row's updated_at (timestamp) or the snapshot's time (check) and opens the next one;
    a key missing from an extract is left open (ignore), closed at the snapshot's time
    (invalidate), or closed and followed by a deletion record (new_record), which the key's
    reappearance closes like any change."""
    versions: list[Version] = []
    for now, extract in runs:
        current = {v.customer: v for v in versions if v.valid_to is None}
        for customer, (segment, balance, updated_at) in extract.items():
            version = current.get(customer)
            if version is not None and not version.deleted:
                changed = (
                    version.updated_at < updated_at
                    if strategy == "timestamp"
                    else (version.segment, version.balance) != (segment, balance)
                )
                if not changed:
                    continue
            since = updated_at if strategy == "timestamp" else now
            if version is not None:
                version.valid_to = since
            versions.append(Version(customer, segment, balance, updated_at, since, None))
        for customer, version in current.items():
            if customer in extract or hard_deletes == "ignore" or version.deleted:
                continue
            version.valid_to = now
            if hard_deletes == "new_record":
                versions.append(replace(version, valid_from=now, valid_to=None, deleted=True))
    return versions


@dataclass
class Runs:
    """When each snapshot run happened, to name the times it wrote."""

    windows: list[tuple[str, datetime, datetime]]

    def name(self, stamp: str | None) -> str | None:
        if stamp is None or stamp.startswith(("2024", "9999")):
            return stamp
        moment = datetime.fromisoformat(stamp)
        (label,) = [label for label, start, end in self.windows if start <= moment <= end]
        return label


def land(project: ScratchProject, extract: Extract) -> None:
    lines = ["customer_id,segment,balance,updated_at"] + [
        f"{customer},{segment},{balance},{updated_at}"
        for customer, (segment, balance, updated_at) in extract.items()
    ]
    project.write("seeds/customers.csv", "\n".join(lines) + "\n")


def histories(project: ScratchProject) -> dict[str, list[dict]]:
    """Each snapshot's rows through its view (one query), in dbt's standard columns (renamed ones
    as named)."""
    selects = []
    for name, (_, hard_deletes, current) in SNAPSHOTS.items():
        names = ("dbt_valid_from", "dbt_valid_to", "dbt_updated_at", "dbt_is_deleted", "dbt_scd_id")
        if current:  # customers_checked, with snapshot_meta_column_names
            names = ("valid_from", "valid_to", "updated", "is_deleted", "version_id")
        valid_from, valid_to, updated, deleted, scd_id = names
        selects.append(f"""
            select '{name}' as snapshot, customer_id, segment, balance,
                cast(updated_at as string) as updated_at,
                cast({valid_from} as string) as valid_from, cast({valid_to} as string) as valid_to,
                cast({updated} as string) as updated,
                {deleted if hard_deletes == "new_record" else "'False'"} as deleted,
                {scd_id} as scd_id
            from {{{{ ref('{name}') }}}}""")
    found: dict[str, list[dict]] = {name: [] for name in SNAPSHOTS}
    for row in project.show("\nunion all".join(selects)):
        found[row.pop("snapshot")].append(row)
    return {name: sorted(rows, key=str) for name, rows in found.items()}


def as_versions(rows: list[dict], runs: Runs) -> list[tuple]:
    return sorted(
        (
            row["customer_id"],
            row["segment"],
            row["balance"],
            row["updated_at"],
            runs.name(row["valid_from"]),
            runs.name(row["valid_to"]),
            row["deleted"] == "True",
        )
        for row in rows
    )


def expected(name: str, runs: list[tuple[str, Extract]]) -> list[tuple]:
    strategy, hard_deletes, current = SNAPSHOTS[name]
    return sorted(
        (
            v.customer,
            v.segment,
            v.balance,
            v.updated_at,
            v.valid_from,
            v.valid_to or current,
            v.deleted,
        )
        for v in scd2(runs, strategy, hard_deletes)
    )


@pytest.fixture
def project(tmp_path: Path) -> ScratchProject:
    return ScratchProject.create(tmp_path, PROJECT)


def test_snapshots_keep_the_history_of_the_extracts(project: ScratchProject) -> None:
    runs = Runs([])
    landed: list[tuple[str, Extract]] = []

    def snapshot(label: str, *commands: tuple[str, ...]) -> None:
        start = datetime.now()
        for command in commands:
            project.dbt(*command)
        runs.windows.append((label, start, datetime.now()))

    for day, extract in enumerate(DAYS[:2]):
        land(project, extract)
        snapshot(f"run {day}", ("build",))
        landed.append((f"run {day}", extract))
    # Nothing new, and a full refresh, which snapshots run through (they keep their history):
    # every snapshot runs and adds no row.
    before = histories(project)
    project.dbt("build", "--full-refresh")
    for name, result in project.results().items():
        if name in SNAPSHOTS:
            assert not result["message"].startswith("unchanged"), result
    assert histories(project) == before
    # The third day through `dbt seed` and `dbt snapshot`.
    land(project, DAYS[2])
    snapshot("run 2", ("seed",), ("snapshot",))
    landed.append(("run 2", DAYS[2]))

    for name, rows in histories(project).items():
        assert as_versions(rows, runs) == expected(name, landed), name
        assert all(row["updated"] == row["valid_from"] for row in rows), name
        assert len({row["scd_id"] for row in rows}) == len(rows), name


def test_a_failed_snapshot_keeps_the_history(project: ScratchProject) -> None:
    land(project, DAYS[0])
    project.dbt("build")
    land(project, DAYS[1])
    project.dbt("seed")
    before = histories(project)
    # The extract's view now fails when read: the snapshots reading it fail.
    failed = project.dbt("build", expect_success=False, FAIL_EXTRACT="yes")
    assert "extract made to fail" in failed.stdout
    statuses = {name: r["status"] for name, r in project.results().items() if name in SNAPSHOTS}
    assert statuses == dict.fromkeys(SNAPSHOTS, "error")
    assert histories(project) == before
