"""The descriptions the project's YAML gives each model and seed and their columns, doc blocks
filled in: what the docs site and the catalog are to show, read from the files rather than from
dbt's manifest."""

import re
from functools import cache

import jinja2
import yaml
from conftest import PROJECT_DIR

DOC_BLOCK = re.compile(r"{% docs (\w+) %}(.*?){% enddocs %}", flags=re.DOTALL)


def model_yaml(name: str) -> dict:
    """The model's (or seed's) entry in the YAML of its folder."""
    return _models()[name]


def descriptions(name: str) -> tuple[str, dict[str, str]]:
    """The model's description and each column's, doc blocks filled in and white space as one
    space (Markdown reads them so)."""
    model = model_yaml(name)
    columns = {column["name"]: rendered(column["description"]) for column in model["columns"]}
    return rendered(model["description"]), columns


def rendered(text: str) -> str:
    """A description as Jinja renders it with doc() (filters such as `| lower` included)."""
    blocks = _doc_blocks()
    text = jinja2.Template(text).render(doc=lambda name: blocks[name].strip())
    return " ".join(text.split())


@cache
def _doc_blocks() -> dict[str, str]:
    return {
        name: text
        for path in PROJECT_DIR.glob("models/**/*.md")
        for name, text in DOC_BLOCK.findall(path.read_text())
    }


@cache
def _models() -> dict[str, dict]:
    folders = ("models", "python_models", "seeds", "snapshots")
    paths = [path for folder in folders for path in PROJECT_DIR.glob(f"{folder}/**/*.yml")]
    return {
        node["name"]: node
        for path in paths
        for kind in ("models", "seeds", "snapshots")
        for node in (yaml.safe_load(path.read_text()) or {}).get(kind, [])
    }


def comments_in(describe_rows: list[tuple]) -> tuple[str | None, dict[str, str]]:
    """The relation's comment and its columns' from the rows of `describe table extended`."""
    end = next(i for i, row in enumerate(describe_rows) if not row[0] or row[0].startswith("#"))
    columns = {name: comment for name, _, comment in describe_rows[:end]}
    return next((text for name, text, _ in describe_rows if name == "Comment"), None), columns


def assert_shows_descriptions(
    model: str,
    comment: str | None,
    column_comments: dict[str, str | None],
    documented_only: bool = False,
) -> None:
    """The catalog shows the model's YAML description as the comment of the relation users query,
    and each column's as the column's (`documented_only`: of the columns the YAML lists, as for a
    snapshot, whose YAML leaves out columns it takes from the view it snapshots)."""
    description, columns = descriptions(model)
    assert " ".join((comment or "").split()) == description, model
    shown = {name: " ".join((text or "").split()) for name, text in column_comments.items()}
    if documented_only:
        shown = {name: text for name, text in shown.items() if name in columns}
    assert shown == columns, model
