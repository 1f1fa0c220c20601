"""The adapter: dbt-spark's SparkAdapter with this plugin's connection manager."""

from dataclasses import replace

from dbt.adapters.base.impl import AdapterTrackingRelationInfo
from dbt.adapters.spark.impl import SparkAdapter

from dbt.adapters.lakehouse_spark.__version__ import version
from dbt.adapters.lakehouse_spark.connections import ADAPTER_TYPE, LakehouseSparkConnectionManager


class LakehouseSparkAdapter(SparkAdapter):
    ConnectionManager = LakehouseSparkConnectionManager

    @classmethod
    def get_adapter_run_info(cls, config) -> AdapterTrackingRelationInfo:
        # dbt guesses the version module from the class name (`lakehousespark`); name it outright.
        info = SparkAdapter.get_adapter_run_info(config)
        return replace(info, adapter_name=ADAPTER_TYPE, adapter_version=version)
