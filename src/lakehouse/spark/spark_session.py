"""Spark sessions the tooling starts: the embedded target's (its warehouse, catalog and JVM
options, as dbt's), and Spark Connect clients of a server."""

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from dbt.adapters.lakehouse_spark import jvm_options
from lakehouse import profile, settings


def embedded_session(
    app_name: str, environ: Mapping[str, str] = os.environ, java_options: str | None = None
):
    """A Spark session with the embedded target's settings, over its warehouse and catalog; its
    JVM with these Java options besides, by default those mapping the class archive as dbt's
    does (lakehouse jvm-archive)."""
    from pyspark.sql import SparkSession

    conf = profile.embedded_spark_conf(environ)
    jvm_options.add_java_options(
        conf, jvm_options.java_options() if java_options is None else java_options
    )
    builder = SparkSession.builder.appName(app_name).enableHiveSupport()
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


@contextmanager
def connect_session(url: str, environ: Mapping[str, str] = os.environ) -> Iterator:
    """A Spark Connect client session, stopped on exit. A lost server is retried as dbt's
    sessions retry it (DBT_CONNECT_RETRIES times, DBT_CONNECT_TIMEOUT seconds apart), not for the
    client's default ten minutes per call. Creating one marks the whole process as a Connect
    client (SPARK_CONNECT_MODE_ENABLED), and child processes inherit the mark: an embedded dbt or
    Spark started afterwards would look for a server. The mark is put back as it was."""
    from pyspark.sql import SparkSession

    from dbt.adapters.lakehouse_spark import connect  # dbt's own modules: only for Connect

    mark = "SPARK_CONNECT_MODE_ENABLED"
    before = os.environ.get(mark)
    spark = SparkSession.builder.remote(url).create()
    retries = int(settings.get("DBT_CONNECT_RETRIES", environ))
    connect.bound_retries(spark, retries, int(settings.get("DBT_CONNECT_TIMEOUT", environ)))
    try:
        yield spark
    finally:
        spark.stop()
        if before is None:
            os.environ.pop(mark, None)
        else:
            os.environ[mark] = before
