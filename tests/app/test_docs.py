"""The documentation. /docs is ours: no CDN, no inline script; Swagger UI comes from the lockfile's
node_modules. docs/*.md: the names of code it gives in backticks exist.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import sys
import textwrap
from pathlib import Path

import app
import engine


def test_docs_page_names_no_other_origin_and_no_inline_script(client):
    response = client.get("/docs")
    assert response.status_code == 200
    html = response.text
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    for url in re.findall(r'(?:src|href)="(/[^"]+)"', html):
        assert client.get(url).status_code == 200, url


def test_redoc_is_off_and_vendor_names_are_a_whitelist(client):
    assert client.get("/redoc").status_code == 404
    assert client.get("/vendor/swagger-ui/package.json").status_code == 404
    assert client.get("/vendor/swagger-ui/..%2F..%2Fpackage.json").status_code == 404


# -- the names of code that docs/*.md give -----------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs"
#: `module.name`, `Class.attribute`, `package.module.name`, optionally called: `gc.freeze()`.
_DOTTED = re.compile(r"`([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?:\(\))?`")
#: `graph.py`, `main.js`, `app.css`: file names, not attributes.
_FILE_ENDINGS = {"py", "js", "mjs", "css", "md", "toml", "json", "html", "ipynb", "txt", "yml", "yaml", "sh"}


def _project_modules() -> dict[str, object]:
    modules = {}
    for package in (engine, app):
        modules[package.__name__] = package
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            modules[info.name] = importlib.import_module(info.name)
    return modules


def _instance_attributes(cls: type) -> set[str]:
    """What a class's instances have that the class may not: fields, annotations, ``self.x = ...``."""
    names = set()
    for klass in cls.__mro__:
        names.update(getattr(klass, "__annotations__", {}))
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError):
            continue
        names.update(
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
        )
    return names


def _has(owner: object, path: list[str]) -> bool:
    for i, name in enumerate(path):
        if not hasattr(owner, name):
            # An instance's attribute ends the walk: its type is not known here.
            return isinstance(owner, type) and name in _instance_attributes(owner) and i == len(path) - 1
        owner = getattr(owner, name)
    return True


def _owners(parts: list[str], modules: dict[str, object]) -> list[tuple[object, list[str]]]:
    """Our modules, our classes and standard-library modules a dotted name can start with, each with
    the rest of the name to look up on it."""
    owners = []
    for k in range(len(parts) - 1, 0, -1):
        prefix = ".".join(parts[:k])
        owners += [
            (m, parts[k:]) for name, m in modules.items() if name == prefix or name.endswith("." + prefix)
        ]
    classes = {
        id(value): value
        for module in modules.values()
        for value in vars(module).values()
        if isinstance(value, type) and value.__name__ == parts[0] and value.__module__ in modules
    }
    owners += [(cls, parts[1:]) for cls in classes.values()]
    if parts[0] in sys.stdlib_module_names:
        owners.append((importlib.import_module(parts[0]), parts[1:]))
    return owners


def _written_by_the_page(name: str) -> bool:
    """``training.explaining()`` in main.js: the page's object, not our Python module of that name."""
    pattern = re.compile(rf"(?<![\w.$]){re.escape(name)}(?![\w$])")
    return any(pattern.search(path.read_text()) for path in (DOCS.parent / "static" / "js").rglob("*.js"))


def test_the_code_names_in_the_docs_exist():
    # A dotted name in backticks that starts with one of our modules or classes (or a standard-library
    # module) must still be there: `autodiff.trace_columns` outlived its move to engine/trace.py. A
    # name the page's scripts write as it is (`training.explaining()` in main.js) is the page's.
    modules = _project_modules()
    stale, found = [], 0
    for doc in sorted(DOCS.glob("*.md")):
        text = doc.read_text()
        for match in _DOTTED.finditer(text):
            name = match.group(1)
            parts = name.split(".")
            owners = _owners(parts, modules)
            if parts[-1] in _FILE_ENDINGS or not owners:
                continue
            if any(_has(owner, rest) for owner, rest in owners):
                found += 1
            elif not _written_by_the_page(name):
                stale.append(f"docs/{doc.name}:{text.count(chr(10), 0, match.start()) + 1}: `{name}`")
    assert not stale, "names in the docs that the code no longer has:\n" + "\n".join(stale)
    assert found >= 10  # the scan does read the docs' names (`trace.FlatTrace`, `Graph.scalars`, …)
