"""What each relation serves now, as a short token, so that a build does only what changed:

- a model is skipped when its code and the tokens of everything it reads are those the generation
  its view serves was built from (its *inputs*, stored on its view when it is switched);
- a data test is skipped when it passed on exactly what its models serve now (recorded on each of
  them at the end of the run that ran it);
- a unit test is skipped when it passed with the same SQL and expected rows (recorded on the model
  it tests): its fixtures stand in for every input, so nothing the warehouse serves decides it.

The token of a relation:
- raw table (source): the fingerprint of its files, stored on it when the sources are registered;
- seed: the checksum of its CSV and declared types, stored on its table when it is loaded;
- model built in generations (table, incremental): the generation its view serves (generations.py);
- view model: its SQL (its generation view's text) and the tokens of what it reads (a view serves
  what its inputs serve now).

A relation whose token cannot be known (not built yet, built before tokens existed) has none, and
nothing that reads it is skipped. Descriptions and tokens are kept for the run: a write forgets the
written relation's description (with its generations' and any relation found missing) and every
token, since dbt runs a node only after everything it reads; the other descriptions stay, so that a
full build describes each raw table and seed about once, not once per data test.
"""

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from dbt.adapters.lakehouse_spark import generations

# Table properties this project keeps on relations.
INPUTS = "lakehouse.inputs"  # model view: the inputs its served generation was built from
FILES = "lakehouse.files"  # raw table: its files
CHECKSUM = "lakehouse.checksum"  # seed table: its CSV and column types
TESTED = "lakehouse.tested"  # any: "<token> <test digest> ...", the tests that passed on it
UNIT_TESTED = "lakehouse.unit_tested"  # model: "<unit test>:<digest> ...", its unit tests passed
# Test settings that decide a test's outcome beside its SQL.
TEST_SETTINGS = ("severity", "warn_if", "error_if", "fail_calc", "limit")


def digest(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Described:
    """`describe table extended` of a relation: whether it is a view, its text, its properties;
    its columns ("name type", in order), location and whether it is partitioned; its comment and
    its columns' comments (by name)."""

    is_view: bool
    text: str
    properties: dict[str, str] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    location: str | None = None
    partitioned: bool = False
    comment: str | None = None
    column_comments: dict[str, str] = field(default_factory=dict)


def parse_description(rows: Iterable[tuple]) -> Described:
    rows = list(rows)
    # The columns come first, up to a blank row or a "# ..." section heading.
    ends = (i for i, row in enumerate(rows) if not row[0] or row[0].startswith("#"))
    column_rows = rows[: next(ends, len(rows))]
    columns = tuple(f"{name} {data_type}" for name, data_type, *_ in column_rows)
    details = {row[0]: row[1] for row in rows}
    # "[k1=v1, k2=v2]": values written here hold no comma or bracket.
    properties = dict(re.findall(r"([^\s,\[=]+)=([^,\]]*)", details.get("Table Properties", "")))
    return Described(
        is_view=details.get("Type") == "VIEW",
        text=details.get("View Text") or "",
        properties=properties,
        columns=columns,
        location=details.get("Location"),
        partitioned="# Partition Information" in details,
        comment=details.get("Comment") or None,
        column_comments={name: comment or "" for name, _, comment, *_ in column_rows},
    )


def definition(model: dict, code: str) -> str:
    """A model's compiled code, configuration and declared columns: all of it but its inputs.
    An incremental model compiles to other SQL on a full build than on an incremental run (its
    filter), both writing the same rows by design: its code is compared as written."""
    if model["config"].get("materialized") == "incremental":
        code = model["raw_code"]
    # dbt puts the bounds of a microbatch model's batch in its configuration: not part of it.
    config = {k: v for k, v in model["config"].items() if not k.startswith("__dbt_internal")}
    columns = {name: column.get("data_type") for name, column in model["columns"].items()}
    return digest(code, config, columns)


def seed_checksum(seed: dict) -> str:
    return digest(seed["checksum"], seed["config"].get("column_types"))


def test_digest(code: str, config: dict) -> str:
    return digest(code, {name: config.get(name) for name in TEST_SETTINGS})


def tested_record(token: str, digests: Iterable[str]) -> str:
    return " ".join([token, *sorted(set(digests))])


def unit_test_digest(unit_test: dict) -> str:
    """What decides a unit test's outcome: its compiled SQL (the model's, each input replaced by
    its fixture rows) and the rows it expects."""
    config = unit_test["config"]
    return digest(
        unit_test["compiled_code"], config.get("expected_rows"), config.get("expected_sql")
    )


def unit_tested(record: str) -> dict[str, str]:
    """The unit tests a model's UNIT_TESTED record holds: name -> digest."""
    return dict(entry.split(":", 1) for entry in record.split())


def unit_tested_record(passed: dict[str, str]) -> str:
    return " ".join(f"{name}:{passed[name]}" for name in sorted(passed))


def tested_model_identifier(unit_test: dict) -> str:
    """The identifier of the model a unit test tests, from its id (`model.<project>.<name>`, and
    `.v<n>` for a version, built as `<name>_v<n>`); a model with an alias of its own is not found,
    and its unit tests always run."""
    _, _, name, *version = unit_test["tested_node_unique_id"].split(".")
    return "_".join([name, *version])


class ServedState:
    """Tokens of what the project's relations serve, read through `execute(sql) -> rows`."""

    def __init__(self, execute: Callable[[str], list[tuple]]) -> None:
        self._execute = execute
        self._described: dict[str, Described | None] = {}
        self._tokens: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def describe(self, relation: str) -> Described | None:
        """The relation's description (kept until something is written), None if there is no
        such relation."""
        with self._lock:
            if relation in self._described:
                return self._described[relation]
        described = self._read_description(relation)
        with self._lock:
            self._described[relation] = described
        return described

    def _read_description(self, relation: str) -> Described | None:
        try:
            rows = self._execute(f"describe table extended {relation}")
        except Exception as error:  # the adapter's error type differs between connection methods
            if "TABLE_OR_VIEW_NOT_FOUND" in str(error):
                return None
            raise
        return parse_description(rows)

    def forget(self, relation: str | None = None) -> None:
        """Forgets what writing `relation` may have changed (everything when None): its
        description and its generations', those of relations found missing, and every token (a
        view's combines those of what it reads)."""
        with self._lock:
            self._tokens.clear()
            if relation is None:
                self._described.clear()
                return
            own_generations = generations.table_name(relation, "")
            for name in [
                name
                for name, described in self._described.items()
                if described is None or name == relation or name.startswith(own_generations)
            ]:
                del self._described[name]

    def token(self, unique_id: str, graph: dict) -> str | None:
        with self._lock:
            if unique_id in self._tokens:
                return self._tokens[unique_id]
        token = self._read_token(unique_id, graph)
        with self._lock:
            self._tokens[unique_id] = token
        return token

    def _read_token(self, unique_id: str, graph: dict) -> str | None:
        node = graph["sources"].get(unique_id) or graph["nodes"].get(unique_id)
        if node is None:
            return None
        described = self.describe(node["relation_name"])
        if described is None:
            return None
        kind = node["resource_type"]
        if kind == "source":
            return described.properties.get(FILES)
        if kind == "seed":
            return described.properties.get(CHECKSUM)
        if kind in ("model", "snapshot") and described.is_view:
            if node["config"]["materialized"] == "view":
                own = self.view_sql(node["relation_name"], described)
                return self._combine(own, node["depends_on"]["nodes"], graph)
            served = generations.served(node["alias"], described.text)
            return served and served.generation
        return None

    def view_sql(self, relation: str, described: Described) -> str:
        """The SQL a view model's rows come from: the text of the generation view it selects from
        (a new one written for edited comments alone has the same), or its own text."""
        served = generations.served(relation.rsplit(".", 1)[-1], described.text)
        if served is None:
            return described.text
        generation = self.describe(generations.table_name(relation, served.table_generation))
        return generation.text if generation else described.text

    def _combine(self, own: str, parents: list[str], graph: dict) -> str | None:
        tokens = [self.token(parent, graph) for parent in sorted(set(parents))]
        return None if None in tokens else digest(own, tokens)

    def inputs(self, model: dict, graph: dict, code: str) -> str | None:
        """The inputs a build of `model` (a node, its compiled `code`) would start from: its
        definition and the token of everything it reads."""
        return self._combine(definition(model, code), model["depends_on"]["nodes"], graph)

    def test_passed(self, test: dict, graph: dict, code: str) -> bool:
        """Whether this test (its compiled `code`) passed on what each of its models serves now."""
        parents = test["depends_on"]["nodes"]
        mine = test_digest(code, test["config"])
        for parent in parents:
            token = self.token(parent, graph)
            node = graph["sources"].get(parent) or graph["nodes"].get(parent)
            described = self.describe(node["relation_name"]) if token else None
            record = (described.properties.get(TESTED, "") if described else "").split()
            if not record or record[0] != token or mine not in record[1:]:
                return False
        return bool(parents)

    def passed_on(self, test: dict, graph: dict, code: str) -> str | None:
        """The token of the version of its tested model that this test (its compiled `code`) last
        passed on, as recorded on that model; None where none is (never run, or failed last)."""
        node = graph["nodes"].get(test.get("attached_node") or "")
        described = self.describe(node["relation_name"]) if node else None
        record = (described.properties.get(TESTED, "") if described else "").split()
        return record[0] if record and test_digest(code, test["config"]) in record[1:] else None

    def tested_records(self, outcomes: list[tuple[list[str], str, bool]], graph: dict) -> dict:
        """New TESTED records from the run's test outcomes (parents, digest, passed): per
        relation, {'relation', 'is_view', 'record'}, only where the record changes."""
        by_parent: dict[str, tuple[set[str], set[str]]] = {}
        for parents, test, passed in outcomes:
            for parent in parents:
                by_parent.setdefault(parent, (set(), set()))[0 if passed else 1].add(test)
        changes = {}
        for parent, (passed, failed) in sorted(by_parent.items()):
            node = graph["sources"].get(parent) or graph["nodes"].get(parent)
            token = self.token(parent, graph)
            described = self.describe(node["relation_name"]) if node and token else None
            if described is None:
                continue
            old = described.properties.get(TESTED, "").split()
            kept = set(old[1:]) if old and old[0] == token else set()
            record = tested_record(token, (kept | passed) - failed)
            if record.split() != old:
                changes[parent] = {
                    "relation": node["relation_name"],
                    "is_view": described.is_view,
                    "record": record,
                }
        return changes
