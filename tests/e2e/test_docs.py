"""/docs: Swagger UI from this origin, working under the page's Content-Security-Policy."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_docs_render_from_this_origin(watched_page, base_url):
    page = watched_page
    page.goto(f"{base_url}/docs")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_text_contents()
    assert {"/api/graph", "/api/graph/dot", "/api/ops", "/api/examples", "/healthz"} <= {
        p.strip().replace("\u200b", "") for p in paths
    }
    # watched_page asserts after the test: no console error (a CSP violation is one), no foreign request.
