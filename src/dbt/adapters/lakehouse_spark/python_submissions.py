"""Python models on open-source Spark. dbt-spark submits Python models to Databricks only; these
helpers run the compiled model on a plain SparkSession instead:

- `session`: in this process, on the SparkSession the embedded (`method: session`) target runs;
- `connect`: on a Spark Connect session to the Thrift server's application, so the DataFrame work
  runs on its cluster and writes to the same catalog.
"""

import linecache
import traceback
from typing import Any

from dbt.adapters.base import PythonJobHelper
from dbt.adapters.spark.connections import SparkCredentials
from dbt_common.exceptions import DbtRuntimeError

DEFAULT_CONNECT_PORT = 15002
CONNECT_TIMEOUT_SECONDS = 10


def connect_url(credentials: SparkCredentials) -> str:
    """The profile's connect_url, or Spark Connect's default port on the Thrift server's host."""
    return getattr(credentials, "connect_url", None) or (
        f"sc://{credentials.host}:{DEFAULT_CONNECT_PORT}"
    )


def run_model_code(compiled_code: str, spark: Any, model_name: str) -> None:
    """Execute the compiled model with `spark` bound, as a Databricks notebook would. A failure is
    re-raised as a dbt error naming the model, with the traceback lines of the model's own code."""
    filename = f"<python model {model_name}>"
    # Registered so that tracebacks show the model's source lines.
    linecache.cache[filename] = (len(compiled_code), None, compiled_code.splitlines(True), filename)
    try:
        exec(  # noqa: S102 - running the model's compiled code is the point
            compile(compiled_code, filename, "exec"), {"spark": spark, "__name__": "__dbt_model__"}
        )
    except Exception as error:
        model_frames = [
            frame
            for frame in traceback.extract_tb(error.__traceback__)
            if frame.filename == filename
        ]
        raise DbtRuntimeError(
            f"Python model {model_name} failed: {type(error).__name__}: {error}\n"
            "Traceback (the model's compiled code):\n"
            + "".join(traceback.format_list(model_frames)).rstrip()
        ) from error


class _LakehouseHelper(PythonJobHelper):
    def __init__(self, parsed_model: dict, credentials: SparkCredentials) -> None:
        self.model_name = parsed_model["alias"]
        self.credentials = credentials

    def spark_session(self) -> Any:
        raise NotImplementedError

    def submit(self, compiled_code: str) -> None:
        run_model_code(compiled_code, self.spark_session(), self.model_name)


class SessionPythonJobHelper(_LakehouseHelper):
    """Runs the model on the SparkSession of this process (the embedded target's)."""

    def spark_session(self) -> Any:
        from pyspark.sql import SparkSession

        # The session connection already built it; getOrCreate returns that one, in any thread.
        return SparkSession.builder.getOrCreate()


class ConnectPythonJobHelper(_LakehouseHelper):
    """Runs the model on a Spark Connect session to the server of the Thrift target."""

    def spark_session(self) -> Any:
        from pyspark.sql import SparkSession

        url = connect_url(self.credentials)
        _require_reachable(url)
        # Through pyspark.sql's builder, which also switches pyspark.sql.functions and Window to
        # Spark Connect for the model code.
        session = SparkSession.builder.remote(url).getOrCreate()
        _bound_retries(session, self.credentials)
        return session


def _bound_retries(session: Any, credentials: SparkCredentials) -> None:
    """Retry a lost server as the Thrift target does (connect_retries times, connect_timeout
    seconds apart) instead of for the Connect client's default ten minutes."""
    from pyspark.sql.connect.client.retries import DefaultPolicy

    pause = int(credentials.connect_timeout) * 1000
    policy = DefaultPolicy(
        max_retries=int(credentials.connect_retries),
        initial_backoff=pause,
        backoff_multiplier=1.0,
        max_backoff=pause,
    )
    session.client.set_retry_policies([policy])


def _require_reachable(url: str) -> None:
    """Fail within CONNECT_TIMEOUT_SECONDS, naming the URL, when nothing listens at a Connect URL:
    the Connect client itself would keep retrying for minutes."""
    import socket
    from urllib.parse import urlparse

    parsed = urlparse(url.replace("sc://", "http://", 1))
    host, port = parsed.hostname or "", parsed.port or DEFAULT_CONNECT_PORT
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_SECONDS):
            return
    except OSError as error:
        raise DbtRuntimeError(
            f"Cannot reach Spark Connect at {url} ({error}). Python models on the thrift target run "
            "there: start the server with `lakehouse server start` (Connect is in the same "
            "application), or set connect_url in the profile (LAKEHOUSE_CONNECT_URL)."
        ) from error
