"""Daily full extracts of the customers and the part suppliers, with the changes a source system
would show, as SQL over the generated tables (DuckDB).

The extract of the feed's first day holds the generated rows as they are. Each later day changes
some rows, and the extract of a day holds every change up to it:
- each day, 1% of the generated customers get a new account balance and market segment (drawn
  afresh: the segment may come out the same), and 1% of the part suppliers a new supply cost;
- each day, 0.3% of the customers whose key is a multiple of three close (their row is gone from
  that day on): TPC-H gives those customers no orders, so no order loses its customer;
- each day, 0.1% of the generated customer count (at least one) open, keyed after the generated
  keys in the order they open, with no orders.
Which rows change, and to what, is drawn from a hash of the key, the day and what is drawn, so a
day's extract is the same whenever and however often it is made (for a given DuckDB, pinned).
"""

from datetime import date
from pathlib import Path

from lakehouse.data import tpch_data

EXTRACT_TABLES = ("customer", "partsupp")
CHANGED_PER_10000 = 100  # of the rows, each day
CLOSED_PER_10000 = 30  # of the customers who never order (key a multiple of three), each day
OPENED_PER_10000 = 10  # of the generated customers, each day (at least one)
SEGMENTS = ("AUTOMOBILE", "BUILDING", "FURNITURE", "HOUSEHOLD", "MACHINERY")


def _days_after(first: date, day: date) -> str:
    """A table of the days after `first` up to `day` (none on the first day)."""
    return (
        f"(select cast(unnest(generate_series(date '{first}' + 1, date '{day}', interval 1 day))"
        " as date) as day)"
    )


def _draw(key: str, day: str, what: str, modulo: int) -> str:
    """A number in [0, modulo) drawn for a row (`key`: its key columns) on a day."""
    return f"cast(hash({key}, {day}, '{what}') % {modulo} as bigint)"


def _balance(key: str, day: str) -> str:
    """An account balance in TPC-H's range, -999.99 to 9999.99."""
    return f"cast(({_draw(key, day, 'balance', 1099999)} - 99999) / 100 as decimal(15, 2))"


def _segment(key: str, day: str) -> str:
    segments = ", ".join(f"'{segment}'" for segment in SEGMENTS)
    return f"[{segments}][{_draw(key, day, 'segment', len(SEGMENTS))} + 1]"


def customer(source: str, first: date, day: date) -> str:
    """The customers' extract of `day`, in a feed whose first day is `first` (without the
    landing date column)."""
    days = _days_after(first, day)
    changed = f"{_draw('c_custkey', 'day', 'change', 10000)} < {CHANGED_PER_10000}"
    closed = (
        f"c_custkey % 3 = 0 and {_draw('c_custkey', 'day', 'close', 10000)} < {CLOSED_PER_10000}"
    )
    return f"""
        with changes as (
            select c_custkey, max(day) as changed_on from {source}, {days}
            where {changed} group by c_custkey
        ),
        closed as (select distinct c_custkey from {source}, {days} where {closed}),
        generated as (
            select
                max(c_custkey) as last_key,
                greatest(1, count(*) * {OPENED_PER_10000} // 10000) as opened_per_day
            from {source}
        ),
        opened as (
            select
                last_key + (day - date '{first}' - 1) * opened_per_day + n as c_custkey, day
            from generated, {days}, range(1, opened_per_day + 1) as numbers(n)
        )
        select
            c.c_custkey, c_name, c_address, c_nationkey, c_phone,
            case when changed_on is null then c_acctbal
                else {_balance("c.c_custkey", "changed_on")} end as c_acctbal,
            case when changed_on is null then c_mktsegment
                else {_segment("c.c_custkey", "changed_on")} end as c_mktsegment,
            c_comment
        from {source} c left join changes using (c_custkey)
        where c.c_custkey not in (select c_custkey from closed)
        union all
        select
            c_custkey,
            'Customer#' || lpad(cast(c_custkey as varchar), 9, '0'),
            'opened ' || cast(day as varchar),
            {_draw("c_custkey", "day", "nation", 25)},
            printf('%02d-%03d-%03d-%04d', {_draw("c_custkey", "day", "nation", 25)} + 10,
                100 + {_draw("c_custkey", "day", "phone", 900)},
                100 + {_draw("c_custkey", "day", "phone2", 900)},
                1000 + {_draw("c_custkey", "day", "phone3", 9000)}),
            {_balance("c_custkey", "day")},
            {_segment("c_custkey", "day")},
            'opened on ' || cast(day as varchar)
        from opened
    """


def partsupp(source: str, first: date, day: date) -> str:
    """The part suppliers' extract of `day`, in a feed whose first day is `first`."""
    key = "ps_partkey, ps_suppkey"
    changed = f"{_draw(key, 'day', 'change', 10000)} < {CHANGED_PER_10000}"
    return f"""
        with changes as (
            select ps_partkey, ps_suppkey, max(day) as changed_on
            from {source}, {_days_after(first, day)}
            where {changed} group by ps_partkey, ps_suppkey
        )
        select
            ps_partkey, ps_suppkey, ps_availqty,
            case when changed_on is null then ps_supplycost
                else cast((100 + {_draw(key, "changed_on", "cost", 99901)}) / 100 as decimal(15, 2))
            end as ps_supplycost,
            ps_comment
        from {source} left join changes using (ps_partkey, ps_suppkey)
    """


def extract(source_dir: Path, table: str, first: date, day: date) -> str:
    """The extract of `table` on `day` from the generated tables in `source_dir`."""
    builders = {"customer": customer, "partsupp": partsupp}
    return builders[table](tpch_data.duckdb_table(source_dir / table), first, day)
