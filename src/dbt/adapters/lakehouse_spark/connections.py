"""Connections: dbt-spark's, with a connection failure to a server explained in full."""

from dataclasses import dataclass

from dbt.adapters.contracts.connection import Connection
from dbt.adapters.exceptions import FailedToConnectError
from dbt.adapters.spark.connections import (
    SparkConnectionManager,
    SparkConnectionMethod,
    SparkCredentials,
)
from dbt_common.exceptions import DbtConfigError

ADAPTER_TYPE = "lakehouse_spark"


@dataclass
class LakehouseSparkCredentials(SparkCredentials):
    # Spark Connect endpoint for Python models on a server target (default: sc://<host>:15002).
    connect_url: str | None = None

    @property
    def type(self) -> str:
        return ADAPTER_TYPE


def unreachable_server_message(credentials: SparkCredentials, error: Exception) -> str:
    return (
        f"Cannot reach the Spark Thrift server at {credentials.host}:{credentials.port} "
        f"({error}). Start it with `lakehouse server start` (or `docker compose up -d` for the "
        "cluster), or point LAKEHOUSE_THRIFT_HOST and LAKEHOUSE_THRIFT_PORT at a running server. "
        f"Gave up after {1 + credentials.connect_retries} attempt(s), "
        f"{credentials.connect_timeout} s apart."
    )


class LakehouseSparkConnectionManager(SparkConnectionManager):
    TYPE = ADAPTER_TYPE

    @classmethod
    def open(cls, connection: Connection) -> Connection:
        try:
            return super().open(connection)
        except DbtConfigError:
            raise
        except Exception as error:
            # dbt-spark raises the transport's own exception once retries are exhausted.
            if connection.credentials.method == SparkConnectionMethod.SESSION:
                raise
            raise FailedToConnectError(
                unreachable_server_message(connection.credentials, error)
            ) from error
