"""The dbt profile as settings, for code that reaches the warehouse without dbt (the raw-Spark
baseline of the benchmark, catalog reads) and for tests that compare settings."""

import os
from collections.abc import Mapping

import jinja2
import yaml

from lakehouse import paths


def _outputs(environ: Mapping[str, str]) -> dict:
    """The profile's targets, rendered the way dbt renders env_var()."""
    text = (paths.PROJECT_DIR / "profiles" / "profiles.yml").read_text()
    rendered = jinja2.Template(text).render(
        env_var=lambda name, default=None: environ.get(name, default)
    )
    return yaml.safe_load(rendered)["tpch_lakehouse"]


def target_name(environ: Mapping[str, str] = os.environ) -> str:
    """The target dbt picks: DBT_TARGET, else the profile's default."""
    return _outputs(environ)["target"]


def embedded_spark_conf(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """server_side_parameters of the embedded target."""
    parameters = _outputs(environ)["outputs"]["embedded"]["server_side_parameters"]
    return {key: str(value) for key, value in parameters.items()}


def connect_url(environ: Mapping[str, str] = os.environ) -> str:
    """Spark Connect URL of the thrift target's server."""
    return _outputs(environ)["outputs"]["thrift"]["connect_url"]
