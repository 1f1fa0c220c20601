"""Spark Connect, Spark 4's client protocol: the `connect` connection method (every query of a dbt
run, SQL models and Python models, over one Connect session; no Thrift, no PyHive), and the
session Python models use on the `thrift` target too.

The session is pyspark's own Connect client, shared by dbt's threads as the embedded target shares
its SparkSession: temporary views and session settings are the same for all of them."""

import warnings
from typing import Any
from urllib.parse import urlparse

from dbt.adapters.spark.connections import SparkCredentials
from dbt.adapters.spark.session import Connection, Cursor, SessionConnectionWrapper
from dbt_common.exceptions import DbtRuntimeError

DEFAULT_PORT = 15002
REACHABLE_TIMEOUT_SECONDS = 10


def connect_url(credentials: SparkCredentials) -> str:
    """The profile's connect_url; else, on the `connect` target, `sc://<host>:<port>`, and on a
    Thrift target, Spark Connect's default port on the Thrift server's host."""
    if url := getattr(credentials, "connect_url", None):
        return url
    port = credentials.port if credentials.method == "connect" else DEFAULT_PORT
    return f"sc://{credentials.host}:{port}"


def host_and_port(url: str) -> str:
    """`host:port` of a Connect URL (`sc://host:port/;token=...`), for messages: never the token."""
    parsed = urlparse(url.replace("sc://", "http://", 1))
    return f"{parsed.hostname}:{parsed.port or DEFAULT_PORT}"


def require_reachable(url: str) -> None:
    """Fail within REACHABLE_TIMEOUT_SECONDS, naming host:port, when nothing listens at a Connect
    URL: the Connect client itself would keep retrying for minutes."""
    import socket

    host, _, port = host_and_port(url).rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=REACHABLE_TIMEOUT_SECONDS):
            return
    except OSError as error:
        raise DbtRuntimeError(
            f"Cannot reach Spark Connect at {host}:{port} ({error}). Start the server with "
            "`lakehouse server start` (Spark Connect runs in the Thrift server's application; "
            "`docker compose up -d` for the cluster), or point LAKEHOUSE_CONNECT_URL (or "
            "LAKEHOUSE_THRIFT_HOST and LAKEHOUSE_CONNECT_PORT) at a running server."
        ) from error


def session(credentials: SparkCredentials) -> Any:
    """The process's Connect session to the profile's server, its retries bounded as the Thrift
    target's are. Built through pyspark.sql's builder, which also switches pyspark.sql.functions
    and Window to Spark Connect for Python models' code."""
    from pyspark.logger import PySparkLogger
    from pyspark.sql import SparkSession

    # The client logs every failed query to stderr before raising it, and dbt reports what it
    # raises: a query expected to fail (dbt asking whether a relation exists) would show twice.
    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).disabled = True
    # Its warning once retries are exhausted comes with the error dbt reports (a lost server).
    warnings.filterwarnings("ignore", message=r"\[RETRIES_EXCEEDED\]", category=UserWarning)
    url = connect_url(credentials)
    require_reachable(url)
    spark = SparkSession.builder.remote(url).getOrCreate()
    # Bounded before the first call to the server, which the settings below make: a lost server
    # is retried as the Thrift target retries it.
    bound_retries(spark, int(credentials.connect_retries), int(credentials.connect_timeout))
    for name, value in credentials.server_side_parameters.items():
        spark.conf.set(name, value)
    return spark


def bound_retries(spark: Any, retries: int, pause_seconds: int) -> None:
    """Retry a lost server `retries` times, `pause_seconds` apart, instead of for the Connect
    client's default ten minutes (per call)."""
    from pyspark.sql.connect.client.retries import DefaultPolicy

    pause = pause_seconds * 1000
    policy = DefaultPolicy(
        max_retries=retries, initial_backoff=pause, backoff_multiplier=1.0, max_backoff=pause
    )
    spark.client.set_retry_policies([policy])


class ConnectCursor(Cursor):
    """dbt-spark's session cursor, its statements sent to a Connect session."""

    def __init__(self, spark: Any) -> None:
        super().__init__()
        self.spark = spark

    def execute(self, sql: str, *parameters: Any) -> None:
        if parameters:
            sql = sql % parameters
        # Commands (DDL, inserts) run here; a query runs when its rows are fetched.
        self._df = self.spark.sql(sql)


class ConnectConnection(Connection):
    def __init__(self, spark: Any) -> None:
        super().__init__()
        self.spark = spark

    def cursor(self) -> Cursor:
        return ConnectCursor(self.spark)


def connection(credentials: SparkCredentials) -> SessionConnectionWrapper:
    """A dbt connection handle whose queries run over the profile's Connect session."""
    return SessionConnectionWrapper(ConnectConnection(session(credentials)))
