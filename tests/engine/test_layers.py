"""The engine's modules import downward only: no cycles, and the core in minitorch's order.

Read from the source (the imports a module runs when it loads: its top level, not inside functions
or behind ``if TYPE_CHECKING``), so an import that works only because ``engine/__init__`` happens
to import things in the right order still fails here.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

ENGINE = pathlib.Path(__file__).resolve().parents[2] / "engine"

#: The core, bottom first: each may import only what is below it (errors sits under them all).
CORE = ["errors", "operators", "autodiff", "trace", "scalar_functions", "scalar"]


def module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(ENGINE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def load_time_imports(path: pathlib.Path) -> set[str]:
    """The engine modules ``path`` imports while it loads."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue  # never runs
            if isinstance(node, ast.If | ast.Try):
                for block in (node.body, node.orelse, *[h.body for h in getattr(node, "handlers", [])]):
                    visit(block)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.startswith("engine"))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    module = f"{base}.{node.module}" if node.module else base
                else:
                    module = node.module or ""
                if not module.startswith("engine"):
                    continue
                submodules = {f"{module}.{a.name}" for a in node.names} & MODULES.keys()
                # `from . import operators` loads the module engine.operators, not the package anew
                found.update(submodules if node.module is None and submodules else {module, *submodules})

    visit(ast.parse(path.read_text(), filename=str(path)).body)
    return found - {name}


MODULES = {module_name(path): path for path in ENGINE.rglob("*.py")}
IMPORTS = {name: load_time_imports(path) for name, path in MODULES.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle in ``graph`` (module -> the modules it imports) as a path, or None; without recursion."""
    state: dict[str, str] = {}  # "open" while on the path, "done" after
    for start in sorted(graph):
        if start in state:
            continue
        path, stack = [], [(start, iter(sorted(graph.get(start, ()))))]
        state[start] = "open"
        path.append(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = "done"
            elif state.get(child) == "open":
                return [*path[path.index(child) :], child]
            elif child not in state:
                state[child] = "open"
                path.append(child)
                stack.append((child, iter(sorted(graph.get(child, ())))))
    return None


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_import_reader_sees_relative_and_absolute_imports():
    assert {"engine.autodiff", "engine.errors"} <= IMPORTS["engine.scalar"]
    assert "engine.operators" in IMPORTS["engine.scalar_functions"]  # `from . import operators`
    assert "engine.scalar" not in IMPORTS["engine.scalar_functions"]  # only under TYPE_CHECKING


def test_no_import_cycles_among_the_engine_modules():
    graph = {name: {m for m in found if m in MODULES} for name, found in IMPORTS.items()}
    assert find_cycle(graph) is None


@pytest.mark.parametrize("module", CORE)
def test_the_core_imports_only_layers_below_it(module):
    below = {f"engine.{m}" for m in CORE[: CORE.index(module)]}
    assert IMPORTS[f"engine.{module}"] <= below, IMPORTS[f"engine.{module}"] - below


def test_the_language_builds_on_the_core_and_the_core_not_on_it():
    core = {f"engine.{m}" for m in CORE}
    assert all(not any(i.startswith("engine.language") for i in IMPORTS[m]) for m in core)
    assert "engine.scalar_functions" in IMPORTS["engine.language.vocabulary"]


#: The language's stages in pipeline order (and what they share below them): each may import only
#: what comes before it, so the pipeline reads top to bottom.
LANGUAGE = ["errors", "vocabulary", "unparse", "syntax", "analysis", "graph", "build", "check"]


@pytest.mark.parametrize("module", LANGUAGE)
def test_each_language_stage_imports_only_the_stages_before_it(module):
    below = {f"engine.language.{m}" for m in LANGUAGE[: LANGUAGE.index(module)]}
    found = {m for m in IMPORTS[f"engine.language.{module}"] if m.startswith("engine.language")}
    assert found <= below, found - below
    assert set(LANGUAGE) == {m.rpartition(".")[2] for m in MODULES if m.startswith("engine.language.")}
