"""Browser tests: the real app under uvicorn, driven in Debian's Chromium through Playwright.

Playwright's own browser download does not work on these machines, so Chromium is launched from
/usr/bin/chromium (Debian's default; override with BPX_CHROMIUM). Without it the tests skip, except
under CI=true, where they fail: CI must never pass by skipping the browser.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: F401  (bench/page.py reads them here)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"


# Chromium and the session's one browser live in tests/conftest.py: the notebook and package tests
# drive the same browser (a second sync Playwright in one process cannot start beside the first).
@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """The app served by uvicorn on a free loopback port for the whole session (tests/conftest.py)."""
    return live_server


class PageWatch:
    """What a page did that a test may not want: console errors, page errors, foreign requests."""

    def __init__(self, page, base_url: str):
        self.base_url = base_url
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.http_errors_expected = False
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))
        page.on("request", lambda request: self.requests.append(request.url))

        def on_dialog(dialog):
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)

    def unexpected_console_errors(self) -> list[str]:
        """Console errors, less the browser's own note on a 4xx a test provoked on purpose."""
        expected = "Failed to load resource: the server responded with a status of 4"
        return [m for m in self.console_errors if not (self.http_errors_expected and m.startswith(expected))]

    def foreign_requests(self) -> list[str]:
        own = (self.base_url + "/", "blob:", "data:")
        return [url for url in self.requests if not url.startswith(own) and url != self.base_url]


@pytest.fixture
def watched_page(browser, base_url):
    """A fresh page with a 1440×900 window; after the test: no console error, no foreign request."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = PageWatch(page, base_url)
    page.watch = watch
    yield page
    context.close()
    assert watch.unexpected_console_errors() == [], watch.console_errors
    assert watch.foreign_requests() == [], watch.foreign_requests()
    assert watch.dialogs == [], watch.dialogs


# The two window sizes the explorer is tried at: a common laptop and a phone held upright.
SIZES = {"1366x768": {"width": 1366, "height": 768}, "400x800": {"width": 400, "height": 800}}


@pytest.fixture(params=list(SIZES))
def sized_page(request, browser, base_url):
    """Like watched_page, once per window size (the test id says which); `page.size` names it."""
    context = browser.new_context(viewport=SIZES[request.param], accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = PageWatch(page, base_url)
    page.watch = watch
    page.size = request.param
    yield page
    context.close()
    assert watch.unexpected_console_errors() == [], watch.console_errors
    assert watch.foreign_requests() == [], watch.foreign_requests()
    assert watch.dialogs == [], watch.dialogs


@pytest.fixture(scope="session")
def api_post(base_url):
    """POST a body to an API path and return the JSON answer."""

    def call(path: str, body: dict) -> dict:
        request = urllib.request.Request(
            f"{base_url}{path}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    return call


@pytest.fixture(scope="session")
def artifacts() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
