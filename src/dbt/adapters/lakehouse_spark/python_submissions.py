"""Python models on open-source Spark. dbt-spark submits Python models to Databricks only; these
helpers run the compiled model on a plain SparkSession instead:

- `session`: in this process, on the SparkSession the embedded (`method: session`) target runs;
- `connect`: on the Spark Connect session to the server (the `connect` target's own, or the Thrift
  server's application on the `thrift` target), so the DataFrame work runs on its cluster and
  writes to the same catalog.
"""

import linecache
import traceback
from typing import Any

from dbt.adapters.base import PythonJobHelper
from dbt.adapters.spark.connections import SparkCredentials
from dbt_common.exceptions import DbtRuntimeError

from dbt.adapters.lakehouse_spark import connect


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
    """Runs the model on the Spark Connect session to the profile's server (connect.py)."""

    def spark_session(self) -> Any:
        return connect.session(self.credentials)
