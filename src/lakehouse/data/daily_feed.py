"""A daily feed of raw orders and line items, and daily extracts of the customers and the part
suppliers, as upstream systems would land them.

`start` lands the history up to a date as a backfill, one batch per month, and `land_next_days`
lands each following day as its own batch: <feed root>/sf<scale>/{orders,lineitem}/
landing_date=YYYY-MM-DD/ (a line item lands with its order). Each landed day, the first included,
also lands a full extract of the customers and of the part suppliers, in which some rows changed,
closed or opened since the first day (daily_extracts.py): <feed root>/sf<scale>/{customer,partsupp}/
landing_date=YYYY-MM-DD/. The other four tables link to the generated ones. Point dbt at the feed
with TPCH_DATA_DIR=<feed root>: the raw orders, line items and extracts are then partitioned by
landing date.

A month's backfill lands on the month's last day (the last month's on the day given), so nothing
lands before its order date: a build that rewrites the months from M on reads only the landing
partitions from M on. Monthly batches rather than a folder per historical day keep the file count
low: 2,400 days of small files would cost every full scan seconds of file opening (measured: 2 s
per scan of the line items at SF 0.01, against 0.1 s for the same rows in one file); about 80
months cost a full scan little and leave a daily build the current month's batch to read.

The days come from the generated TPC-H tables (`lakehouse data`), so the whole feed, once every day
has landed, holds exactly the generated orders and line items, and the first day's extracts the
generated customers and part suppliers.
"""

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb

from lakehouse.data import daily_extracts, tpch_data

FEED_TABLES = ("orders", "lineitem")
PARTITION = "landing_date"
# How many days late an order may land and still reach its month: dbt's var fact_lookback_days.
LOOKBACK_DAYS = 3

# Each fed table's rows with the day they land on (`landing`, an expression of the order `o`): a
# line item lands with its order.
_LANDING_QUERIES = {
    "orders": "select o.*, {landing} as {partition} from {orders} o",
    "lineitem": "select l.*, {landing} as {partition} from {lineitem} l "
    "join {orders} o on l.l_orderkey = o.o_orderkey",
}


class FeedError(ValueError):
    """The feed cannot do what was asked (no such day in the data, feed not started)."""


def _source_table(source: Path, table: str) -> str:
    return tpch_data.duckdb_table(source / table)


def _landing_query(source: Path, table: str, where: str, landing: str) -> str:
    query = _LANDING_QUERIES[table].format(
        landing=landing,
        partition=PARTITION,
        orders=_source_table(source, "orders"),
        lineitem=_source_table(source, "lineitem"),
    )
    return f"{query} where {where}"


def order_dates(source: Path) -> tuple[date, date]:
    """The first and last order dates in the generated data."""
    return duckdb.sql(
        f"select min(o_orderdate), max(o_orderdate) from {_source_table(source, 'orders')}"
    ).fetchone()


def _land(feed: Path, table: str, rows: str) -> None:
    """Land the rows of a table (a query with a landing_date column), each in the folder of its
    day. The files are written into a hidden folder (readers skip it), and each landing folder is
    moved into place whole."""
    hidden = feed / f".landing-{table}"
    shutil.rmtree(hidden, ignore_errors=True)
    (feed / table).mkdir(parents=True, exist_ok=True)
    duckdb.sql(
        f"copy ({rows}) to '{hidden}' "
        f"(format parquet, partition_by ({PARTITION}), filename_pattern '{table}_{{i}}')"
    )
    for folder in sorted(hidden.iterdir()):
        folder.rename(feed / table / folder.name)
    hidden.rmdir()


def _land_batch(source: Path, feed: Path, where: str, landing: str) -> None:
    """Land the orders that `where` selects and their line items, on the day `landing` gives.
    Line items land before their orders, so a build never sees orders without their items."""
    for table in reversed(FEED_TABLES):
        _land(feed, table, _landing_query(source, table, where, landing))


def _land_extracts(source: Path, feed: Path, first: date, day: date) -> None:
    """Land the extracts of `day`, in a feed whose first day is `first`."""
    for table in daily_extracts.EXTRACT_TABLES:
        rows = daily_extracts.extract(source, table, first, day)
        _land(feed, table, f"select *, date '{day}' as {PARTITION} from ({rows})")


def landed_days(feed_dir: Path, table: str = "orders") -> list[date]:
    """Days that have landed, from the names of a table's landing folders."""
    prefix = f"{PARTITION}="
    folder = feed_dir / table
    if not folder.is_dir():
        return []
    return sorted(
        date.fromisoformat(path.name.removeprefix(prefix))
        for path in folder.iterdir()
        if path.is_dir() and path.name.startswith(prefix)
    )


def start(source_root: Path, feed_root: Path, scale: float, until: date) -> Path:
    """Lay out the feed afresh: every order up to and including `until`, and its line items, as one
    batch per month, landed on the month's last day (or on `until`). Returns the feed's folder."""
    source = tpch_data.generate(source_root, scale)
    first, last = order_dates(source)
    if until < first:
        raise FeedError(
            f"no orders on or before {until} to land: the orders at scale "
            f"{tpch_data.scale_label(scale)} run from {first} to {last}; pick --until in between"
        )
    feed = tpch_data.dataset_dir(feed_root, scale)
    feed.mkdir(parents=True, exist_ok=True)
    for table in tpch_data.TABLES:
        target = feed / table
        if target.is_symlink() or target.is_file():
            target.unlink()
        elif target.exists():
            shutil.rmtree(target)
        if table not in (*FEED_TABLES, *daily_extracts.EXTRACT_TABLES):
            target.symlink_to((source / table).resolve(), target_is_directory=True)
    # One batch per month, landed on the month's last day (the last month's on `until`).
    landing = f"least(last_day(o.o_orderdate), date '{until}')"
    _land_batch(source, feed, f"o.o_orderdate <= date '{until}'", landing)
    _land_extracts(source, feed, until, until)
    return feed


def event_time_bounds(
    feed_root: Path, scale: float, lookback_days: int = LOOKBACK_DAYS
) -> tuple[date, date]:
    """The event times a daily build reaches after the latest landed day: from that day less the
    lookback (a late order's date), to the day after it (exclusive), as a scheduler passes
    --event-time-start and --event-time-end to dbt for the day it runs for."""
    feed = tpch_data.dataset_dir(feed_root, scale)
    landed = landed_days(feed)
    if not landed:
        raise FeedError(f"no feed in {feed}: nothing has landed to build")
    return landed[-1] - timedelta(days=lookback_days), landed[-1] + timedelta(days=1)


def land_next_days(source_root: Path, feed_root: Path, scale: float, days: int) -> list[date]:
    """Land the `days` days after the latest landed one, each with its extracts; returns them
    (none once all have landed)."""
    source = tpch_data.dataset_dir(source_root, scale)
    feed = tpch_data.dataset_dir(feed_root, scale)
    landed = landed_days(feed)
    if not landed:
        raise FeedError(
            f"no feed in {feed}: lay it out first with "
            f"`lakehouse feed start --scale {tpch_data.scale_label(scale)} --until YYYY-MM-DD`"
        )
    next_days = [
        day
        for (day,) in duckdb.sql(
            f"select distinct o_orderdate from {_source_table(source, 'orders')} "
            f"where o_orderdate > date '{landed[-1]}' order by 1 limit {int(days)}"
        ).fetchall()
    ]
    extracted = landed_days(feed, daily_extracts.EXTRACT_TABLES[0])
    if not extracted:
        raise FeedError(
            f"the feed in {feed} has no daily extracts of the customers (laid out by an earlier "
            f"version): lay it out afresh with `lakehouse feed start --until {landed[0]}`"
        )
    first = extracted[0]
    for day in next_days:
        _land_batch(source, feed, f"o.o_orderdate = date '{day}'", f"date '{day}'")
        _land_extracts(source, feed, first, day)
    return next_days
