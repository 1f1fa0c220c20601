"""Data tests on landed raw data that read only what landed since they last passed.

A raw table is *landed* when its files lie in one folder per landing partition
(`<column>=<value>/`, the daily feed's `landing_date=YYYY-MM-DD/`), each partition written once and
only added to. A data test of such a table, or of a view that reads it and nothing else and passes
its landing column on (declared in the view's YAML), that
passed on every partition up to the latest one, D, needs to read only the partitions after D the
next time, provided nothing it read up to D changed. What it read up to D is its *state*: for each
relation the test reads, the fingerprint of the landed partitions up to D (and a view's SQL), or
the relation's token when it is not landed (served_state.py). So a rewritten or removed old
partition, a changed view or a changed parent not landed makes the test read everything again.

A test that compares rows with each other (unique keys) reads the keys that landed after D with
every row holding one of them, so that a new key that repeats an old one is still caught; a test
that checks rows one by one (not null, accepted values, an expression, a relationship to a parent
read whole) reads the new rows alone.

The record of a landed relation, a table property: "<column> <D> <test digest>:<state> ...".
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from dbt.adapters.lakehouse_spark.generations import sql_string
from dbt.adapters.lakehouse_spark.served_state import digest

# Table property of a landed relation: the tests that passed through a partition.
LANDED_TESTS = "lakehouse.landed_tests"
# Generic tests that compare rows with each other, and the argument naming their key columns.
KEY_TESTS = {"unique": "column_name", "unique_combination": "columns"}
_PARTITION_FOLDER = re.compile(r"/([A-Za-z_][A-Za-z0-9_]*)=([^/]+)/[^/]+$")
# How a test's compiled SQL marks a relation it may narrow (macros/.../rebuilt_partitions.sql).
MARK = "true /* landed partitions of {relation} */"
_MARK = re.compile(re.escape(MARK).replace(re.escape("{relation}"), r"(\S+)"))


def landed_marks(code: str) -> list[str]:
    """The relations a test's compiled SQL marks as narrowed to what landed since."""
    return sorted(set(_MARK.findall(code)))


@dataclass(frozen=True)
class Landed:
    """A landed raw table: its partition column and each partition's fingerprint, by value."""

    column: str
    partitions: dict[str, str]

    @property
    def latest(self) -> str:
        return max(self.partitions)

    def through(self, last: str) -> str:
        """The fingerprint of the partitions up to `last`."""
        return digest(sorted((value, d) for value, d in self.partitions.items() if value <= last))


def landed_files(files: Iterable[tuple[str, int, object]]) -> Landed | None:
    """The landed table these files (path, size, modification time) make up, or None when they
    are not all in partition folders of one column."""
    by_partition: dict[str, list] = {}
    columns = set()
    for path, size, modified in files:
        match = _PARTITION_FOLDER.search(str(path))
        if match is None:
            return None
        columns.add(match.group(1))
        by_partition.setdefault(match.group(2), []).append((str(path), size, str(modified)))
    if len(columns) != 1:
        return None
    partitions = {value: digest(sorted(listed)) for value, listed in by_partition.items()}
    return Landed(columns.pop(), partitions)


@dataclass(frozen=True)
class Record:
    """What a landed relation's LANDED_TESTS property holds."""

    column: str
    last: str
    states: dict[str, str]

    @classmethod
    def parse(cls, text: str | None) -> "Record | None":
        words = (text or "").split()
        if len(words) < 2:
            return None
        return cls(words[0], words[1], dict(word.split(":", 1) for word in words[2:]))

    def format(self) -> str:
        tests = " ".join(f"{test}:{state}" for test, state in sorted(self.states.items()))
        return f"{self.column} {self.last} {tests}".strip()


def predicate(test: dict, relation: str, column: str, last: str) -> str:
    """The rows of `relation` a test that passed through partition `last` reads now."""
    newer = f"{column} > {sql_string(last)}"
    metadata = test.get("test_metadata") or {}
    key_argument = KEY_TESTS.get(metadata.get("name", ""))
    if key_argument is None:
        return newer
    keys = metadata["kwargs"][key_argument]
    keys = ", ".join(keys if isinstance(keys, list) else [keys])
    return f"({keys}) in (select {keys} from {relation} where {newer})"


class LandedTests:
    """The landed tables registered in this run (register), and for each data test on them what
    it must read (predicate) and what it passed on (records)."""

    def __init__(self, served_state) -> None:
        self.served_state = served_state
        self.tables: dict[str, Landed] = {}

    def register(self, relation: str, files: Iterable[tuple[str, int, object]]) -> None:
        landed = landed_files(files)
        if landed is not None:
            self.tables[relation] = landed

    def landed_of(self, unique_id: str, graph: dict) -> tuple[Landed, str] | None:
        """The landed table a source is, or a view model reads alone; and the relation's own part
        of a test's state (a view's SQL)."""
        node = graph["sources"].get(unique_id) or graph["nodes"].get(unique_id)
        if node is None:
            return None
        if node["resource_type"] == "source":
            landed = self.tables.get(node["relation_name"])
            return (landed, "") if landed else None
        if node["resource_type"] != "model" or node["config"]["materialized"] != "view":
            return None
        parents = node["depends_on"]["nodes"]
        if len(parents) != 1 or not parents[0].startswith("source."):
            return None
        landed = self.tables.get(graph["sources"][parents[0]]["relation_name"])
        # A view that does not pass the landing column on (the latest of full daily extracts, say)
        # does not only add rows as partitions land.
        if landed is None or landed.column not in node["columns"]:
            return None
        described = self.served_state.describe(node["relation_name"])
        if described is None:
            return None
        return landed, self.served_state.view_sql(node["relation_name"], described)

    def state(self, test: dict, graph: dict, last: str) -> str | None:
        """What the test read up to partition `last`, as a digest; None if something is unknown."""
        parts = []
        for parent in sorted(set(test["depends_on"]["nodes"])):
            found = self.landed_of(parent, graph)
            part = (
                (found[1], found[0].through(last))
                if found
                else self.served_state.token(parent, graph)
            )
            if part is None:
                return None
            parts.append(part)
        return digest(parts)

    def predicate(self, test: dict, relation: str, graph: dict, test_digest: str) -> str:
        """What the test reads of `relation` this run: `true` (every row) unless it passed through
        a partition before and nothing it read up to there changed."""
        found = self._tested(relation, graph)
        if found is None:
            return "true"
        landed, record = found
        if record is None or record.column != landed.column or record.last > landed.latest:
            return "true"
        state = record.states.get(test_digest)
        if state is None or state != self.state(test, graph, record.last):
            return "true"
        return predicate(test, relation, landed.column, record.last)

    def records(self, outcomes: list[tuple[dict, str, str]], graph: dict, marked) -> dict:
        """New LANDED_TESTS records from the run's outcomes (test node, digest, status) of tests
        whose SQL marks the relations it narrows (`marked(code)`): per relation, its record. A
        test that did not run (skipped after an upstream failure) leaves the record as it is."""
        changes: dict[str, str] = {}
        for test, test_digest, status in outcomes:
            if status not in ("pass", "fail", "warn", "error"):
                continue
            passed = status == "pass"
            for relation in marked(test["compiled_code"]):
                found = self._tested(relation, graph)
                if found is None:
                    continue
                landed, record = found
                if relation in changes:
                    record = Record.parse(changes[relation])
                elif (
                    record is None or record.last != landed.latest or record.column != landed.column
                ):
                    record = Record(landed.column, landed.latest, {})
                states = dict(record.states)
                state = self.state(test, graph, landed.latest) if passed else None
                if state is None:
                    states.pop(test_digest, None)
                else:
                    states[test_digest] = state
                changes[relation] = Record(record.column, record.last, states).format()
        return changes

    def _tested(self, relation: str, graph: dict) -> tuple[Landed, "Record | None"] | None:
        unique_id = self._unique_id(relation, graph)
        found = unique_id and self.landed_of(unique_id, graph)
        if not found:
            return None
        described = self.served_state.describe(relation)
        return found[0], Record.parse(described.properties.get(LANDED_TESTS) if described else None)

    @staticmethod
    def _unique_id(relation: str, graph: dict) -> str | None:
        for kind in ("sources", "nodes"):
            for unique_id, node in graph[kind].items():
                if node.get("relation_name") == relation:
                    return unique_id
        return None
