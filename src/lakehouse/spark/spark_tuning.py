"""Spark settings a deployment tunes without touching a model: one environment variable each, its
default in .env (lakehouse.settings). The embedded target reads them in profiles/profiles.yml, the
Thrift server launcher through `conf()` and `jit_options()`; a test keeps the defaults of both the
same.

Defaults suit a laptop (2 to 8 cores, SF 0.01 to 10). On a cluster, raise SPARK_SHUFFLE_PARTITIONS
to two or three times the executor cores.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass

from dbt.adapters.lakehouse_spark.jvm_options import QUICK_JIT
from lakehouse import settings


@dataclass(frozen=True)
class Knob:
    env: str
    spark_property: str
    purpose: str

    @property
    def default(self) -> str:
        return settings.defaults()[self.env]


KNOBS = (
    Knob(
        "SPARK_SHUFFLE_PARTITIONS",
        "spark.sql.shuffle.partitions",
        "tasks per shuffle before adaptive execution coalesces them",
    ),
    Knob(
        "SPARK_ADAPTIVE",
        "spark.sql.adaptive.enabled",
        "adaptive execution: coalesces small shuffle partitions, switches joins to broadcast",
    ),
    Knob(
        "SPARK_BROADCAST_THRESHOLD",
        "spark.sql.autoBroadcastJoinThreshold",
        "largest table side sent whole to every task instead of shuffling both sides",
    ),
    Knob(
        "SPARK_TARGET_FILE_SIZE",
        "spark.sql.adaptive.advisoryPartitionSizeInBytes",
        "size of the files each table partition is written as (REBALANCE before writing)",
    ),
)


def conf(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The Spark properties of the knobs, from the environment or their defaults."""
    return {knob.spark_property: settings.get(knob.env, environ) for knob in KNOBS}


def jit_options(environ: Mapping[str, str] = os.environ) -> str:
    """Java compiler options of a Spark JVM: SPARK_JIT_OPTIONS when set (empty: the JVM's
    default), else QUICK_JIT below SF 1 (TPCH_SCALE, default 0.01) and the default from SF 1 up.
    The embedded profile renders the same rule; on a warehouse built before, the adapter gives
    dbt's embedded JVM QUICK_JIT from SF 1 up too, except in full refreshes (jvm_options); a server,
    long-running, repays C2 over the commands it serves."""
    if "SPARK_JIT_OPTIONS" in environ:
        return environ["SPARK_JIT_OPTIONS"]
    return QUICK_JIT if float(settings.get("TPCH_SCALE", environ)) < 1 else ""
