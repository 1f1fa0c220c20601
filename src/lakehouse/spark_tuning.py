"""Spark settings a deployment tunes without touching a model: one environment variable each. The
embedded target reads them in profiles/profiles.yml, the Thrift server launcher through `conf()`;
a test keeps the defaults of both the same.

Defaults suit a laptop (2 to 8 cores, SF 0.01 to 10). On a cluster, raise SPARK_SHUFFLE_PARTITIONS
to two or three times the executor cores.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Knob:
    env: str
    spark_property: str
    default: str
    purpose: str


KNOBS = (
    Knob(
        "SPARK_SHUFFLE_PARTITIONS",
        "spark.sql.shuffle.partitions",
        "8",
        "tasks per shuffle before adaptive execution coalesces them",
    ),
    Knob(
        "SPARK_ADAPTIVE",
        "spark.sql.adaptive.enabled",
        "true",
        "adaptive execution: coalesces small shuffle partitions, switches joins to broadcast",
    ),
    Knob(
        "SPARK_BROADCAST_THRESHOLD",
        "spark.sql.autoBroadcastJoinThreshold",
        "10MB",
        "largest table side sent whole to every task instead of shuffling both sides",
    ),
    Knob(
        "SPARK_TARGET_FILE_SIZE",
        "spark.sql.adaptive.advisoryPartitionSizeInBytes",
        "128MB",
        "size of the files each table partition is written as (REBALANCE before writing)",
    ),
)


def conf(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The Spark properties of the knobs, from the environment or their defaults."""
    return {knob.spark_property: environ.get(knob.env, knob.default) for knob in KNOBS}
