"""The explorer page: the HTML shell at ``/``, its own static files and the two vendor scripts.

D3 and dagre come from npm (``package-lock.json``) into ``node_modules``, which is never committed;
only the two browser builds the page needs are served, never the whole folder. Without
``node_modules`` the page still renders and the vendor URLs answer 404.

Where the files are: an installed wheel carries them in ``app/_assets/`` (the build made them:
scripts/build_assets.py); a checkout (an editable install) serves its own ``static/``, ``templates/``
and ``node_modules/``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

ASSETS = Path(__file__).resolve().parents[1] / "_assets"
INSTALLED = (ASSETS / "static").is_dir()  # a wheel's files; else the checkout's
ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = ASSETS / "static" if INSTALLED else ROOT / "static"
TEMPLATES_DIR = ASSETS / "templates" if INSTALLED else ROOT / "templates"
NODE_MODULES = ROOT / "node_modules"


def vendor_file(name: str, package_path: str) -> Path:
    """A third-party browser file: the wheel's copy (vendor/<name>), or the checkout's node_modules'."""
    return ASSETS / "vendor" / name if INSTALLED else NODE_MODULES / package_path


# URL name under /vendor → the file. Nothing else is reachable.
VENDOR_FILES = {
    "d3.min.js": vendor_file("d3.min.js", "d3/dist/d3.min.js"),
    "dagre.min.js": vendor_file("dagre.min.js", "@dagrejs/dagre/dist/dagre.min.js"),
}

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


@router.get("/", response_class=HTMLResponse)
def get_page(request: Request) -> HTMLResponse:
    """The explorer page."""
    return templates.TemplateResponse(request, "index.html")


@router.get("/vendor/{name}")
def get_vendor_file(name: str) -> FileResponse:
    """One of the third-party browser builds installed from the lockfile."""
    path = VENDOR_FILES.get(name)
    if path is None or not path.is_file():
        raise HTTPException(status_code=404, detail="not found")
    return FileResponse(path, media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"})


def mount(app: FastAPI) -> None:
    """Serve ``static/`` at ``/static`` (check_dir off: a missing folder must not break the import)."""
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR), check_dir=False), name="static")
