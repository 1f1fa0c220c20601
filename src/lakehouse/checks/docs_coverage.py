"""Docs coverage gate over dbt's `manifest.json` and `catalog.json` (from `dbt docs generate`).

Fails when this project's models, seeds, sources or macros lack a description, when a column of a
built relation (catalog) or of the YAML (manifest) lacks one, when a model has no primary-key test
(`unique` + `not_null` on one column, or `unique_combination`; quarantine tables of rejected raw rows
have none), or when a SQL mart lacks an enforced contract (dbt enforces contracts on SQL models only;
Python marts are held by their column tests).
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT = "tpch_lakehouse"
MART_SCHEMA_SUFFIX = "marts"
QUARANTINE_TAG = "quarantine"


@dataclass(frozen=True)
class Finding:
    node: str
    problem: str

    def __str__(self) -> str:
        return f"{self.node}: {self.problem}"


def load(target_dir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The manifest and catalog that `dbt docs generate` wrote into target_dir."""
    manifest, catalog = (target_dir / name for name in ("manifest.json", "catalog.json"))
    for artifact in (manifest, catalog):
        if not artifact.is_file():
            raise FileNotFoundError(
                f"{artifact} is missing: run `dbt docs generate` (or make docs)"
            )
    return json.loads(manifest.read_text()), json.loads(catalog.read_text())


def check(manifest: dict[str, Any], catalog: dict[str, Any]) -> list[Finding]:
    """Every gap in the project's documentation, tests of primary keys and mart contracts."""
    return sorted(
        [
            *_missing_descriptions(manifest, catalog),
            *_missing_primary_key_tests(manifest),
            *_missing_mart_contracts(manifest),
        ],
        key=str,
    )


def _own(nodes: dict[str, Any], resource_type: str) -> Iterator[dict[str, Any]]:
    for node in nodes.values():
        if node["resource_type"] == resource_type and node["package_name"] == PROJECT:
            yield node


def _documented_nodes(manifest: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from _own(manifest["nodes"], "model")
    yield from _own(manifest["nodes"], "seed")
    yield from _own(manifest["sources"], "source")


def _missing_descriptions(manifest: dict[str, Any], catalog: dict[str, Any]) -> Iterator[Finding]:
    built = {**catalog.get("nodes", {}), **catalog.get("sources", {})}
    for node in _documented_nodes(manifest):
        name = node["unique_id"]
        if not node["description"].strip():
            yield Finding(name, "no description")
        described = {
            column.lower()
            for column, spec in node["columns"].items()
            if spec["description"].strip()
        }
        declared = {column.lower() for column in node["columns"]}
        in_catalog = {column.lower() for column in built.get(name, {}).get("columns", {})}
        for column in sorted((declared | in_catalog) - described):
            yield Finding(name, f"column '{column}' has no description")
    for macro in _own(manifest["macros"], "macro"):
        if not macro["description"].strip():
            yield Finding(macro["unique_id"], "no description")


def _tests_by_model(manifest: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    tests: dict[str, list[dict[str, Any]]] = {}
    for node in _own(manifest["nodes"], "test"):
        attached = node.get("attached_node")
        if attached and node.get("test_metadata"):
            tests.setdefault(attached, []).append(node)
    return tests


def _has_primary_key_test(tests: list[dict[str, Any]]) -> bool:
    by_column: dict[str, set[str]] = {}
    for test in tests:
        kind = test["test_metadata"]["name"]
        if kind == "unique_combination":
            return True
        if test.get("column_name"):
            by_column.setdefault(test["column_name"].lower(), set()).add(kind)
    return any({"unique", "not_null"} <= kinds for kinds in by_column.values())


def _missing_primary_key_tests(manifest: dict[str, Any]) -> Iterator[Finding]:
    tests = _tests_by_model(manifest)
    for model in _own(manifest["nodes"], "model"):
        if QUARANTINE_TAG in model["tags"]:
            continue  # rejected raw rows, kept as they came: no key to hold them to
        if not _has_primary_key_test(tests.get(model["unique_id"], [])):
            yield Finding(
                model["unique_id"],
                "no primary-key test (unique + not_null on a column, or unique_combination)",
            )


def _missing_mart_contracts(manifest: dict[str, Any]) -> Iterator[Finding]:
    for model in _own(manifest["nodes"], "model"):
        is_sql_mart = model["schema"].endswith(MART_SCHEMA_SUFFIX) and model["language"] == "sql"
        if is_sql_mart and not model["config"]["contract"]["enforced"]:
            yield Finding(model["unique_id"], "mart without an enforced contract")


def report(target_dir: Path) -> tuple[bool, str]:
    """(passed, text) for the artifacts in target_dir."""
    manifest, catalog = load(target_dir)
    findings = check(manifest, catalog)
    checked = sum(1 for _ in _documented_nodes(manifest))
    if not findings:
        return (
            True,
            f"docs coverage: {checked} models, seeds and sources fully documented and tested",
        )
    lines = [f"docs coverage: {len(findings)} gaps (describe them in the folder's YAML):"]
    lines += [f"  - {finding}" for finding in findings]
    return False, "\n".join(lines)
