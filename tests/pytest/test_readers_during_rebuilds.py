"""Readers during rebuilds: clients of the Thrift server (and one of its Spark Connect endpoint) read
every layer in a loop (a raw table, a staging view, a dimension, the facts, a business mart and
the incremental Python model) while dbt, through the same server, adds a new day, then rebuilds
everything in full (dropping the generations the new day replaced). Every result must be a
complete table's, old or new; no query may fail; after the run each reader sees the new one."""

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from conftest import Lakehouse, feed
from pyhive import hive
from services import server_env, thrift_lakehouse, thrift_server

from lakehouse import profile
from lakehouse.spark import spark_session

# What each reader asks, and whether over Thrift (SQL clients, BI tools) or Spark Connect.
READS = {
    "raw orders": ("thrift", "select count(*) from raw_tpch.orders"),
    "staging orders": ("thrift", "select count(*) from analytics_staging.stg_tpch__orders"),
    "dim_customer": ("thrift", "select count(*) from analytics_marts.dim_customer"),
    "fct_orders": ("thrift", "select count(*) from analytics_marts.fct_orders"),
    "fct_order_items": ("thrift", "select count(*) from analytics_marts.fct_order_items"),
    "revenue_by_nation_month": (
        "thrift",
        "select sum(order_count) from analytics_marts.revenue_by_nation_month",
    ),
    "supplier_monthly_deliveries": (
        "connect",
        "select sum(line_item_count) from analytics_marts.supplier_monthly_deliveries",
    ),
}
# The models rebuilt while the readers read: every layer between the raw files and those marts.
REBUILT = ["--select", "+fct_orders", "+revenue_by_nation_month", "+supplier_monthly_deliveries"]
RESOURCES = ["--resource-type", "seed", "--resource-type", "snapshot", "--resource-type", "model"]
QUERY_LIMIT = 2000  # per reader: the loop is bounded even if the rebuild never ends
PAUSE = 4.0  # seconds between one reader's queries: a dashboard's pace, leaving the server to dbt


class ThriftClient:
    def __init__(self, lakehouse: Lakehouse) -> None:
        port = int(lakehouse.extra_env["LAKEHOUSE_THRIFT_PORT"])
        self.connection = hive.connect(host="127.0.0.1", port=port, username="reader")
        self.cursor = self.connection.cursor()

    def value(self, sql: str) -> int:
        self.cursor.execute(sql)
        return self.cursor.fetchall()[0][0]

    def close(self) -> None:
        self.connection.close()


class ConnectClient:
    def __init__(self, lakehouse: Lakehouse) -> None:
        self.session = ExitStack()
        url = profile.connect_url(lakehouse.env())
        self.spark = self.session.enter_context(spark_session.connect_session(url))

    def value(self, sql: str) -> int:
        return self.spark.sql(sql).collect()[0][0]

    def close(self) -> None:
        self.session.close()


CLIENTS = {"thrift": ThriftClient, "connect": ConnectClient}


@dataclass
class Reader:
    """One client running one query over its own connection until told to stop, then once more."""

    client: ThriftClient | ConnectClient
    sql: str
    values: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    final: int | None = None
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        for _ in range(QUERY_LIMIT):
            if self.stop.is_set():
                break
            try:
                self.values[self.client.value(self.sql)] += 1
            except Exception as error:  # noqa: BLE001 (any failure is a finding)
                self.errors.append(f"{type(error).__name__}: {error}"[:500])
            time.sleep(PAUSE)


@contextmanager
def readers(lakehouse: Lakehouse) -> Iterator[dict[str, Reader]]:
    """A reader per READS entry, querying from before the block starts until it ends; then each
    reads once more, after the block."""
    started = {
        name: Reader(CLIENTS[protocol](lakehouse), sql) for name, (protocol, sql) in READS.items()
    }
    threads = [threading.Thread(target=reader.run) for reader in started.values()]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)  # a few queries before the rebuild starts
        yield started
    finally:
        for reader in started.values():
            reader.stop.set()
        for thread in threads:
            thread.join(timeout=120)
        for reader in started.values():
            reader.final = reader.client.value(reader.sql)
            reader.client.close()


def expected_values(lh: Lakehouse) -> dict[str, int]:
    """What each read returns for the landed raw files, computed by DuckDB: the facts hold every
    order, and every line item of an order that has landed; the customers are the latest
    extract's."""
    orders = lh.raw("orders")
    latest = max((lh.dataset_dir / "customer").glob("landing_date=*"))
    customers = f"read_parquet('{latest}/*.parquet')"
    items = f"(select * from {lh.raw('lineitem')} where l_orderkey in (select o_orderkey from {orders}))"
    order_count, customer_count, item_count, ordered = lh.query(f"""
        select
            (select count(*) from {orders}),
            (select count(*) from {customers}),
            (select count(*) from {items}),
            (select count(distinct l_orderkey) from {items})
    """)[0]
    return {
        "raw orders": order_count,
        "staging orders": order_count,
        "dim_customer": customer_count,
        "fct_orders": order_count,
        "fct_order_items": item_count,
        "revenue_by_nation_month": ordered,
        "supplier_monthly_deliveries": item_count,
    }


def test_readers_of_every_layer_see_old_or_new_and_no_error(tmp_path: Path, raw_data: Path) -> None:
    env = server_env(tmp_path, SPARK_MASTER="local[2]")
    lh = thrift_lakehouse(tmp_path, tmp_path / "feed", env)
    feed(lh, raw_data, "start", "--until", "1998-07-31")
    with thrift_server(env):
        lh.dbt("build", *RESOURCES, *REBUILT)
        july = expected_values(lh)
        feed(lh, raw_data, "next")
        august_1 = expected_values(lh)
        assert august_1["fct_order_items"] > july["fct_order_items"]

        with readers(lh) as new_day:
            lh.dbt("run", *REBUILT)
        with readers(lh) as full_refresh:
            lh.dbt("run", "--full-refresh", *REBUILT)

    phases = {
        "new day": (new_day, july, august_1),
        "full refresh": (full_refresh, august_1, august_1),
    }
    for phase, (seen, old, new) in phases.items():
        print(phase, {name: dict(reader.values) for name, reader in seen.items()})  # pytest -s
        for name, reader in seen.items():
            assert reader.errors == [], (phase, name, reader.errors[:3])
            assert set(reader.values) <= {old[name], new[name]}, (phase, name, reader.values)
            assert reader.final == new[name], (phase, name, reader.final)
    # The switch happened while readers read: the facts' readers saw the old rows, then the new.
    for fact in ("fct_orders", "fct_order_items"):
        assert set(new_day[fact].values) == {july[fact], august_1[fact]}, fact
