"""Shared fixtures: the lecture program, an in-process client of the real ASGI app, and the app under
a real uvicorn. The fuzz generator (``tests/fuzzgen.py``) is importable from every test folder."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from hypothesis import settings

# Hypothesis' per-example deadline (200 ms by default) is a wall-clock assert: on a busy CI machine a
# draw that is fast on average can exceed it. No test asserts time, so the deadline is off everywhere.
settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))  # for `import fuzzgen`

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient


@dataclass(frozen=True)
class Lecture:
    """micrograd's lecture graph, as the examples menu has it, and the numbers a learner checks by hand."""

    source: str  # one statement per line
    value: float
    gradients: dict

    @property
    def one_line(self) -> str:
        """The same program on one line, statements separated by ';'."""
        return "; ".join(self.source.splitlines())


@pytest.fixture(scope="session")
def lecture() -> Lecture:
    from app.examples import EXAMPLES

    (source,) = [example["expression"] for example in EXAMPLES if example["id"] == "lecture"]
    return Lecture(source, -8.0, {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0})


@pytest.fixture(scope="session")
def client():
    """The real app, in process. A server exception is a 500 answer here, as a user would get it."""
    from app.main import app

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def uvicorn_server(env: dict[str, str] | None = None):
    """One uvicorn worker on 127.0.0.1 and a free port (its URL), stopped on leaving the block;
    `env` adds to the environment the server starts with."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1", "--log-level", "warning", "--no-access-log"],
        cwd=Path(__file__).resolve().parents[1], env=os.environ | (env or {}),
    )  # fmt: skip
    with serving(process, f"http://127.0.0.1:{port}", "/healthz", seconds=30, name="uvicorn") as url:
        yield url


@contextlib.contextmanager
def serving(process: subprocess.Popen, url: str, ready_path: str, seconds: float, name: str):
    """`url` once `process` answers 200 at `ready_path` (within `seconds`), and the process stopped on
    leaving the block: the one way the tests start a server of their own."""
    deadline = time.monotonic() + seconds
    try:
        while True:
            try:
                if httpx.get(f"{url}{ready_path}", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                said = process.stderr.read()[-2000:] if process.stderr else ""
                raise RuntimeError(f"{name} did not start {said}".rstrip())
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def live_server():
    """One uvicorn worker on 127.0.0.1 and a free port, for as long as the session needs it."""
    with uvicorn_server() as url:
        yield url


# -- Debian's Chromium, one browser for the whole session (e2e, notebook and package tests) --------

CHROMIUM = os.environ.get("BPX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": under CI=true the browser tests must run", pytrace=False)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
