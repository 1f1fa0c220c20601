"""Readers during rebuilds: clients of the Thrift server count the facts in a loop while dbt, through
the same server, adds a new day to them, rebuilds them in full, and adds another day (dropping the
versions replaced before). Every count must be a complete table's, old or new, and no query may
fail."""

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from conftest import Lakehouse, feed
from pyhive import hive
from services import server_env, thrift_lakehouse, thrift_server

FACTS = ["fct_orders", "fct_order_items"]
QUERY_LIMIT = 2000  # per reader: the loop is bounded even if the rebuild never ends


@dataclass
class Reader:
    """One client counting one fact over its own connection until told to stop."""

    port: int
    table: str
    counts: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        connection = hive.connect(host="127.0.0.1", port=self.port, username="reader")
        try:
            cursor = connection.cursor()
            for _ in range(QUERY_LIMIT):
                if self.stop.is_set():
                    break
                try:
                    cursor.execute(f"select count(*) from analytics_marts.{self.table}")
                    self.counts[cursor.fetchall()[0][0]] += 1
                except Exception as error:  # noqa: BLE001 (any failure is a finding)
                    self.errors.append(f"{type(error).__name__}: {error}"[:500])
        finally:
            connection.close()


@contextmanager
def readers(port: int) -> Iterator[dict[str, Reader]]:
    """A reader per fact, querying from before the block starts until it ends."""
    started = {table: Reader(port, table) for table in FACTS}
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


def raw_counts(lh: Lakehouse) -> dict[str, int]:
    """What the facts hold for the landed raw files, computed by DuckDB: every order, and every line
    item of an order that has landed."""
    orders, items = lh.query(f"""
        select
            (select count(*) from {lh.raw("orders")}),
            (select count(*) from {lh.raw("lineitem")}
             where l_orderkey in (select o_orderkey from {lh.raw("orders")}))
    """)[0]
    return {"fct_orders": orders, "fct_order_items": items}


def test_readers_see_a_complete_fact_old_or_new_and_no_error(
    tmp_path: Path, raw_data: Path
) -> None:
    env = server_env(tmp_path, SPARK_MASTER="local[2]")
    lh = thrift_lakehouse(tmp_path, tmp_path / "feed", env)
    feed(lh, raw_data, "start", "--until", "1998-07-31")
    with thrift_server(env):
        lh.dbt(
            "build", "--resource-type", "seed", "--resource-type", "model",
            "--select", *(f"+{fact}" for fact in FACTS),
        )  # fmt: skip
        july = raw_counts(lh)
        feed(lh, raw_data, "next")
        august_1 = raw_counts(lh)
        assert all(august_1[fact] > july[fact] for fact in FACTS)

        port = int(env["LAKEHOUSE_THRIFT_PORT"])
        with readers(port) as new_day:
            lh.dbt("run", "--select", *FACTS)
        with readers(port) as full_refresh:
            lh.dbt("run", "--full-refresh", "--select", *FACTS)
        feed(lh, raw_data, "next")
        august_2 = raw_counts(lh)
        with readers(port) as next_day:
            lh.dbt("run", "--select", *FACTS)

    for phase in (new_day, full_refresh, next_day):
        print({fact: dict(phase[fact].counts) for fact in FACTS})  # shown with pytest -s
    for fact in FACTS:
        # The switch happened while the reader was reading: it saw the old rows, then the new.
        assert set(new_day[fact].counts) == {july[fact], august_1[fact]}, fact
        assert set(full_refresh[fact].counts) == {august_1[fact]}, fact
        assert set(next_day[fact].counts) == {august_1[fact], august_2[fact]}, fact
        for phase in (new_day, full_refresh, next_day):
            assert phase[fact].errors == [], phase[fact].errors[:3]
