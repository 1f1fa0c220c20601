"""dbt's Jinja context for sqlfluff's jinja templater (`library_path` in `.sqlfluff`).

sqlfluff's own dbt builtins stub `var()` with the string 'item' and know neither `modules` nor
`exceptions`. The macros of this project validate their vars with both, so the linter renders them
with the real values from dbt_project.yml (env_var defaults included) instead.
"""

import datetime
import os
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import yaml

_PROJECT_FILE = Path(__file__).resolve().parents[2] / "dbt_project.yml"


class CompilationError(Exception):
    """What dbt raises for `exceptions.raise_compiler_error`."""


def _raise_compiler_error(message: str) -> None:
    raise CompilationError(message)


def _env_var(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise CompilationError(f"Env var required but not provided: '{name}'")
    return value


def _project_vars() -> dict[str, Any]:
    declared = yaml.safe_load(_PROJECT_FILE.read_text()).get("vars", {})
    render = jinja2.Environment().from_string
    return {
        name: render(value).render(env_var=_env_var) if isinstance(value, str) else value
        for name, value in declared.items()
    }


_VARS = _project_vars()


def var(name: str, default: Any = None) -> Any:
    """dbt's `var()`: the project's value, else the default, else a compilation error."""
    if name in _VARS:
        return _VARS[name]
    if default is not None:
        return default
    raise CompilationError(f"Required var '{name}' not found in dbt_project.yml")


env_var = _env_var
modules = SimpleNamespace(re=re, datetime=datetime)
exceptions = SimpleNamespace(raise_compiler_error=_raise_compiler_error)
