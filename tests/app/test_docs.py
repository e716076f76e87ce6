"""/docs is ours: no CDN, no inline script; Swagger UI comes from the lockfile's node_modules."""

from __future__ import annotations

import re


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
