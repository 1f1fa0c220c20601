"""The docs site as published (`target/site/`): dbt's site as one file, each model's, seed's,
snapshot's and source's description ending in a link to its column lineage page, and those pages
(`lineage/<unique_id>.html`): per column what it reads, what reads it, the source and seed columns
it comes from, and why where it is not traced.

The links are added to the manifest inlined into the site only: `target/manifest.json` stays as dbt
wrote it (state comparisons and the coverage gate read it).
"""

import json
from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import Any

SITE = "site"
PAGES = "lineage"
# dbt's index.html loads these two files, or holds them inline where they are pasted in their place.
INLINE = {"manifest": '"MANIFEST.JSON INLINE DATA"', "catalog": '"CATALOG.JSON INLINE DATA"'}
LINK_TEXT = "Column lineage"
STYLE = """body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
tr:target { background: #fff6d5; }
.status-untraced, .status-not_compiled { color: #b00020; font-weight: bold; }
ul { margin: 0; padding-left: 1.2em; }"""


def write_site(target_dir: Path, lineage_json: dict[str, Any]) -> Path:
    """Writes `<target_dir>/site/index.html` and its lineage pages; returns the site's folder."""
    manifest = json.loads((target_dir / "manifest.json").read_text())
    catalog = (target_dir / "catalog.json").read_text()
    index = (target_dir / "index.html").read_text()
    missing = [marker for marker in INLINE.values() if marker not in index]
    if missing:
        raise ValueError(
            f"{target_dir / 'index.html'} is not dbt's docs page (no {missing[0]}): run "
            "`dbt docs generate` (or make docs-site) first"
        )
    nodes = _nodes(manifest)
    by_node: dict[str, list[dict[str, Any]]] = {}  # in the relations' column order
    for column in lineage_json["columns"].values():
        by_node.setdefault(column["node"], []).append(column)
    for uid in by_node:
        node = nodes[uid]
        link = f"[{LINK_TEXT}]({PAGES}/{uid}.html): where each column comes from, what reads it."
        node["description"] = f"{node['description'].rstrip()}\n\n{link}".lstrip()

    site = target_dir / SITE
    pages = site / PAGES
    pages.mkdir(parents=True, exist_ok=True)
    index = index.replace(INLINE["manifest"], json.dumps(manifest))
    (site / "index.html").write_text(index.replace(INLINE["catalog"], catalog))
    for uid, node_columns in by_node.items():
        (pages / f"{uid}.html").write_text(_node_page(nodes[uid], node_columns, nodes))
    (pages / "index.html").write_text(_index_page(by_node, nodes))
    return site


def _nodes(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {**manifest["nodes"], **manifest["sources"]}


def _title(node: dict[str, Any]) -> str:
    if node["resource_type"] == "source":
        return f"{node['source_name']}.{node['name']}"
    return node["name"]


def _column_link(column_id: str, nodes: dict[str, dict[str, Any]]) -> str:
    uid, name = column_id.rsplit(".", 1)
    text = f"{_title(nodes[uid])}.{name}" if uid in nodes else column_id
    return f'<a href="{escape(uid)}.html#{escape(name)}">{escape(text)}</a>'


def _node_link(uid: str, nodes: dict[str, dict[str, Any]]) -> str:
    text = _title(nodes[uid]) if uid in nodes else uid
    return f'<a href="{escape(uid)}.html">{escape(text)}</a>'


def _listed(items: Iterable[str]) -> str:
    items = list(items)
    return f"<ul>{''.join(f'<li>{item}</li>' for item in items)}</ul>" if items else ""


def _notes(column: dict[str, Any], nodes: dict[str, dict[str, Any]]) -> str:
    notes = [escape(reason) for reason in column["reasons"]]
    if column["inputs"]:
        notes.append("inputs: " + ", ".join(_node_link(uid, nodes) for uid in column["inputs"]))
    if column["roots"] and not column["roots_complete"]:
        notes.append("may come from more: a Python model or an untraced column on the way")
    return _listed(notes)


def _node_page(
    node: dict[str, Any], columns: list[dict[str, Any]], nodes: dict[str, dict[str, Any]]
) -> str:
    kind, title = node["resource_type"], _title(node)
    declared = {name.lower(): column for name, column in node.get("columns", {}).items()}
    rows = []
    for column in columns:
        name = column["column"]
        description = declared.get(name, {}).get("description", "")
        cells = [
            f"<b>{escape(name)}</b><br>{escape(description)}",
            f'<span class="status-{column["status"]}">{escape(column["status"])}</span>',
            _listed(_column_link(parent, nodes) for parent in column["upstream"]),
            _listed(_column_link(child, nodes) for child in column["downstream"]),
            _listed(_column_link(root, nodes) for root in column["roots"]),
            _notes(column, nodes),
        ]
        rows.append(f'<tr id="{escape(name)}">{"".join(f"<td>{cell}</td>" for cell in cells)}</tr>')
    header = ["Column", "Status", "Reads", "Read by", "From sources and seeds", "Notes"]
    body = (
        f'<p><a href="../index.html#!/{kind}/{escape(node["unique_id"])}">The {kind}\'s page</a>'
        f' &middot; <a href="index.html">Every model\'s column lineage</a></p>'
        f"<table><tr>{''.join(f'<th>{cell}</th>' for cell in header)}</tr>{''.join(rows)}</table>"
    )
    return _page(f"{title} ({kind}): column lineage", body)


def _index_page(by_node: dict[str, list[dict[str, Any]]], nodes: dict[str, dict[str, Any]]) -> str:
    rows, untraced = [], []
    for uid in sorted(by_node, key=lambda uid: (nodes[uid]["resource_type"], _title(nodes[uid]))):
        counts: dict[str, int] = {}
        for column in by_node[uid]:
            counts[column["status"]] = counts.get(column["status"], 0) + 1
            if column["status"] == "untraced":
                column_id, reasons = f"{uid}.{column['column']}", "; ".join(column["reasons"])
                untraced.append(f"{_column_link(column_id, nodes)}: {escape(reasons)}")
        statuses = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
        cells = [_node_link(uid, nodes), escape(nodes[uid]["resource_type"]), escape(statuses)]
        rows.append(f"<tr>{''.join(f'<td>{cell}</td>' for cell in cells)}</tr>")
    body = (
        '<p><a href="../index.html">The docs site</a></p>'
        f"<table><tr><th>Name</th><th>Kind</th><th>Columns</th></tr>{''.join(rows)}</table>"
        f"<h2>Not traced</h2>{_listed(untraced) or '<p>None.</p>'}"
    )
    return _page("Column lineage", body)


def _page(title: str, body: str) -> str:
    head = f'<meta charset="utf-8"><title>{escape(title)}</title><style>{STYLE}</style>'
    return (
        f'<!doctype html>\n<html lang="en"><head>{head}</head>\n'
        f"<body><h1>{escape(title)}</h1>{body}</body></html>\n"
    )
