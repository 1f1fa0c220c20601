"""The adapter: dbt-spark's SparkAdapter, its connection manager and Python submission methods."""

from dataclasses import replace
from pathlib import Path

from dbt.adapters.base import PythonJobHelper, available
from dbt.adapters.base.impl import AdapterTrackingRelationInfo
from dbt.adapters.spark.connections import SparkConnectionMethod
from dbt.adapters.spark.impl import SparkAdapter

from dbt.adapters.lakehouse_spark.__version__ import version
from dbt.adapters.lakehouse_spark.connections import ADAPTER_TYPE, LakehouseSparkConnectionManager
from dbt.adapters.lakehouse_spark.python_submissions import (
    ConnectPythonJobHelper,
    SessionPythonJobHelper,
)

SUBMISSION_HELPERS: dict[str, type[PythonJobHelper]] = {
    "session": SessionPythonJobHelper,
    "connect": ConnectPythonJobHelper,
}


def default_submission_method(connection_method: str) -> str:
    """Python models run where the SQL runs: in-process for `session`, on Connect otherwise."""
    return "session" if connection_method == SparkConnectionMethod.SESSION else "connect"


class LakehouseSparkAdapter(SparkAdapter):
    """dbt-spark's adapter with Python models on open-source Spark; a model may still pick one of
    dbt-spark's Databricks methods with `submission_method`."""

    ConnectionManager = LakehouseSparkConnectionManager

    @property
    def default_python_submission_method(self) -> str:
        return default_submission_method(self.config.credentials.method)

    @property
    def python_submission_helpers(self) -> dict[str, type[PythonJobHelper]]:
        return {**super().python_submission_helpers, **SUBMISSION_HELPERS}

    @available
    def project_path(self, path: str) -> str:
        """`path` made absolute: a relative one is anchored on the project's folder (where
        dbt_project.yml is), whichever folder dbt was started from. A server reading it runs
        elsewhere, so a path sent to it in SQL must not depend on dbt's working folder."""
        return str(Path(self.config.project_root).resolve() / path)

    @classmethod
    def get_adapter_run_info(cls, config) -> AdapterTrackingRelationInfo:
        # dbt guesses the version module from the class name (`lakehousespark`); name it outright.
        info = SparkAdapter.get_adapter_run_info(config)
        return replace(info, adapter_name=ADAPTER_TYPE, adapter_version=version)
