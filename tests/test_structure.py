"""The package's shape: modules import each other one way, and no module grows past a size a reader can hold."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "translitnorm"
MAX_LINES = 600
# Modules over MAX_LINES until they are split, each at the size it has now, so that growing further fails too.
OVER_THE_LIMIT = {"maintain": 606}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imported(tree: ast.Module, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The package modules a module imports, at the top or inside functions (an import put off to
    call time is still a dependency); those only under ``if TYPE_CHECKING:`` are not."""
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            for alias in node.names:  # "from translitnorm import batch" imports a module, not the package's code
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {name for name in found if name in known and name != module}


def import_graph() -> dict[str, set[str]]:
    paths = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    known = set(paths)
    return {name: _imported(ast.parse(path.read_text(encoding="utf-8")), name, path.name == "__init__.py", known)
            for name, path in paths.items()}


def _cycle_from(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """A shortest import cycle through ``start``, or None."""
    paths = [[start]]
    seen = {start}
    while paths:
        next_paths = []
        for path in paths:
            for imported in sorted(graph[path[-1]]):
                if imported == start:
                    return path + [start]
                if imported not in seen:
                    seen.add(imported)
                    next_paths.append(path + [imported])
        paths = next_paths
    return None


def test_the_import_graph_is_read_from_the_sources():
    graph = import_graph()
    assert "translitnorm.lookup" in graph["translitnorm.matcher"]
    assert "translitnorm.index" in graph["translitnorm.lookup"]
    assert "translitnorm.cli" in graph and "translitnorm.io" in graph


def _without_assembly(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph without the edges from a package to its own modules: a package's ``__init__``
    assembles it from them (the root re-exports the public API, ``cli`` registers its commands),
    so a module may use its package's names; that a module below does not import the package
    root is checked on its own (test_no_module_imports_the_package_root_but_the_command_line)."""
    return {name: {imported for imported in imports if not imported.startswith(name + ".")}
            for name, imports in graph.items()}


@pytest.mark.parametrize("module", sorted(import_graph()))
def test_no_import_cycle(module):
    cycle = _cycle_from(_without_assembly(import_graph()), module)
    assert cycle is None, "import cycle: " + " → ".join(cycle)


def test_no_module_imports_the_package_root_but_the_command_line():
    # The command line prints the version and may use the public API; below it, a module that
    # imports the root imports everything the root re-exports (and runs into a cycle).
    importers = sorted(name for name, imports in import_graph().items()
                       if "translitnorm" in imports and not name.startswith("translitnorm.cli"))
    assert importers == []


def test_text_cleaning_does_not_pull_in_romanisation():
    graph = import_graph()

    def reachable(start: str) -> set[str]:
        todo, seen = [start], set()
        while todo:
            for imported in graph[todo.pop()] - seen:
                seen.add(imported)
                todo.append(imported)
        return seen

    assert "translitnorm.romanise" not in reachable("translitnorm.text")
    assert "translitnorm.clean" not in reachable("translitnorm.maintain")


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_module_is_too_long_to_read(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    limit = OVER_THE_LIMIT.get(path.stem, MAX_LINES)
    assert lines <= limit, f"{path.name} has {lines} lines: split it along its concerns (at most {MAX_LINES})"
