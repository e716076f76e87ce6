"""The wheel works anywhere: built by `pip wheel .` (its build step makes the browser files), installed
with the notebook extra in a fresh virtual environment, and `backprop-explorer serve` run from a folder
that is not the checkout serves the page, its scripts, /docs and the API; Chromium draws the lecture
and steps it to the end. The same install gives the notebook widget its bundle."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
import venv
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port
from tests.e2e.conftest import SCREENSHOTS, PageWatch

pytestmark = [pytest.mark.e2e, pytest.mark.package, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(dist), str(ROOT)],
        check=True,
        timeout=600,
    )
    (built,) = dist.glob("backprop_explorer-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel and its notebook extra: its bin folder."""
    env = tmp_path_factory.mktemp("venv")
    venv.create(env, with_pip=True)
    subprocess.run(
        [str(env / "bin" / "python"), "-m", "pip", "install", "--quiet", f"{wheel}[notebook]"],
        check=True,
        timeout=600,
    )
    return env / "bin"


@contextlib.contextmanager
def serving(bin_dir: Path, folder: Path):
    port = free_port()
    process = subprocess.Popen(
        [str(bin_dir / "backprop-explorer"), "serve", "--port", str(port)],
        cwd=folder,
        env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PORT")},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            assert process.poll() is None and time.monotonic() < deadline, (
                "the installed server did not start"
            )
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_the_wheel_holds_the_page_its_browser_files_and_the_widget(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "app/_assets/templates/index.html",
        "app/_assets/static/js/main.js",
        "app/_assets/static/js/graph/layout-worker.js",
        "app/_assets/static/css/app.css",
        "app/_assets/vendor/d3.min.js",
        "app/_assets/vendor/dagre.min.js",
        "app/_assets/vendor/swagger-ui/swagger-ui-bundle.js",
        "app/_assets/vendor/swagger-ui/swagger-ui.css",
        "app/_assets/widget/explorer.js",
        "app/_assets/widget/explorer.css",
        "engine/scalar.py",
    ):
        assert name in names, name
    assert not [name for name in names if "node_modules" in name or name.startswith(("tests/", "static/"))]


def test_installed_anywhere_it_serves_the_page_docs_and_api(installed, tmp_path, browser):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with serving(installed, elsewhere) as url:
        page_html = httpx.get(url + "/")
        assert page_html.status_code == 200 and "<html" in page_html.text
        assets = sorted(set(re.findall(r'(?:src|href)="(/(?:static|vendor)/[^"?#]+)', page_html.text)))
        assert "/vendor/d3.min.js" in assets and "/static/js/main.js" in assets
        for path in [*assets, "/static/js/graph/layout-worker.js", "/static/js/explorer/explorer.js"]:
            response = httpx.get(url + path)
            assert response.status_code == 200 and response.content, path
        docs = httpx.get(url + "/docs")
        assert docs.status_code == 200
        for path in re.findall(r'(?:src|href)="(/vendor/swagger-ui/[^"]+)"', docs.text):
            assert httpx.get(url + path).status_code == 200, path
        lecture = "a = 2; b = -3; c = 10; e = a*b; d = e + c; f = -2; L = d*f"
        answer = httpx.post(url + "/api/graph", json={"expression": lecture}).json()
        assert answer["gradients"] == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}

        for size in ({"width": 1366, "height": 768}, {"width": 400, "height": 800}):
            context = browser.new_context(viewport=size)
            page = context.new_page()
            watch = PageWatch(page, url)
            page.goto(url + "/")
            page.locator("[data-testid=graph][data-ready]").wait_for(timeout=30_000)
            page.get_by_test_id("to-end").click()
            assert page.get_by_test_id("phase").inner_text() == "Backward pass: done"
            assert (
                "= 6"
                in page.get_by_test_id("chain-rule").inner_text()
                + page.get_by_test_id("variables").inner_text()
            )
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"installed-wheel-{size['width']}x{size['height']}.png")
            context.close()
            assert watch.unexpected_console_errors() == [] and watch.foreign_requests() == []


def test_installed_the_notebook_widget_has_its_bundle(installed, tmp_path):
    script = (
        "from app.notebook import explore\n"
        "w = explore('x = 3; y = x*x')\n"
        "print(w.answer['gradients'], len(w._esm) > 100_000, '.bpx-widget' in w._css)"
    )
    result = subprocess.run(
        [str(installed / "python"), "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'x': 6.0} True True"
