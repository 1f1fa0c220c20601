"""Connections: dbt-spark's, plus the `connect` method (connect.py), with a connection failure to a
server, a server lost during a query and an unreadable data file explained in full."""

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from dbt.adapters.contracts.connection import Connection, ConnectionState
from dbt.adapters.events.logging import AdapterLogger
from dbt.adapters.exceptions import FailedToConnectError
from dbt.adapters.spark.connections import (
    SparkConnectionManager,
    SparkConnectionMethod,
    SparkCredentials,
)
from dbt.flags import get_flags
from dbt_common.exceptions import DbtConfigError, DbtRuntimeError
from thrift.transport.TTransport import TTransportException

from dbt.adapters.lakehouse_spark import connect, jvm_options

ADAPTER_TYPE = "lakehouse_spark"
logger = AdapterLogger("LakehouseSpark")
SPARK_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ConnectionMethod(StrEnum):
    """dbt-spark's connection methods, and `connect`: SQL over Spark Connect."""

    THRIFT = SparkConnectionMethod.THRIFT.value
    HTTP = SparkConnectionMethod.HTTP.value
    ODBC = SparkConnectionMethod.ODBC.value
    SESSION = SparkConnectionMethod.SESSION.value
    CONNECT = "connect"


@dataclass
class LakehouseSparkCredentials(SparkCredentials):
    method: ConnectionMethod = None  # type: ignore[assignment]  # required, as in dbt-spark
    # Spark Connect URL (sc://host:port/;token=...): of the `connect` target (default
    # sc://<host>:<port>), or where Python models run on a Thrift target (sc://<host>:15002).
    connect_url: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        # Schema names reach SQL unquoted (create schema, every relation name): identifiers only.
        if not SPARK_IDENTIFIER.fullmatch(self.schema or ""):
            raise DbtConfigError(
                f"The profile's schema {self.schema!r} (LAKEHOUSE_SCHEMA) is not a valid Spark "
                "schema name: use letters, digits and underscores, starting with a letter or _."
            )
        # The profile renders an unset LAKEHOUSE_THRIFT_PASSWORD as ''; PyHive wants no password
        # at all unless the server authenticates (LDAP).
        if not self.password:
            self.password = None
        # Likewise an unset LAKEHOUSE_CONNECT_URL: the URL is made from host and port.
        if not self.connect_url:
            self.connect_url = None
        # The embedded Spark's JVM starts from the class archive of `make venv`, if there is one,
        # and keeps to the quick compiler in everyday builds.
        if self.method == SparkConnectionMethod.SESSION:
            parameters = self.server_side_parameters
            full_refresh = bool(getattr(get_flags(), "FULL_REFRESH", False))
            jit = jvm_options.everyday_jit_options(parameters, os.environ, full_refresh)
            for options in (jvm_options.java_options(), jit):
                jvm_options.add_java_options(parameters, options)

    @property
    def type(self) -> str:
        return ADAPTER_TYPE


# What HiveServer2 answers when a SASL login is refused.
REFUSED_LOGIN_MARKERS = ("Error validating", "Peer indicated failure", "authentication failed")


def connection_failure_message(credentials: SparkCredentials, error: Exception) -> str:
    if credentials.method == ConnectionMethod.CONNECT:
        return (
            f"{error} Gave up after {1 + credentials.connect_retries} attempt(s), "
            f"{credentials.connect_timeout} s apart."
        )
    if any(marker in str(error) for marker in REFUSED_LOGIN_MARKERS):
        return (
            f"The Spark Thrift server at {credentials.host}:{credentials.port} refused the login "
            f"of user '{credentials.user}' (auth {credentials.auth or 'NONE'}): {error}. Set "
            "LAKEHOUSE_THRIFT_USER and LAKEHOUSE_THRIFT_PASSWORD to an account the server accepts "
            "(LAKEHOUSE_THRIFT_AUTH=LDAP)."
        )
    return (
        f"Cannot reach the Spark Thrift server at {credentials.host}:{credentials.port} "
        f"({error}). Start it with `lakehouse server start` (or `docker compose up -d` for the "
        "cluster), or point LAKEHOUSE_THRIFT_HOST and LAKEHOUSE_THRIFT_PORT at a running server. "
        f"Gave up after {1 + credentials.connect_retries} attempt(s), "
        f"{credentials.connect_timeout} s apart."
    )


UNREADABLE_FILE = re.compile(
    r"FAILED_READ_FILE\S*\] Encountered error while reading file (\S+?)\.?\s"
)


def unreadable_file_hint(message: str) -> str | None:
    """What to do when Spark could not read a data file (truncated, overwritten, not Parquet)."""
    found = UNREADABLE_FILE.search(message)
    if found is None:
        return None
    scale = os.environ.get("TPCH_SCALE", "<scale>")
    return (
        f"Spark could not read {found.group(1)}: the file is damaged or not Parquet. If it is raw "
        f"TPC-H data, `make data SCALE={scale}` (lakehouse data) generates damaged files again; "
        "otherwise replace or remove the file."
    )


# How dbt-spark and Thrift, and the Spark Connect client, report a server that went away while a
# query ran; a server shutting down cancels its Connect calls.
LOST_SERVER_MARKERS = (
    "TTransportException",
    "Connection lost",
    "StatusCode.UNAVAILABLE",
    "StatusCode.CANCELLED",
)


def server_name(credentials: SparkCredentials) -> str:
    """The server a target queries, with its host:port."""
    if credentials.method == ConnectionMethod.CONNECT:
        return f"Spark Connect at {connect.host_and_port(connect.connect_url(credentials))}"
    return f"the Spark Thrift server at {credentials.host}:{credentials.port}"


def lost_server_hint(credentials: SparkCredentials, message: str) -> str | None:
    """What to do when the server went away during a query (stopped, restarted, killed), or
    stopped its Spark context (shutting down, or out of memory) while still answering."""
    if credentials.method == SparkConnectionMethod.SESSION or not any(
        marker in message for marker in (*LOST_SERVER_MARKERS, *STOPPED_CONTEXT_MARKERS)
    ):
        return None
    return (
        f"Lost {server_name(credentials)} while a query ran: it stopped or restarted (its log "
        "says why). Once it runs again (`lakehouse server start`, or `docker compose up -d` for "
        "the cluster), `dbt retry` builds what is left."
    )


# How Spark reports a JVM that ran out of heap; and the context that error takes down with it in
# local mode (the driver runs the tasks), as the queries then running or started after see it.
OUT_OF_MEMORY_MARKERS = ("java.lang.OutOfMemoryError", "GC overhead limit exceeded")
STOPPED_CONTEXT_MARKERS = (
    "SparkContext was shut down",
    "stopped SparkContext",
    'SparkContext.dagScheduler()" is null',
)
# How the embedded Spark's queries fail once its JVM has exited.
GONE_JVM_MARKERS = ("Answer from Java side is empty", "Connection refused", "Py4JNetworkError")
# Driver memory that built the project, by scale (docs/benchmark.md).
MEASURED_DRIVER_MEMORY = "2g up to SF 1, 4g at SF 10"


def out_of_memory_hint(credentials: SparkCredentials, message: str) -> str | None:
    """What to do when Spark's driver ran out of memory, or, embedded, stopped, which is how an
    out-of-memory error shows in the queries it takes down (a server's stopped context may as well
    be a shutdown: lost_server_hint)."""
    embedded = credentials.method == SparkConnectionMethod.SESSION
    if any(marker in message for marker in OUT_OF_MEMORY_MARKERS):
        what = "ran out of memory"
    elif embedded and any(
        marker in message for marker in (*STOPPED_CONTEXT_MARKERS, *GONE_JVM_MARKERS)
    ):
        what = "stopped, most often after running out of memory (its log says)"
    else:
        return None
    where = "The embedded Spark" if embedded else f"The server ({server_name(credentials)})"
    memory = os.environ.get("SPARK_DRIVER_MEMORY", "2g")
    scale = os.environ.get("TPCH_SCALE", "<scale>")
    return (
        f"{where} {what}: raise SPARK_DRIVER_MEMORY (now {memory}; measured to build: "
        f"{MEASURED_DRIVER_MEMORY}), or lower DBT_THREADS so that fewer queries run at once; "
        f"then `dbt retry` (TPCH_SCALE={scale}). A server must be started again with the new "
        "setting."
    )


class LakehouseSparkConnectionManager(SparkConnectionManager):
    TYPE = ADAPTER_TYPE

    @contextmanager
    def exception_handler(self, sql: str) -> Iterator[None]:
        # Every query dbt issues runs in here: models through `execute`, and metadata queries
        # through `add_query` directly (a contract's column check, for one).
        with self.hinted_errors(), super().exception_handler(sql):
            yield

    def execute(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        # Spark reads data files when results are fetched, after the exception handler.
        with self.hinted_errors():
            return super().execute(sql, *args, **kwargs)

    @contextmanager
    def hinted_errors(self) -> Iterator[None]:
        """Errors raised inside, with what to do about them in front when this adapter knows."""
        try:
            yield
        except Exception as error:
            if (hint := self.hint_for(error)) is None:
                raise
            raise DbtRuntimeError(f"{hint}\n{error}") from error

    def hint_for(self, error: Exception) -> str | None:
        """What to do about `error`, if this adapter knows. Handlers nest (dbt runs a macro's
        queries inside the macro's handler): a hint the message already gives is not repeated."""
        # The profile's credentials: a macro's handler may run before the thread has a connection.
        credentials = self.profile.credentials
        message = str(error)
        hint = (
            unreadable_file_hint(message)
            or out_of_memory_hint(credentials, message)
            or lost_server_hint(credentials, message)
        )
        return None if hint is None or hint in message else hint

    @classmethod
    def _close_handle(cls, connection: Connection) -> None:
        # A session whose server went away cannot be closed; raising here would replace the
        # model's own error (the lost server, named above) with the transport's.
        try:
            super()._close_handle(connection)
        except TTransportException as error:
            logger.debug(f"Session to {connection.credentials.host} already gone: {error}")

    @classmethod
    def open(cls, connection: Connection) -> Connection:
        if connection.credentials.method == ConnectionMethod.CONNECT:
            return cls.open_connect(connection)
        try:
            return super().open(connection)
        except DbtConfigError:
            raise
        except Exception as error:
            # dbt-spark raises the transport's own exception once retries are exhausted.
            if connection.credentials.method == SparkConnectionMethod.SESSION:
                raise
            raise FailedToConnectError(
                connection_failure_message(connection.credentials, error)
            ) from error

    @classmethod
    def open_connect(cls, connection: Connection) -> Connection:
        """The `connect` method's connection, tried as dbt-spark tries a Thrift server's."""
        if connection.state == ConnectionState.OPEN:
            return connection
        credentials = connection.credentials
        for attempt in range(1 + credentials.connect_retries):
            try:
                connection.handle = connect.connection(credentials)
                break
            except DbtRuntimeError as error:
                if attempt == credentials.connect_retries:
                    raise FailedToConnectError(
                        connection_failure_message(credentials, error)
                    ) from error
                logger.warning(f"{error}\n\tRetrying in {credentials.connect_timeout} seconds")
                time.sleep(credentials.connect_timeout)
        connection.state = ConnectionState.OPEN
        return connection
