"""Every incremental strategy a dbt-spark user sets, on plain Parquet: `append` adds the new rows,
`microbatch` rewrites exactly the batches asked for (and `dbt retry` only the one that failed)
and, asked for none, plans them from its latest event and what its view serves,
`merge` is refused naming why. A small project of its own (a seed of events and three models) on
the adapter and profile of this one (scratch_project.py), compared with DuckDB over the seed's
versions."""

import re
from pathlib import Path

import duckdb
import pytest
from scratch_project import ScratchProject

PROJECT = {
    "dbt_project.yml": """\
name: strategies
version: "1.0"
profile: tpch_lakehouse
seeds:
  strategies:
    events:
      +event_time: event_date
      +column_types: {event_id: int, event_date: date, amount: int}
""",
    "models/events_appended.sql": """\
{{ config(materialized='incremental', incremental_strategy='append') }}
select event_id, event_date, amount from {{ ref('events') }}
{% if is_incremental() %}
    where event_id > (select max(event_id) from {{ this }})
{% endif %}
""",
    # A batch whose month is FAIL_MONTH fails, so that a test can make one batch fail.
    "models/events_by_month.sql": """\
{{ config(
    materialized='incremental', incremental_strategy='microbatch', event_time='event_date',
    batch_size='month', begin='2024-01-01', partition_by='event_month') }}
select
    event_id,
    event_date,
    date_format(event_date, 'yyyy-MM') as event_month,
    case
        when date_format(event_date, 'yyyy-MM') = '{{ env_var("FAIL_MONTH", "none") }}'
            then raise_error('batch made to fail')
        else amount
    end as amount
from {{ ref('events') }}
""",
    "models/events_merged.sql": """\
{{ config(materialized='incremental', incremental_strategy='merge', unique_key='event_id') }}
select event_id, event_date, amount from {{ ref('events') }}
""",
}
FIRST = [(1, "2024-01-05", 10), (2, "2024-01-20", 20), (3, "2024-02-03", 30), (4, "2024-03-15", 40)]
# Every amount changed, and rows added in February, March and April.
SECOND = [
    (1, "2024-01-05", 11),
    (2, "2024-01-20", 21),
    (3, "2024-02-03", 31),
    (5, "2024-02-28", 51),
    (4, "2024-03-15", 41),
    (6, "2024-03-20", 61),
    (7, "2024-04-02", 71),
]
MONTHS = ("--event-time-start", "2024-01-01", "--event-time-end", "2024-04-01")


def land(project: ScratchProject, rows: list[tuple[int, str, int]]) -> None:
    """The seed's next version."""
    lines = ["event_id,event_date,amount", *(",".join(map(str, row)) for row in rows)]
    project.write("seeds/events.csv", "\n".join(lines) + "\n")


@pytest.fixture
def project(tmp_path: Path) -> ScratchProject:
    return ScratchProject.create(tmp_path, PROJECT)


def rows_of(seed: list[tuple[int, str, int]]) -> str:
    """A seed version as a DuckDB relation."""
    values = ", ".join(f"({key}, date '{day}', {amount})" for key, day, amount in seed)
    return f"(select * from (values {values}) as t(event_id, event_date, amount))"


def oracle(sql: str) -> list[tuple]:
    return sorted(duckdb.sql(sql).fetchall())


def test_append_adds_exactly_the_new_rows(project: ScratchProject) -> None:
    land(project, FIRST)
    project.dbt("build", "--select", "events", "events_appended")
    land(project, SECOND)
    project.dbt("build", "--select", "events", "events_appended")
    project.dbt("build", "--select", "events", "events_appended")  # nothing new: nothing added
    served = project.show(
        "select event_id, cast(event_date as string) as day, amount "
        "from {{ ref('events_appended') }}"
    )
    # The first version's rows as they were, then the second's rows with a higher key.
    expected = oracle(f"""
        select event_id, strftime(event_date, '%Y-%m-%d'), amount from {rows_of(FIRST)}
        union all
        select event_id, strftime(event_date, '%Y-%m-%d'), amount from {rows_of(SECOND)}
        where event_id > (select max(event_id) from {rows_of(FIRST)})
    """)
    assert sorted((r["event_id"], r["day"], r["amount"]) for r in served) == expected


def served_months(project: ScratchProject) -> tuple[dict[str, str], list[tuple]]:
    """What the view of events_by_month serves: each month's generation (the folder its rows are
    read from) and the rows."""
    served = project.show(
        "select event_month, event_id, amount, "
        "regexp_extract(input_file_name(), 'lakehouse_generation=([0-9]+)', 1) as generation "
        "from {{ ref('events_by_month') }}"
    )
    generations: dict[str, set[str]] = {}
    for row in served:
        generations.setdefault(row["event_month"], set()).add(row["generation"])
    assert all(len(ids) == 1 for ids in generations.values()), generations
    return (
        {month: ids.pop() for month, ids in generations.items()},
        sorted((r["event_month"], r["event_id"], r["amount"]) for r in served),
    )


def by_month(seed: list[tuple[int, str, int]], months: str) -> str:
    """DuckDB: the seed's rows in the given months, as (month, key, amount)."""
    return (
        f"select strftime(event_date, '%Y-%m'), event_id, amount from {rows_of(seed)} "
        f"where strftime(event_date, '%Y-%m') in ({months})"
    )


def batches_run(result) -> list[str]:
    """The batches a dbt command ran, by their start as dbt prints them."""
    return re.findall(r"START batch (\S+) of", result.stdout)


def test_microbatch_rewrites_the_batches_asked_for_and_retry_only_the_failed_one(
    project: ScratchProject,
) -> None:
    land(project, FIRST)
    project.dbt("build", "--select", "events", "events_by_month", *MONTHS)
    first_generations, first_rows = served_months(project)
    assert first_rows == oracle(by_month(FIRST, "'2024-01', '2024-02', '2024-03'"))

    # February alone, asked for by its bounds: its partition is rewritten, the others kept.
    land(project, SECOND)
    project.dbt("seed")
    project.dbt(
        "run",
        "--select",
        "events_by_month",
        "--event-time-start",
        "2024-02-01",
        "--event-time-end",
        "2024-03-01",
    )
    generations, rows = served_months(project)
    assert generations["2024-02"] != first_generations["2024-02"]
    assert {m: g for m, g in generations.items() if m != "2024-02"} == {
        m: g for m, g in first_generations.items() if m != "2024-02"
    }
    assert rows == oracle(
        by_month(SECOND, "'2024-02'") + " union all " + by_month(FIRST, "'2024-01', '2024-03'")
    )

    # Three batches, March's made to fail: January and February are published, March keeps
    # what it served; `dbt retry` runs March alone.
    failed = project.dbt(
        "run", "--select", "events_by_month", *MONTHS, expect_success=False, FAIL_MONTH="2024-03"
    )
    assert "batch made to fail" in failed.stdout
    batches = project.results()["events_by_month"]["batch_results"]
    assert [batch[0][:7] for batch in batches["failed"]] == ["2024-03"], batches
    before_retry, rows = served_months(project)
    assert rows == oracle(
        by_month(SECOND, "'2024-01', '2024-02'") + " union all " + by_month(FIRST, "'2024-03'")
    )
    retry = project.dbt("retry")
    assert batches_run(retry) == ["2024-03"], retry.stdout[-3000:]
    assert project.results()["events_by_month"]["status"] == "success"
    generations, rows = served_months(project)
    assert generations["2024-03"] != before_retry["2024-03"]
    assert generations["2024-01"] == before_retry["2024-01"]
    assert rows == oracle(by_month(SECOND, "'2024-01', '2024-02', '2024-03'"))


def test_microbatch_without_bounds_plans_from_the_data_and_what_is_served(
    project: ScratchProject,
) -> None:
    # dbt alone would start every run at `begin` (the model is a view) and end it now, years
    # after these events: a first build is one batch from `begin` to the latest event, ...
    land(project, FIRST)
    first = project.dbt("build", "--select", "events", "events_by_month")
    assert batches_run(first) == ["2024-01"], first.stdout[-3000:]
    assert served_months(project)[1] == oracle(by_month(FIRST, "'2024-01', '2024-02', '2024-03'"))

    # ... a later run the month of the latest event (April 2) and the `lookback` one before it.
    land(project, SECOND)
    later = project.dbt("build", "--select", "events", "events_by_month")
    assert batches_run(later) == ["2024-03", "2024-04"], later.stdout[-3000:]
    generations, rows = served_months(project)
    assert rows == oracle(
        by_month(SECOND, "'2024-03', '2024-04'")
        + " union all "
        + by_month(FIRST, "'2024-01', '2024-02'")
    )

    # Again with nothing new: those batches were built from the same inputs, and are kept.
    again = project.dbt("build", "--select", "events", "events_by_month")
    assert batches_run(again) == ["2024-03", "2024-04"], again.stdout[-3000:]
    assert served_months(project)[0] == generations
    assert project.results()["events_by_month"]["adapter_response"]["code"] == "UNCHANGED"

    # A full refresh is a first build again.
    refreshed = project.dbt("run", "--select", "events_by_month", "--full-refresh")
    assert batches_run(refreshed) == ["2024-01"], refreshed.stdout[-3000:]
    assert served_months(project)[1] == oracle(
        by_month(SECOND, "'2024-01', '2024-02', '2024-03', '2024-04'")
    )


def test_merge_is_refused_naming_why(project: ScratchProject) -> None:
    land(project, FIRST)
    result = project.dbt("build", "--select", "events", "events_merged", expect_success=False)
    message = re.sub(r"\s+", " ", result.stdout)
    assert "events_merged: incremental_strategy 'merge' needs a table format" in message
    assert "Use 'insert_overwrite'" in message and "'microbatch'" in message
