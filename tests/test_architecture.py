"""Imports run one way, checked by reading the source, not by memory.

Every module of ``src/smartborder`` is parsed (not imported) and every import counts: module
level, inside a function, under ``if TYPE_CHECKING`` — a function-level import that exists to
dodge a cycle is a cycle. A *unit* is a top-level subpackage or module of ``smartborder``.

- No cycle among units, nor among files.
- No upward import: ``LAYERS`` lists the units top to bottom; a unit imports units of lower
  layers only. Within a layer imports run one way (the cycle check covers that).
- A domain uses another unit only through the names its ``__init__`` exports in ``__all__``
  (``from smartborder.kpi import X``, never ``from smartborder.kpi.warehouse import X``). The
  outer layers (``ENTRY_POINTS``: the CLI, the commands, the API, the composition root and the
  demo) may reach into submodules, never into private ones.
- The store is the one exception among domains: its repository modules and table modules,
  one per domain (``smartborder.store.kpi``, ``smartborder.store.tables.kpi``; listed in
  ``STORE_REPOSITORIES``), are its public surface, so that a domain names the queries it runs
  without the store's ``__init__`` re-exporting every query of every domain. The store's plumbing
  (connection, migrations, bulk loads, the group-commit writer) is reached through
  ``smartborder.store``.
- A module whose name starts with ``_`` is never imported from outside its own package.

There is no allow-list: a violation is fixed where it is, or the map above changes on purpose.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = "smartborder"

# Top to bottom. `web` (templates and the dashboard's view helpers) imports only i18n; the API
# serves it, so it sits low, beside the store and the ports.
LAYERS: list[set[str]] = [
    {"cli", "commands", "api"},
    {"node", "demo", "trips"},
    {"inspections"},
    {"preclearance", "exchange", "consular"},
    {"credentials", "admissibility", "twin"},
    {"kpi", "risk", "declarations", "clients"},
    {"store", "ports", "web"},
    {"config", "errors", "i18n"},
]
ENTRY_POINTS = {"cli", "commands", "api", "node", "demo", "trips"}
STORE_REPOSITORIES = {
    "admissibility",
    "clients",
    "consular",
    "credentials",
    "declarations",
    "exchange",
    "inspections",
    "kpi",
    "risk",
    "trust",
    "twin",
}


@dataclass(frozen=True)
class Import:
    importer: str  # dotted name of the importing module
    target: str  # dotted name of the imported module (a file under src/)
    names: tuple[str, ...]  # for `from target import a, b`: the names that are not modules
    line: int

    def __str__(self) -> str:
        what = f"{self.target} ({', '.join(self.names)})" if self.names else self.target
        return f"{self.importer}:{self.line} -> {what}"


@cache
def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for path in sorted((SRC / ROOT).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def is_package(module: str) -> bool:
    return modules()[module].name == "__init__.py"


def unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ROOT


def existing(name: str) -> str:
    """The module a dotted import name loads last: the name itself, or its nearest ancestor
    that is a module of ours (``import smartborder.kpi.x`` where x is not a file)."""
    while name not in modules() and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package(module):
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


@cache
def imports() -> tuple[Import, ...]:
    found: list[Import] = []
    for module, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == ROOT:
                        found.append(Import(module, existing(alias.name), (), node.lineno))
            elif isinstance(node, ast.ImportFrom):
                source = absolute(module, node)
                if source.split(".")[0] != ROOT:
                    continue
                plain: list[str] = []
                for alias in node.names:
                    sub = f"{source}.{alias.name}"
                    if sub in modules():  # `from package import submodule`
                        found.append(Import(module, sub, (), node.lineno))
                    else:
                        plain.append(alias.name)
                if plain:
                    found.append(Import(module, existing(source), tuple(plain), node.lineno))
    return tuple(found)


def cross_unit() -> Iterator[Import]:
    for imp in imports():
        if unit(imp.importer) != unit(imp.target) and unit(imp.target) != ROOT:
            yield imp


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def edges_within(component: list[str], graph_imports: list[tuple[str, str, Import]]) -> str:
    """The cycle, then each edge inside it with the first import that makes it."""
    members = set(component)
    first: dict[tuple[str, str], list[Import]] = {}
    for a, b, imp in graph_imports:
        if a in members and b in members:
            first.setdefault((a, b), []).append(imp)
    lines = [
        f"    {a} -> {b}: {imps[0]}" + (f" (+{len(imps) - 1} more)" if len(imps) > 1 else "")
        for (a, b), imps in sorted(first.items())
    ]
    return " <-> ".join(component) + "\n" + "\n".join(lines)


def layer_of(name: str) -> int | None:
    for depth, layer in enumerate(LAYERS):
        if name in layer:
            return depth
    return None


def test_every_unit_has_a_layer() -> None:
    units = {unit(m) for m in modules()} - {ROOT}
    unplaced = sorted(u for u in units if layer_of(u) is None)
    assert unplaced == [], f"units missing from LAYERS: {unplaced}"


def test_no_cycle_among_units() -> None:
    graph: dict[str, set[str]] = {unit(m): set() for m in modules()}
    labelled = []
    for imp in cross_unit():
        graph[unit(imp.importer)].add(unit(imp.target))
        labelled.append((unit(imp.importer), unit(imp.target), imp))
    found = [edges_within(c, labelled) for c in cycles(graph)]
    assert found == [], "import cycles among units:\n" + "\n".join(found)


def test_no_cycle_among_files() -> None:
    graph: dict[str, set[str]] = {m: set() for m in modules()}
    labelled = []
    for imp in imports():
        if imp.target != imp.importer:
            graph[imp.importer].add(imp.target)
            labelled.append((imp.importer, imp.target, imp))
    found = [edges_within(c, labelled) for c in cycles(graph)]
    assert found == [], "import cycles among files:\n" + "\n".join(found)


def test_no_upward_import() -> None:
    upward = []
    for imp in cross_unit():
        mine, theirs = layer_of(unit(imp.importer)), layer_of(unit(imp.target))
        # same layer: allowed one way; a two-way pair is a unit cycle, reported above
        if mine is not None and theirs is not None and theirs < mine:
            upward.append(f"{imp}  (upward: layer {mine} imports layer {theirs})")
    assert upward == [], "imports against the layers:\n" + "\n".join(upward)


def store_surface(target: str) -> bool:
    parts = target.split(".")
    if parts[:2] != [ROOT, "store"]:
        return False
    rest = parts[2:]
    if rest[:1] == ["tables"]:
        rest = rest[1:]
    return len(rest) == 1 and rest[0] in STORE_REPOSITORIES


@cache
def exported(package: str) -> frozenset[str] | None:
    """The literal ``__all__`` of a package's ``__init__``, or None when it declares none."""
    tree = ast.parse(modules()[package].read_text(encoding="utf-8"))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            value = ast.literal_eval(node.value)  # type: ignore[arg-type]
            return frozenset(value)
    return None


def test_domains_use_each_other_through_their_public_names() -> None:
    wrong = []
    for imp in cross_unit():
        root = f"{ROOT}.{unit(imp.target)}"
        if unit(imp.importer) in ENTRY_POINTS:
            continue  # may reach submodules; private ones are checked below
        if imp.target != root and not store_surface(imp.target):
            wrong.append(f"{imp}  (a submodule: import from {root})")
        elif imp.target == root and is_package(root) and imp.names:
            names = exported(root)
            missing = sorted(set(imp.names) - (names or frozenset()))
            if missing:
                wrong.append(f"{imp}  (not in {root}.__all__: {', '.join(missing)})")
    assert wrong == [], "imports that bypass a unit's public names:\n" + "\n".join(wrong)


def test_private_modules_stay_in_their_package() -> None:
    wrong = []
    for imp in imports():
        parts = imp.target.split(".")
        for depth, part in enumerate(parts):
            if part.startswith("_") and not part.startswith("__"):
                package = ".".join(parts[:depth])
                if imp.importer != package and not imp.importer.startswith(package + "."):
                    wrong.append(f"{imp}  (private to {package})")
                break
    assert wrong == [], "private modules imported from outside their package:\n" + "\n".join(wrong)


#: The write path's steps: only the composition root strings them together (prepare, then
#: the node's writer stores), so every caller — API, CLI, batch, demo — goes through it.
WRITE_PATH = {"prepare", "prepare_amendment", "prepare_batch", "store_many", "batch_items"}


def test_only_the_node_takes_the_write_path_apart() -> None:
    outside = [
        str(imp)
        for imp in imports()
        if imp.target.startswith(f"{ROOT}.preclearance")
        and unit(imp.importer) != "preclearance"
        and imp.importer not in (f"{ROOT}.node", f"{ROOT}.trips")
        and WRITE_PATH & set(imp.names)
    ]
    assert outside == [], "submissions written around the node:\n" + "\n".join(outside)


@pytest.mark.parametrize("name", ["cli", "commands", "kpi", "preclearance", "store"])
def test_the_checker_sees_the_units(name: str) -> None:
    # guards the checker itself: a path mistake would make every check pass vacuously
    assert any(unit(m) == name for m in modules())
    assert any(unit(i.importer) == name for i in imports())


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
