"""The package's generated browser files, made by its build (setup.py) and by `make install`.

    python scripts/build_assets.py OUT [--page]

writes into OUT:
- ``widget/explorer.js`` and ``widget/explorer.css``: the notebook widget (app/notebook.py), the
  explorer's own modules bundled by esbuild into one ES module with d3 and dagre inside it, and the
  page's styles scoped to the widget's element so they never touch the notebook around it;
- with ``--page`` (a wheel), also ``static/`` and ``templates/`` (the page) and ``vendor/`` (the
  browser builds of d3, dagre and Swagger UI from the lockfile), which a checkout serves from where
  they are.

``npm ci`` runs first when node_modules is missing or older than the lockfile. Nothing written here is
committed (.gitignore); app/routers/page.py finds these files in the installed package, or the
checkout's own when they are not there.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"

# Served at /vendor/<name> (app/routers/page.py and docs.py): the name → its file in node_modules.
VENDOR_FILES = {
    "d3.min.js": "d3/dist/d3.min.js",
    "dagre.min.js": "@dagrejs/dagre/dist/dagre.min.js",
    "swagger-ui/swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
    "swagger-ui/swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
}
WIDGET_ENTRY = ROOT / "static" / "js" / "widget" / "index.js"
WIDGET_LIBRARIES = ROOT / "static" / "js" / "widget" / "libraries.js"
# The page's styles the widget uses, then its own; app.css's :root and body rules become the widget's.
WIDGET_STYLES = [ROOT / "static" / "css" / "app.css", ROOT / "static" / "css" / "graph.css",
                 ROOT / "static" / "js" / "widget" / "widget.css"]  # fmt: skip
WIDGET_CLASS = "bpx-widget"
# Browsers notebooks run in; esbuild writes nested CSS out flat for them.
TARGETS = "chrome100,firefox100,safari15"


class AssetError(RuntimeError):
    """A generated file could not be made; the message says what to do."""


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, cwd=ROOT, check=True)
    except FileNotFoundError as exc:
        raise AssetError(
            f"{command[0]} is not installed: the package's browser files need Node.js and npm"
        ) from exc
    except subprocess.CalledProcessError as exc:
        raise AssetError(f"{' '.join(command)} failed with exit status {exc.returncode}") from exc


def ensure_node_modules() -> None:
    """npm ci, unless node_modules is already what the lockfile says (npm's own record is newer), or
    there is no npm but a node_modules made elsewhere (a Docker build's Node.js stage)."""
    record = NODE_MODULES / ".package-lock.json"
    lock = ROOT / "package-lock.json"
    if record.is_file() and (record.stat().st_mtime >= lock.stat().st_mtime or shutil.which("npm") is None):
        return
    _run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"])


def scoped_css(text: str, scope: str = f".{WIDGET_CLASS}") -> str:
    """A style sheet's rules nested in ``scope`` (esbuild writes the nesting out), its :root/html/body
    rules applying to the scope itself and its @keyframes left at the top, where they must be."""
    inside, outside = [], []
    depth = start = 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                block = text[start : index + 1].strip()
                start = index + 1
                (outside if block.lstrip().startswith("@keyframes") else inside).append(block)
    rules = []
    for block in inside:
        block = re.sub(r"/\*.*?\*/", "", block, flags=re.DOTALL).strip()
        selector, _, body = block.partition("{")
        parts = [part.strip() for part in selector.split(",")]
        parts = ["&" if part in (":root", "html", "body") else part for part in parts]
        rules.append(f"{', '.join(dict.fromkeys(parts))} {{{body}")
    return "\n".join(outside) + f"\n{scope} {{\n" + "\n".join(rules) + "\n}\n"


def esbuild() -> Path:
    """esbuild's own binary, from the lockfile's platform package: it needs no Node.js to run."""
    binaries = sorted(NODE_MODULES.glob("@esbuild/*/bin/esbuild"))
    if not binaries:
        raise AssetError("esbuild is missing from node_modules: run `npm ci`")
    return binaries[0]


def build_widget(out: Path) -> None:
    widget = out / "widget"
    widget.mkdir(parents=True, exist_ok=True)
    # The page's modules read d3 and dagre from globalThis: in the bundle they read the bundle's own.
    _run([str(esbuild()), str(WIDGET_ENTRY), "--bundle", "--format=esm", "--minify", f"--target={TARGETS}",
          f"--inject:{WIDGET_LIBRARIES}", "--define:globalThis.d3=bundledD3",
          "--define:globalThis.dagre=bundledDagre",
          "--legal-comments=none", f"--outfile={widget / 'explorer.js'}", "--log-level=warning"])  # fmt: skip
    source = widget / "explorer.scoped.css"
    source.write_text("\n".join(scoped_css(path.read_text(encoding="utf-8")) for path in WIDGET_STYLES))
    _run([str(esbuild()), str(source), "--minify", f"--target={TARGETS}", "--loader:.css=css",
          f"--outfile={widget / 'explorer.css'}", "--log-level=warning"])  # fmt: skip
    source.unlink()


def copy_page(out: Path) -> None:
    for folder in ("static", "templates"):
        shutil.rmtree(out / folder, ignore_errors=True)
        shutil.copytree(ROOT / folder, out / folder, ignore=shutil.ignore_patterns("widget", "__pycache__"))
    for name, source in VENDOR_FILES.items():
        path = NODE_MODULES / source
        if not path.is_file():
            raise AssetError(f"{source} is missing from node_modules: run `npm ci`")
        target = out / "vendor" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def build(out: Path, page: bool = False) -> None:
    ensure_node_modules()
    build_widget(out)
    if page:
        copy_page(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the folder to write into")
    parser.add_argument("--page", action="store_true", help="also the page, its templates and vendor files")
    args = parser.parse_args(argv)
    try:
        build(args.out, args.page)
    except AssetError as exc:
        print(f"build_assets: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
