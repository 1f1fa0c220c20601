"""The rules of generations: how a model's rows are kept and which of them its view serves.

A *generation* is one complete write of a model's rows. Each build of a table model writes a new
generation table, `<model>__g<id>`, and then switches the model's view, `<model>`, to it with one
metastore write (a view model's generation is a view of that name, holding its SQL); incremental
models write new generations of single partitions inside their generation table, as partition
folders `<partition>/lakehouse_generation=<id>/`, and their view selects, per partition, the
generation it serves. The view's text is the one thing switched
atomically, so it alone says what is served: every reader (the materializations through the
adapter, the catalog reader, readers of the files) resolves through it, with this module.

Ids are the run's start time to the microsecond (`%Y%m%d%H%M%S%f`): they sort as numbers.
Tables named `<model>__v<id>` are generation tables of an earlier layout of the project; builds
drop them once their model's view serves a generation (see LEGACY_TABLE).
"""

import re
from dataclasses import dataclass

COLUMN = "lakehouse_generation"  # partition column of an incremental model's generation table
_TABLE_SUFFIX = "__g"
# Generation tables of earlier layouts (`<model>__v<id>`, column `lakehouse_version`).
LEGACY_TABLE_SUFFIX = "__v"
# The view of an incremental model selects, per generation, its partitions (partition_filter):
# (lakehouse_generation = '<id>' and ((order_month = '1995-03') or ...)) or ..., `false` for none.
_GENERATION_GROUP = re.compile(rf"\({COLUMN} = '(\d+)' and ")
_PARTITION = re.compile(r"\(((?:\w+ (?:= '(?:[^'\\]|\\.)*'|is null)(?: and )?)+|true)\)")
_CONDITION = re.compile(r"(\w+) (?:= '((?:[^'\\]|\\.)*)'|is null)")


def table_name(model: str, generation: str) -> str:
    """The generation table of `model` (an identifier) holding generation `generation`."""
    return f"{model}{_TABLE_SUFFIX}{generation}"


def table_pattern(model: str) -> str:
    """A `show tables ... like` pattern matching the model's generation tables (and more)."""
    return f"{model}__*"


def generation_of_table(model: str, table: str) -> str | None:
    """The generation id of `table` if it is a generation table of `model`, else None."""
    match = re.fullmatch(rf"{re.escape(model)}{_TABLE_SUFFIX}(\d+)", table)
    return match and match.group(1)


def is_unserved_table(model: str, table: str, served_table_generation: str | None) -> bool:
    """Whether `table` is a generation table of `model` other than the one its view serves, or one
    of an earlier layout."""
    generation = generation_of_table(model, table)
    if generation is not None:
        return generation != served_table_generation
    return re.fullmatch(rf"{re.escape(model)}{LEGACY_TABLE_SUFFIX}\d+", table) is not None


def sql_string(value: object) -> str:
    """A Spark SQL string literal of value."""
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


@dataclass(frozen=True)
class Served:
    """What a model's view serves.

    table_generation: the id of the generation table it reads;
    generation: the newest generation it selects (the table's, or its newest partition's);
    partitions: for an incremental model, each generation it selects and the partitions it selects
    of that generation, as [(column, value or None for null), ...]; None for a table model.
    """

    table_generation: str
    generation: str
    partitions: dict[str, list[list[tuple[str, str | None]]]] | None

    @property
    def partitioned(self) -> bool:
        return self.partitions is not None


def served(model: str, view_text: str) -> Served | None:
    """What the view of `model` serves, from its text; None when it reads no one generation table
    (not built with generations yet)."""
    tables = set(re.findall(rf"\b{re.escape(model)}{_TABLE_SUFFIX}([0-9]+)\b", view_text))
    if len(tables) != 1:
        return None
    (table,) = tables
    groups = _GENERATION_GROUP.split(view_text)
    if len(groups) == 1:
        return Served(table, table, None)
    partitions: dict[str, list[list[tuple[str, str | None]]]] = {}
    # split() alternates: the text before the first group, then (id, that group's text) pairs.
    for generation, text in zip(groups[1::2], groups[2::2], strict=True):
        partitions.setdefault(generation, []).extend(_partitions_in(text))
    return Served(table, max(partitions, key=int), partitions)


def _partitions_in(group_text: str) -> list[list[tuple[str, str | None]]]:
    """The partitions a group selects: per partition, (column, value) with None for null."""
    return [
        []
        if match.group(1) == "true"
        else [(column, _unquote(value)) for column, value in _conditions(match.group(1))]
        for match in _PARTITION.finditer(group_text)
    ]


def _conditions(text: str) -> list[tuple[str, str | None]]:
    # An `is null` condition has no value group (None); `= ''` has the empty string.
    return [(match.group(1), match.group(2)) for match in _CONDITION.finditer(text)]


def _unquote(value: str | None) -> str | None:
    return None if value is None else re.sub(r"\\(.)", r"\1", value)


def generation_ids(view_text: str) -> list[int]:
    """Every generation id the view's text names (its table's and its partitions')."""
    ids = re.findall(rf"{_TABLE_SUFFIX}(\d+)\b|{COLUMN} = '(\d+)'", view_text)
    return [int(table or partition) for table, partition in ids]
