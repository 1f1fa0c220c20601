"""Column-level lineage of the project, from the artifacts `dbt docs generate` writes: each SQL
model's compiled code (manifest.json) parsed by sqlglot with the column types of what it reads
(catalog.json; the YAML's where a relation is not built), each output column traced to the
columns it reads, and from them back to the raw sources and seeds.

What each column's `status` says:
- `source`, `seed`: a root; nothing upstream.
- `traced`: its upstream columns are known (direct, and `roots` back to sources and seeds).
- `no_input_column`: computed from no column, e.g. `count(*)`, a literal, a file's path; `reasons`
  names the expression.
- `declared`: a Python model's column, declared in YAML; the model's inputs are listed, not parsed
  per column (PySpark code is not SQL).
- `added_by_dbt`: a snapshot's validity columns, written by dbt, not by its SQL.
- `untraced`: sqlglot could not follow an expression (or `*` inside one): listed with the
  reason, never guessed.
- `not_compiled`: a model `dbt docs generate` did not compile (outside its selection).
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.lineage import Node, lineage

PROJECT = "tpch_lakehouse"
DIALECT = "spark"
FORMAT_VERSION = 1
ARTIFACT = "column_lineage.json"
# Statuses whose roots are known in full: traced back, or nothing to trace.
COMPLETE = ("source", "seed", "traced", "no_input_column", "added_by_dbt")
SPARK_FILE_METADATA = "_metadata"  # Spark's hidden column of a file's path, size, time


@dataclass
class Column:
    node: str  # dbt unique_id of the model, seed, snapshot or source
    name: str
    status: str
    upstream: set[str] = field(default_factory=set)  # "<unique_id>.<column>", read directly
    reasons: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)  # a Python model's inputs

    @property
    def id(self) -> str:
        return f"{self.node}.{self.name}"


def build(manifest: dict[str, Any], catalog: dict[str, Any]) -> dict[str, Column]:
    """Every column of the project's sources, seeds, models and snapshots, by id."""
    relations = _Relations(manifest, catalog)
    columns: dict[str, Column] = {}
    for node in relations.nodes():
        for column in _columns_of(node, relations):
            columns[column.id] = column
    return columns


def artifact(columns: dict[str, Column]) -> dict[str, Any]:
    """The JSON artifact: per column its status, direct upstream and downstream columns, the roots
    it comes from (source and seed columns) and whether they are all of them, a Python model's
    inputs, and why a column is not traced where it is not."""
    downstream: dict[str, set[str]] = {}
    for column in columns.values():
        for parent in column.upstream:
            downstream.setdefault(parent, set()).add(column.id)
    described = {}
    for column in columns.values():  # by relation, each in its column order
        roots, complete = _roots(column, columns)
        described[column.id] = {
            "node": column.node,
            "column": column.name,
            "status": column.status,
            "upstream": sorted(column.upstream),
            "downstream": sorted(downstream.get(column.id, ())),
            "roots": sorted(roots),
            "roots_complete": complete,
            "inputs": column.inputs,
            "reasons": column.reasons,
        }
    return {"format_version": FORMAT_VERSION, "columns": described}


def write(target_dir: Path) -> tuple[Path, dict[str, Any]]:
    """Reads the target folder's manifest and catalog, writes the artifact beside them. Raises
    FileNotFoundError when either is missing, ValueError when the manifest holds no compiled SQL
    (written by a command that compiles nothing, such as `dbt parse`)."""
    manifest_path, catalog_path = (target_dir / name for name in ("manifest.json", "catalog.json"))
    for path in (manifest_path, catalog_path):
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: run `dbt docs generate` (or make docs)")
    manifest = json.loads(manifest_path.read_text())
    if not any(node.get("compiled_code") for node in manifest["nodes"].values()):
        raise ValueError(
            f"{manifest_path} holds no compiled SQL (a later `dbt parse` rewrote it?): run "
            "`dbt docs generate` (or make docs-site) first"
        )
    lineage_json = artifact(build(manifest, json.loads(catalog_path.read_text())))
    path = target_dir / ARTIFACT
    path.write_text(json.dumps(lineage_json, indent=1))
    return path, lineage_json


def summary(lineage_json: dict[str, Any]) -> str:
    columns = lineage_json["columns"].values()
    counts: dict[str, int] = {}
    for column in columns:
        counts[column["status"]] = counts.get(column["status"], 0) + 1
    lines = [", ".join(f"{count} {status}" for status, count in sorted(counts.items()))]
    lines += [
        f"  untraced: {column['node']}.{column['column']}: {'; '.join(column['reasons'])}"
        for column in columns
        if column["status"] == "untraced"
    ]
    return "\n".join(lines)


class _Relations:
    """The project's nodes and the relations they are built as, with their columns and types."""

    def __init__(self, manifest: dict[str, Any], catalog: dict[str, Any]) -> None:
        self.manifest = manifest
        self.catalog = {**catalog.get("nodes", {}), **catalog.get("sources", {})}
        self.by_relation: dict[tuple[str, str], str] = {}
        for node in self.nodes():
            self.by_relation[_key(node["schema"], _identifier(node))] = node["unique_id"]

    def nodes(self) -> Iterator[dict[str, Any]]:
        for node in [*self.manifest["nodes"].values(), *self.manifest["sources"].values()]:
            if node["package_name"] == PROJECT and node["resource_type"] in (
                "source",
                "seed",
                "model",
                "snapshot",
            ):
                yield node

    def column_types(self, node: dict[str, Any]) -> dict[str, str]:
        """The relation's columns and types: the catalog's, else the YAML's (type unknown)."""
        built = self.catalog.get(node["unique_id"])
        if built:
            ordered = sorted(built["columns"].values(), key=lambda column: column["index"])
            return {column["name"].lower(): column["type"] for column in ordered}
        return {
            name.lower(): column.get("data_type") or "" for name, column in node["columns"].items()
        }

    @cached_property
    def schema(self) -> dict[str, dict[str, dict[str, str]]]:
        """sqlglot's schema: {schema: {table: {column: type}}}; a type sqlglot cannot parse (or an
        unknown one) is given as string, which changes no lineage."""
        schema: dict[str, dict[str, dict[str, str]]] = {}
        for node in self.nodes():
            types = {name: _parsable(kind) for name, kind in self.column_types(node).items()}
            schema.setdefault(node["schema"].lower(), {})[_identifier(node).lower()] = types
        return schema


def _columns_of(node: dict[str, Any], relations: _Relations) -> list[Column]:
    names = list(relations.column_types(node))
    kind = node["resource_type"]
    if kind in ("source", "seed"):
        return [Column(node["unique_id"], name, kind) for name in names]
    if node.get("language") == "python":
        inputs = sorted(node["depends_on"]["nodes"])
        reason = (
            "a Python model: its columns are declared in YAML, its inputs not traced per column"
        )
        return [
            Column(node["unique_id"], name, "declared", reasons=[reason], inputs=inputs)
            for name in names
        ]
    if not node.get("compiled_code"):
        reason = "not compiled by `dbt docs generate` (outside its selection)"
        return [Column(node["unique_id"], name, "not_compiled", reasons=[reason]) for name in names]
    return _traced(node, names, relations)


def _traced(node: dict[str, Any], names: list[str], relations: _Relations) -> list[Column]:
    uid = node["unique_id"]
    try:
        traced = lineage(None, node["compiled_code"], relations.schema, dialect=DIALECT)
    except (SqlglotError, KeyError, ValueError) as error:
        reason = f"sqlglot cannot parse the compiled SQL: {str(error).splitlines()[0]}"
        return [Column(uid, name, "untraced", reasons=[reason]) for name in names]
    by_name = {name.lower(): root for name, root in traced.items()}
    columns = []
    for name in names:
        root = by_name.get(name)
        if root is None:
            status = "added_by_dbt" if node["resource_type"] == "snapshot" else "untraced"
            reason = (
                [] if status == "added_by_dbt" else ["not an output column of the compiled SQL"]
            )
            columns.append(Column(uid, name, status, reasons=reason))
            continue
        columns.append(_column_from(uid, name, root, relations))
    return columns


def _column_from(uid: str, name: str, root: Node, relations: _Relations) -> Column:
    """A column from the leaves of its sqlglot lineage: table columns are its upstream; any other
    leaf is an expression that reads no column (noted), or one sqlglot could not follow."""
    column = Column(uid, name, "traced")
    no_column: list[str] = []
    for leaf in (node for node in root.walk() if not node.downstream):
        expression = leaf.expression
        if isinstance(expression, exp.Table):
            parent = relations.by_relation.get(_key(expression.db, expression.name))
            if parent is None:
                column.reasons.append(
                    f"reads {expression.sql(dialect=DIALECT)}, not in the project"
                )
            else:
                column.upstream.add(f"{parent}.{leaf.name.split('.')[-1].lower()}")
            continue
        if isinstance(expression, exp.Placeholder):  # a column sqlglot could not resolve
            if leaf.name.lower().startswith(f"{SPARK_FILE_METADATA}."):
                no_column.append(f"computed from the file it was read from ({leaf.name})")
            else:
                column.reasons.append(f"sqlglot cannot resolve {leaf.name}")
            continue
        if isinstance(expression, exp.Alias):
            expression = expression.this
        text = expression.sql(dialect=DIALECT)
        # count(*) counts rows; a * anywhere else reads columns not named one by one.
        if any(not isinstance(star.parent, exp.Count) for star in expression.find_all(exp.Star)):
            column.reasons.append(f"reads * inside {text}: columns not resolved one by one")
        elif any(expression.find_all(exp.Column)):
            column.reasons.append(f"sqlglot cannot follow {text}")
        else:
            no_column.append(f"computed from {text}")
    if column.reasons:
        column.status = "untraced"
    elif not column.upstream:
        column.status, column.reasons = "no_input_column", no_column
    return column


def _roots(column: Column, columns: dict[str, Column]) -> tuple[set[str], bool]:
    """The source and seed columns it comes from, through every layer, and whether that is all of
    them: false when a column on the way is untraced or a Python model's."""
    roots, seen, pending, complete = set(), set(), [column.id], True
    while pending:
        current = columns.get(pending.pop())
        if current is None or current.id in seen:
            continue
        seen.add(current.id)
        if current.status in ("source", "seed"):
            roots.add(current.id)
        complete = complete and current.status in COMPLETE
        pending.extend(current.upstream)
    return roots - {column.id}, complete


def _identifier(node: dict[str, Any]) -> str:
    return node.get("identifier") or node.get("alias") or node["name"]


def _key(schema: str, table: str) -> tuple[str, str]:
    return schema.lower(), table.lower()


def _parsable(kind: str) -> str:
    try:
        exp.DataType.build(kind, dialect=DIALECT)
    except (SqlglotError, ValueError):
        return "string"
    return kind
