"""The notebook tests: a real Jupyter server (JupyterLab 4 and Notebook 7) in a temporary folder, and
Debian's Chromium (tests/e2e/conftest.py's fixtures). Without jupyterlab installed they skip (it
comes with the notebook-test extra, which `make install` installs)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import free_port, serving


def notebook_json(cells: list[str]) -> str:
    """An .ipynb of code cells, with the Python kernel named so no kernel dialog asks."""
    return json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "id": f"cell{i}", "metadata": {},
                   "outputs": [], "source": source} for i, source in enumerate(cells)],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    })  # fmt: skip


@pytest.fixture(scope="session")
def jupyter(tmp_path_factory):
    """`jupyter lab` on loopback, token and password off, serving a fresh temporary folder: (url, folder)."""
    pytest.importorskip("jupyterlab", reason="jupyterlab is not installed (the notebook-test extra)")
    folder = tmp_path_factory.mktemp("notebooks")
    runtime = tmp_path_factory.mktemp("jupyter-runtime")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
         "--ServerApp.password=", f"--ServerApp.root_dir={folder}", f"--LabApp.workspaces_dir={runtime}",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=folder, env=os.environ | {"JUPYTER_RUNTIME_DIR": str(runtime)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    with serving(process, f"http://127.0.0.1:{port}", "/api/status", seconds=120, name="jupyter lab") as url:
        yield url, folder


@pytest.fixture
def notebook_page(browser, request):
    """A fresh Chromium page (1366×768 unless the test's `size` parameter says otherwise) whose
    console errors and foreign requests are collected (JupyterLab's own are allowed)."""
    size = getattr(request, "param", {"width": 1366, "height": 768})
    context = browser.new_context(viewport=size)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(f"{exc}\n{exc.stack}"))
    yield page
    context.close()


def run_cell(page, index: int) -> float:
    """Run code cell `index` (Shift+Enter) once the notebook answers keys; when it was started
    (time.monotonic()). A key pressed before JupyterLab has bound its shortcuts is lost: pressed again."""
    cell = page.locator(".jp-Notebook .jp-CodeCell").nth(index)
    running = cell.locator(".jp-InputPrompt").filter(has_text=re.compile(r"\[(\*|\d+)\]"))
    for _ in range(30):
        cell.locator(
            ".cm-content"
        ).focus()  # focus, not a click: on a phone-sized window a side bar may lie over it
        started = time.monotonic()
        page.keyboard.press("Shift+Enter")
        try:
            running.wait_for(timeout=3_000)
            return started
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"cell {index} never ran")


def open_notebook(page, url: str, path: str) -> None:
    """Open a notebook (`?reset`: no tabs restored from before) and wait for its kernel to be idle."""
    page.goto(f"{url}/{path}" + ("?reset" if path.startswith("lab/") else ""))
    page.locator(".jp-Notebook .jp-CodeCell .cm-content").first.wait_for(timeout=90_000)
    idle = page.locator(".jp-Notebook-ExecutionIndicator[data-status=idle]").first
    idle.wait_for(state="attached", timeout=90_000)  # a narrow window may hide it: it is there all the same
    # JupyterLab opens with its file browser beside the notebook: closed, the notebook has the width.
    open_side = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if open_side.count():
        open_side.first.click()


def drawn_widget(page, url: str, path: str):
    """Open a notebook, run its first cell and wait for the widget's graph; the widget and when the
    cell was started (time.monotonic())."""
    open_notebook(page, url, path)
    started = run_cell(page, 0)
    widget = page.locator(".bpx-widget")
    widget.locator("[data-testid=graph][data-ready]").wait_for(timeout=90_000)
    return widget, started


def widget_errors(errors: list[str]) -> list[str]:
    """Page errors, less those thrown by Jupyter's own front end (its top frame in the server's
    /static/ or /lab/extensions/ files: Notebook 7 throws one while it starts; or a kernel request
    it cancels, which it throws without a stack). The widget's module is loaded by anywidget from a
    blob, never from there."""

    def jupyters(error: str) -> bool:
        if error.startswith("Error: Canceled future for "):  # @jupyterlab/services: a kernel request
            return True  # dropped before its reply (a busy kernel, a page closing); thrown with no stack
        frames = [line for line in error.splitlines() if line.strip().startswith("at ")]
        return bool(frames) and any(place in frames[0] for place in ("/static/", "/lab/extensions/"))

    return [error for error in errors if not jupyters(error)]
