"""Security headers on the page and the API, and error text that stays JSON text.

The Content-Security-Policy allows scripts and workers from the page's own origin only (no inline
script, no eval, no other origin) and no framing; every answer (page, static file, API success and error, the
413 from the body limit, 404) carries nosniff, Referrer-Policy and the CSP. Input that looks like
HTML comes back as JSON (application/json), never text/html. The browser side (nothing injected into
the page) is the e2e suite's.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

HTML_PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "</textarea><img src=x onerror=alert(document.domain)>",
    "javascript:alert(1)",
    "x = 1\n<b>bold</b>",
    "&lt;img src=x onerror=alert(1)&gt;",
]
ALLOWED_SOURCES = {"'self'", "'none'", "data:", "blob:"}


def csp(response) -> dict[str, list[str]]:
    policy = response.headers["content-security-policy"]
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            assert words[0] not in directives, f"repeated directive {words[0]}"
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response) -> None:
    directives = csp(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no hosts
    assert directives["worker-src"] == ["'self'"]  # the layout worker, from this origin only
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    for name, sources in directives.items():
        for source in sources:
            assert source in ALLOWED_SOURCES, f"{name} allows {source}"
    assert "unsafe" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/", None, 200),
        ("GET", "/healthz", None, 200),
        ("GET", "/api/ops", None, 200),
        ("GET", "/api/examples", None, 200),
        ("GET", "/docs", None, 200),
        ("GET", "/openapi.json", None, 200),
        ("GET", "/static/js/main.js", None, 200),
        ("GET", "/static/css/app.css", None, 200),
        ("GET", "/nowhere", None, 404),
        ("DELETE", "/api/graph", None, 405),
        ("POST", "/api/graph", {"expression": "a*b", "values": {"a": 1, "b": 2}}, 200),
        ("POST", "/api/graph/dot", {"expression": "a*b", "values": {"a": 1, "b": 2}}, 200),
        ("POST", "/api/graph", {"expression": "1 +"}, 422),
        ("POST", "/api/graph", {"expression": 5}, 422),
        ("POST", "/api/graph", {"expression": "(" * 300}, 413),
    ],
)
def test_every_answer_has_the_security_headers(client, method, path, body, status):
    response = client.request(method, path, json=body)
    assert response.status_code == status
    assert_security_headers(response)


def test_the_body_limit_answer_has_the_security_headers(client):
    response = client.post(
        "/api/graph", content=b"x" * (2 * 1024 * 1024), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert_security_headers(response)


def test_static_files_have_the_right_types(client):
    # With nosniff the browser trusts these types: a module script must come as JavaScript.
    assert client.get("/static/js/main.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/css/app.css").headers["content-type"].startswith("text/css")


class _PageScan(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"inline handler {name} on <{tag}>")
            if name in ("src", "href", "action") and value:
                lowered = value.strip().lower()
                if lowered.startswith(("javascript:", "http:", "https:", "//")):
                    self.problems.append(f"{name}={value!r} on <{tag}>")
            if name == "style":
                self.problems.append(f"inline style on <{tag}>")
        if tag == "script":
            self.in_script = True
            if not attrs.get("src"):
                self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style> element")
        if tag in ("iframe", "object", "embed", "base"):
            self.problems.append(f"<{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append("inline script text")


def test_the_page_needs_nothing_the_policy_forbids(client):
    response = client.get("/")
    assert response.headers["content-type"].startswith("text/html")
    scan = _PageScan()
    scan.feed(response.text)
    assert not scan.problems


def test_the_api_docs_page_needs_nothing_the_policy_forbids(client):
    # /docs is FastAPI's Swagger UI: by default its scripts come from a CDN and it starts with an inline
    # script, both of which the policy blocks (and a CDN is not reachable on every machine).
    response = client.get("/docs")
    scan = _PageScan()
    scan.feed(response.text)
    assert not scan.problems


@pytest.mark.parametrize("payload", HTML_PAYLOADS)
@pytest.mark.parametrize("path", ["/api/graph", "/api/graph/dot"])
def test_html_in_the_program_comes_back_as_json_text(client, path, payload):
    for body in (
        {"expression": payload},
        {"expression": "x", "values": {"x": 1, payload: 2}},
        {"expression": f"{payload} = 1; x", "values": {"x": 1}},
        {"expression": "x", "values": {"x": payload}},
    ):
        response = client.post(path, json=body)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/json"
        assert_security_headers(response)
        detail = json.loads(response.content)["detail"]  # well-formed JSON: the payload only inside strings
        assert isinstance(detail, list) or detail["code"] in ("parse_error", "unknown_variable")


def test_html_payload_in_a_raw_body_is_not_reflected_as_html(client):
    response = client.post(
        "/api/graph", content=HTML_PAYLOADS[0].encode(), headers={"content-type": "text/html"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"
    assert b"onerror" not in response.content  # malformed bodies are not echoed at all


def test_html_in_a_url_is_not_reflected_as_html(client):
    response = client.get("/api/%3Cimg%20src=x%20onerror=alert(1)%3E")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert b"onerror" not in response.content
