"""Checks the direction of imports between the project's Python modules (under SOURCE_ROOT):
no module imports, however indirectly, one that imports it back (an import cycle), and the adapter
(`dbt.adapters.lakehouse_spark`) imports nothing of the tooling (`lakehouse`): dependencies point
from the tooling to the adapter, never back. Imports inside functions count too.

    python lint/import_rules.py [SOURCE_ROOT]     (default: src; exit status 1 on a finding)
"""

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ADAPTER = "dbt.adapters.lakehouse_spark"
TOOLING = "lakehouse"


def modules(root: Path) -> dict[str, Path]:
    """Every module under root by its dotted name (a package by its own name)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts:
            found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules the module imports: `from a import b` counts as a.b when that is a
    module, else as a. (A package's own __init__, run before any of its modules, is not counted
    as their dependency.)"""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another (strongly connected components of more
    than one module), by Tarjan's algorithm."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return groups


def findings(root: Path) -> Iterator[str]:
    known = modules(root)
    graph = {name: imports(name, path, known) for name, path in known.items()}
    for group in cycles(graph):
        yield "import cycle: " + " -> ".join(
            f"{module} (imports {', '.join(sorted(graph[module] & set(group)))})"
            for module in group
        )
    for name, targets in sorted(graph.items()):
        if name == ADAPTER or name.startswith(ADAPTER + "."):
            for target in sorted(targets):
                if target == TOOLING or target.startswith(TOOLING + "."):
                    yield (
                        f"{name} imports {target}: the adapter must not depend on the tooling "
                        "(move what both need into the adapter)"
                    )


def main(argv: list[str]) -> int:
    root = Path(argv[0] if argv else "src")
    problems = list(findings(root))
    for problem in problems:
        print(f"{root}: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
