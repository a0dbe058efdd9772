"""The import graph of okr/, read from the source: no circle between modules or packages.

Every import counts, also one inside a function; only imports under `if TYPE_CHECKING:` do not
(they never run). `from okr import cli` is an import of the module okr.cli, not of the package.
See docs/architecture.md ("Layers and imports") for what may import what.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "okr"


def module_files() -> dict[str, Path]:
    """Dotted module name -> file, for every module under okr/."""
    modules = {}
    for path in SOURCE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run (anywhere, except under `if TYPE_CHECKING:`)."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _targets(node: ast.Import | ast.ImportFrom, package: str, modules: dict[str, Path]) -> set[str]:
    """The okr modules an import statement loads (the deepest module each name resolves to)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            parts = package.split(".")
            parts = parts[: len(parts) - node.level + 1]
            base = ".".join([*parts, base] if base else parts)
        names = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
            for alias in node.names
        ]
    targets = set()
    for name in names:
        while name and name not in modules:  # `import okr.a.b` loads okr.a.b (a module)
            name = name.rpartition(".")[0]
        if name:
            targets.add(name)
    return targets


def import_graph() -> dict[str, set[str]]:
    """Module -> the okr modules it imports."""
    modules = module_files()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            graph[name] |= _targets(node, package, modules) - {name}
    return graph


def package_of(module: str) -> str:
    """okr.X: the top-level package or module a module belongs to (okr itself for the factory)."""
    return ".".join(module.split(".")[:2])


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    packages: dict[str, set[str]] = defaultdict(set)
    for module, targets in graph.items():
        packages[package_of(module)] |= {package_of(t) for t in targets} - {package_of(module)}
    return packages


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected group of two or more nodes (Tarjan), as one closed path through it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_path_in(group, graph) for group in groups]


def groups_text(graph: dict[str, set[str]]) -> str:
    """Each circle as a path, with every node caught in it (a group may hold several circles)."""
    lines = []
    for cycle in cycles(graph):
        members = {node for node in graph if node in _group_of(cycle[0], graph)}
        lines.append(
            " -> ".join(cycle)
            + f"\n    ({len(members)} in the circle: "
            + ", ".join(sorted(members))
            + ")"
        )
    return "\n".join(lines)


def _reachable(start: str, graph: dict[str, set[str]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _group_of(node: str, graph: dict[str, set[str]]) -> set[str]:
    """The nodes on some circle with `node`: reachable from it and reaching it."""
    return {other for other in _reachable(node, graph) if node in _reachable(other, graph)}


def _path_in(group: set[str], graph: dict[str, set[str]]) -> list[str]:
    """A closed path a -> b -> ... -> a inside a strongly connected group (breadth first)."""
    start = min(group)
    came_from: dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & group):
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if target not in came_from:
                came_from[target] = node
                queue.append(target)
    raise AssertionError(group)  # a strongly connected group always has a cycle


def test_no_circle_between_modules():
    graph = import_graph()
    assert not cycles(graph), "Import circles between modules:\n" + groups_text(graph)


def test_no_circle_between_packages():
    graph = package_graph(import_graph())
    assert not cycles(graph), "Import circles between packages (okr.X):\n" + groups_text(graph)


# The layers of docs/architecture.md, lowest first: a package imports only from layers below it.
LAYERS = [
    {"okr.config", "okr.db", "okr.errors", "okr.uploads", "okr.domain", "okr.access", "okr.tables"},
    {"okr.extensions", "okr.i18n", "okr.explain", "okr.web", "okr.labels"},
    {
        "okr.forms",
        "okr.http",
        "okr.templating",
        "okr.unit_of_work",
        "okr.paging",
        "okr.schemes",
        "okr.files",
    },
    {"okr.org", "okr.jobs"},
    {"okr.auth", "okr.departments", "okr.people", "okr.cycles", "okr.notify"},
    {"okr.objectives"},
    {"okr.checkins", "okr.alignment", "okr.kr_templates", "okr.reviews", "okr.main"},
    {"okr.key_results", "okr.team"},
    {
        "okr.appraisals",
        "okr.peer_reviews",
        "okr.plans",
        "okr.review_templates",
        "okr.flags",
        "okr.todo",
        "okr.api",
    },
    {"okr.calibration", "okr.reminders"},
    {"okr.rankings", "okr.records", "okr.bench"},
    {"okr.demo"},
    {"okr.cli", "okr.models"},
    {"okr.wiring"},
    {"okr"},
]


def test_every_package_imports_only_from_the_layers_below_it():
    packages = package_graph(import_graph())
    layer = {package: n for n, members in enumerate(LAYERS) for package in members}
    assert set(packages) <= set(layer), f"place in LAYERS: {sorted(set(packages) - set(layer))}"
    upward = [
        f"{package} -> {target}"
        for package, targets in sorted(packages.items())
        for target in sorted(targets)
        if layer[target] >= layer[package]
    ]
    assert not upward, "Imports of a package in the same or a higher layer:\n" + "\n".join(upward)


def test_nothing_but_the_entry_points_imports_the_factory():
    importers = sorted(m for m, targets in import_graph().items() if "okr" in targets)
    assert importers == [], importers


def test_web_imports_no_feature():
    """Every view imports okr.web, so it may import only the app's kernel modules."""
    graph = import_graph()
    kernel = {"okr.errors", "okr.config", "okr.i18n", "okr.extensions", "okr.db"}
    assert graph["okr.web"] <= kernel, graph["okr.web"] - kernel


def test_the_graph_sees_imports_inside_functions_and_skips_type_checking(tmp_path):
    """The reader itself: a function-level import is an edge; a TYPE_CHECKING one is not."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from okr.b import B\n"
        "def f():\n    from okr.c import C\n"
        "from okr import d\n"
    )
    modules = dict.fromkeys(["okr", "okr.a", "okr.b", "okr.c", "okr.d"], Path())
    edges = set()
    for node in _imports(ast.parse(source)):
        edges |= _targets(node, "okr", modules)
    assert edges == {"okr.c", "okr.d"}
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_no_test_module_imports_another():
    """Worlds come from tests/factories.py and helpers from tests/helpers.py, never from a test module."""
    tests = ROOT / "tests"
    found = []
    for path in sorted(tests.rglob("*.py")):
        if "vendor" in path.parts:
            continue
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [f"{node.module}.{alias.name}" for alias in node.names] + [node.module or ""]
            )
            for name in names:
                parts = name.split(".")
                if parts[0] == "tests" and any(
                    p.startswith("test_") or p == "conftest" for p in parts
                ):
                    found.append(f"{path.relative_to(ROOT)}: {name}")
    assert not found, "\n".join(found)


# docs/architecture.md ("Sizes"): the limits, and the exceptions it names with why.
MODULE_LINES, FUNCTION_LINES, VIEW_LINES = 300, 40, 25
SIZE_EXCEPTIONS = (
    "okr/bench/",
    "okr/demo/",
    "okr/wiring.py:blueprints",
    "okr/domain/composite.py:composite",
)


def _is_view(node: ast.FunctionDef) -> bool:
    return any(
        isinstance(d, ast.Call)
        and isinstance(d.func, ast.Attribute)
        and d.func.attr in ("get", "post", "route")
        and isinstance(d.func.value, ast.Name)
        and d.func.value.id == "bp"
        for d in node.decorator_list
    )


def oversized() -> list[str]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        name = str(path.relative_to(ROOT))
        source = path.read_text(encoding="utf-8")
        if len(source.splitlines()) > MODULE_LINES:
            found.append(f"{name}: {len(source.splitlines())} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                limit = VIEW_LINES if _is_view(node) else FUNCTION_LINES
                if length > limit:
                    found.append(f"{name}:{node.name}: {length} lines")
    return [f for f in found if not f.startswith(SIZE_EXCEPTIONS)]


def test_sizes():
    """Modules, functions and views within their limits, but for the named exceptions."""
    assert not oversized(), "\n".join(oversized())
