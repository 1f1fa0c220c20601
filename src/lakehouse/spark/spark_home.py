"""The Spark distribution that ships inside the pinned pyspark wheel: its launch scripts and jars."""

import os
from pathlib import Path

import pyspark

SPARK_HOME = Path(pyspark.__file__).parent


def spark_script(name: str) -> str:
    """Path of a script of Spark's bin/ folder (spark-submit, spark-class, beeline)."""
    return str(SPARK_HOME / "bin" / name)


def spark_env(**extra: str) -> dict[str, str]:
    """Environment for Spark's launch scripts: this SPARK_HOME, loopback by default. In a
    container (LAKEHOUSE_LOOPBACK=0, set by the image) Spark takes the host name's address, which
    the other containers reach."""
    env = dict(os.environ)
    env["SPARK_HOME"] = str(SPARK_HOME)
    if env.get("LAKEHOUSE_LOOPBACK") != "0":
        env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    env.update(extra)
    return env
