"""The dbt profile as Spark settings, for code that starts Spark without dbt (the raw-Spark
baseline of the benchmark) and for tests that compare settings."""

import os
from collections.abc import Mapping

import jinja2
import yaml

from lakehouse import paths


def embedded_spark_conf(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """server_side_parameters of the embedded target, rendered the way dbt renders env_var()."""
    text = (paths.PROJECT_DIR / "profiles" / "profiles.yml").read_text()
    rendered = jinja2.Template(text).render(
        env_var=lambda name, default=None: environ.get(name, default)
    )
    outputs = yaml.safe_load(rendered)["tpch_lakehouse"]["outputs"]
    return {key: str(value) for key, value in outputs["embedded"]["server_side_parameters"].items()}
