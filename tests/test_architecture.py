"""The code's shape: the pipeline's dependencies point one way, and no module grows too big.

Imports are read from the source with `ast`, lazy ones inside functions included, so a cycle
that only shows at run time is caught here too; imports for the type checker alone are not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from notes2decks.registry import EXPORTERS, READERS

SOURCE = Path(__file__).parent.parent / "src" / "notes2decks"
TESTS = Path(__file__).parent

# What an exporter may use besides the model: shared helpers, never a step of the pipeline.
EXPORTER_MAY_IMPORT = {
    "notes2decks",
    "notes2decks.atomic",
    "notes2decks.dates",
    "notes2decks.errors",
    "notes2decks.identity",
    "notes2decks.images",
    "notes2decks.model",
    "notes2decks.options",
    "notes2decks.usercache",
    "notes2decks.words",
}
MAX_LINES = 600


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(SOURCE.rglob("*.py"))}


def imported(name: str) -> set[str]:
    """The project modules that module `name` imports, anywhere in its code."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # Imports for the type checker alone never run, so they make no cycle.
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            submodules = {f"{target}.{a.name}" for a in node.names} & MODULES.keys()
            # `from . import sub` needs the submodule only: the package object exists already.
            found.update(submodules)
            if len(submodules) < len(node.names):
                found.add(target)
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: imported(name) for name in MODULES}


def cycles() -> Iterator[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> Iterator[list[str]]:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(GRAPH[node]):
            if other not in index:
                yield from visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                yield sorted(component)

    for name in sorted(GRAPH):
        if name not in index:
            yield from visit(name)


def test_no_module_imports_itself_round_a_cycle() -> None:
    assert list(cycles()) == []


@pytest.mark.parametrize("name", [n for n in MODULES if n.startswith("notes2decks.exporters")])
def test_exporters_depend_on_the_model_and_shared_helpers_only(name: str) -> None:
    outside = {
        module
        for module in GRAPH[name]
        if not module.startswith("notes2decks.exporters") and module not in EXPORTER_MAY_IMPORT
    }
    assert outside == set(), f"{name} imports pipeline steps {sorted(outside)}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_module_stays_readable_in_one_sitting(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it by job"


@pytest.mark.parametrize("step", ["build", "check", "enrich", "cli"])
def test_steps_ask_the_registry_instead_of_naming_formats(step: str) -> None:
    names = set(EXPORTERS) | set(READERS)
    for name, path in MODULES.items():
        if not name.startswith(f"notes2decks.{step}"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        named = [
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and node.value in names and id(node) not in docstrings
        ]
        assert named == [], f"{name} names formats {named}: ask registry.EXPORTERS instead"


@pytest.mark.parametrize("path", sorted(TESTS.glob("test_*.py")), ids=lambda p: p.name)
def test_tests_use_public_names_and_shared_helpers(path: Path) -> None:
    problems = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith(("test_", "conftest")):
                problems.append(f"imports the test module {node.module}")
            if node.module.startswith("notes2decks"):
                private = [
                    a.name
                    for a in node.names
                    if a.name.startswith("_") and not a.name.endswith("__")
                ]
                problems += [f"imports the private name {n}" for n in private]
        if isinstance(node, ast.Attribute) and node.attr == "__wrapped__":
            problems.append("reaches behind a cache with __wrapped__")
    assert problems == []
