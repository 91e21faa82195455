"""The mistakes package imports in one direction: no module of it needs itself back.

Read from the source with `ast`, so nothing is imported to check it. An import
counts where it sits at module level, under `if TYPE_CHECKING:` too (a reader,
and a type checker, follows it just the same); an import inside a function is
deliberately lazy and does not. Importing `a.b.c` runs `a.b` first, so that is an
edge to `a.b` as well, unless `a.b` is a package the importing module is in
(it is already being imported then).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "seussbot.mistakes"
ROOT = Path(__file__).resolve().parents[1]


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / PACKAGE.replace(".", "/")).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def module_level_imports(tree: ast.Module, known: dict[str, Path]) -> list[str]:
    """What a module imports when it is imported (TYPE_CHECKING blocks included), by full name."""
    names: list[str] = []

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.Import):
                names.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    submodule = f"{node.module}.{alias.name}"
                    names.append(submodule if submodule in known else node.module)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            else:
                for block in ("body", "orelse", "finalbody", "handlers"):
                    visit(getattr(node, block, None) or [])

    visit(tree.body)
    return names


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        parts = name.split(".")
        being_imported = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
        edges = set()
        for target in module_level_imports(ast.parse(path.read_text(encoding="utf-8")), known):
            pieces = target.split(".")
            for i in range(1, len(pieces) + 1):
                step = ".".join(pieces[:i])
                if step in known and step not in being_imported:
                    edges.add(step)
        graph[name] = edges
    return graph


def a_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle, as the modules in it in order; [] when there is none."""
    state: dict[str, str] = {}  # "open" while on the path, "done" once fully explored
    path: list[str] = []

    def visit(name: str) -> list[str]:
        state[name] = "open"
        path.append(name)
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                return path[path.index(target) :] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[name] = "done"
        return []

    for name in sorted(graph):
        if name not in state and (cycle := visit(name)):
            return cycle
    return []


def test_the_reader_and_detectors_are_seen_by_the_graph() -> None:
    graph = import_graph()
    assert "seussbot.mistakes.base" in graph["seussbot.mistakes.kinds.echo"]
    assert "seussbot.mistakes.kinds.echo" in graph["seussbot.mistakes.kinds"]


def test_no_module_of_the_mistakes_package_imports_itself_back() -> None:
    cycle = a_cycle(import_graph())
    assert not cycle, "import circle: " + " -> ".join(name.removeprefix(PACKAGE + ".") for name in cycle)
