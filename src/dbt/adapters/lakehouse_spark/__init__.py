"""dbt adapter plugin `lakehouse_spark`: dbt-spark, unchanged, plus what this project adds on top:
errors that say how to reach the server (connections.py), Python models on open-source Spark
(python_submissions.py: the `session` and `connect` submission methods; `py_write_table`), SQL
over Spark Connect (connect.py: the `connect` connection method),
what each relation serves, for builds that do what changed (served_state.py), and the batches of
microbatch models planned from it (microbatch_plan.py). Profiles use `type: lakehouse_spark`.

`Plugin`, which dbt reads when it loads the adapter, is made on first use: the tooling imports
this package's plain modules (generations, jvm_options) without loading dbt, so that commands
such as the compose health checks start in a fraction of a second."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dbt.adapters.base import AdapterPlugin


def _plugin() -> "AdapterPlugin":
    from dbt.adapters.base import AdapterPlugin

    from dbt.adapters.lakehouse_spark.connections import LakehouseSparkCredentials
    from dbt.adapters.lakehouse_spark.impl import LakehouseSparkAdapter
    from dbt.adapters.lakehouse_spark.microbatch_plan import install
    from dbt.include import lakehouse_spark

    install(LakehouseSparkAdapter)
    return AdapterPlugin(
        adapter=LakehouseSparkAdapter,  # type: ignore[arg-type]
        credentials=LakehouseSparkCredentials,
        include_path=lakehouse_spark.PACKAGE_PATH,
        # dbt-spark's macros and materializations come along: dispatch looks for lakehouse_spark__,
        # then spark__, then default__ implementations.
        dependencies=["spark"],
    )


def __getattr__(name: str) -> "AdapterPlugin":
    if name == "Plugin":
        plugin = _plugin()
        globals()["Plugin"] = plugin  # made once
        return plugin
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
