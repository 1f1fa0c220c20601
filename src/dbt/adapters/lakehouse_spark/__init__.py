"""dbt adapter plugin `lakehouse_spark`: dbt-spark, unchanged, plus what this project adds on top:
errors that say how to reach the server (connections.py), Python models on open-source Spark
(python_submissions.py: the `session` and `connect` submission methods; `py_write_table`),
what each relation serves, for builds that do what changed (served_state.py), and the batches of
microbatch models planned from it (microbatch_plan.py). Profiles use `type: lakehouse_spark`."""

from dbt.adapters.base import AdapterPlugin

from dbt.adapters.lakehouse_spark.connections import LakehouseSparkCredentials
from dbt.adapters.lakehouse_spark.impl import LakehouseSparkAdapter
from dbt.adapters.lakehouse_spark.microbatch_plan import install
from dbt.include import lakehouse_spark

install(LakehouseSparkAdapter)

Plugin = AdapterPlugin(
    adapter=LakehouseSparkAdapter,  # type: ignore[arg-type]
    credentials=LakehouseSparkCredentials,
    include_path=lakehouse_spark.PACKAGE_PATH,
    # dbt-spark's macros and materializations come along: dispatch looks for lakehouse_spark__,
    # then spark__, then default__ implementations.
    dependencies=["spark"],
)
