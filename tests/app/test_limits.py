"""The limits: bodies over 1 MiB → 413 before parsing; more than 10,000 values → 422; programs over
200,000 characters, nested deeper than 200 or making more than 50,000 nodes → 413 too_large.

Each limit is tested on both sides of its edge, in process and, for the body limit, against a real
uvicorn with a Content-Length and with a chunked body that has none.
"""

from __future__ import annotations

import asyncio
import json
import select
import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest

from app.middleware import BodyLimitMiddleware
from app.settings import get_settings
from engine.language import MAX_NESTING, MAX_NODES, MAX_SOURCE_CHARS, MAX_VALUES

LIMIT = get_settings().max_body_bytes
assert LIMIT == 1024 * 1024


def too_large(response, what: str = "") -> None:
    """A 413 with the one error shape every /api/* error has (DESIGN.md), however it was refused."""
    assert response.status_code == 413, response.text[:300]
    assert response.headers["content-type"] == "application/json"
    assert common_error_form(response.content)
    detail = response.json()["detail"]
    assert detail["code"] == "too_large"
    assert what in detail["message"]


def common_error_form(body: bytes) -> bool:
    """``{"detail": {code, message, line, column, names}}`` written as app/errors.py writes every error:
    compact JSON, ASCII only."""
    data = json.loads(body)
    if list(data) != ["detail"] or list(data["detail"]) != ["code", "message", "line", "column", "names"]:
        return False
    detail = data["detail"]
    positions = all(detail[key] is None or isinstance(detail[key], int) for key in ("line", "column"))
    shaped = isinstance(detail["message"], str) and isinstance(detail["names"], list) and positions
    return shaped and body == json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode()


def padded_body(size: int) -> bytes:
    """A valid request of exactly ``size`` bytes (JSON whitespace as padding)."""
    head = b'{"expression": "x*y", "values": {"x": 2, "y": 3}'
    return head + b" " * (size - len(head) - 1) + b"}"


# -- the request body ------------------------------------------------------------------------------


def test_a_body_of_exactly_one_mebibyte_is_read(client):
    body = padded_body(LIMIT)
    assert len(body) == LIMIT
    response = client.post("/api/graph", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert response.json()["value"] == 6.0


def test_a_body_one_byte_over_is_refused(client):
    response = client.post(
        "/api/graph", content=padded_body(LIMIT + 1), headers={"content-type": "application/json"}
    )
    too_large(response, "1,048,576 bytes")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_body_limit_answers_like_every_other_too_large(client):
    # The refusal written by the middleware, before any route runs, and a program the engine finds
    # too large: one status, one content type, one detail shape, one way of writing it.
    refused = client.post(
        "/api/graph", content=padded_body(LIMIT + 1), headers={"content-type": "application/json"}
    )
    program = client.post("/api/graph", json={"expression": "x" * (MAX_SOURCE_CHARS + 1)})
    for response in (refused, program):
        too_large(response)
    assert refused.headers["content-type"] == program.headers["content-type"]
    assert refused.headers["content-length"] == str(len(refused.content))
    assert refused.json()["detail"] == {
        "code": "too_large",
        "message": f"the request body is larger than {LIMIT:,} bytes",
        "line": None,
        "column": None,
        "names": [],
    }


@pytest.mark.parametrize("path", ["/api/graph", "/api/graph/dot", "/healthz", "/"])
def test_big_bodies_are_refused_on_every_route(client, path):
    body = b"{" + b"x" * (2 * LIMIT)  # not even JSON: refused before anything reads it
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    too_large(response)


class _Recorder:
    """An ASGI app that records whether it was called and reads the whole body."""

    def __init__(self):
        self.called = False
        self.read = 0

    async def __call__(self, scope, receive, send):
        self.called = True
        while True:
            message = await receive()
            self.read += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"read"})


def _call(app, headers, chunks):
    scope = {"type": "http", "method": "POST", "path": "/api/graph", "headers": headers}
    queue = list(chunks)
    sent = []

    async def receive():
        if not queue:
            return {"type": "http.disconnect"}
        body = queue.pop(0)
        return {"type": "http.request", "body": body, "more_body": bool(queue)}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def test_a_declared_length_over_the_limit_never_reaches_the_app():
    inner = _Recorder()
    sent = _call(BodyLimitMiddleware(inner, LIMIT), [(b"content-length", str(LIMIT + 1).encode())], [b""])
    assert not inner.called
    assert sent[0]["status"] == 413
    headers = dict(sent[0]["headers"])
    assert headers[b"connection"] == b"close"  # the rest of the body is never read
    assert headers[b"content-type"] == b"application/json"
    assert headers[b"content-length"] == str(len(sent[1]["body"])).encode()


def test_a_streamed_body_is_cut_off_at_the_limit():
    inner = _Recorder()
    chunks = [b"x" * 65536] * 40  # 2.5 MiB, no content-length
    sent = _call(BodyLimitMiddleware(inner, LIMIT), [], chunks)
    assert sent[0]["status"] == 413
    assert inner.read <= LIMIT  # the app never saw a byte past the limit
    assert len(sent) == 2  # one answer: the app's own is dropped


def test_a_streamed_body_through_the_whole_app_gets_413_not_400():
    from app.main import app

    chunks = [b'{"expression": "' + b"x" * 65536] + [b"x" * 65536] * 20
    sent = _call(app, [(b"content-type", b"application/json")], chunks)
    assert sent[0]["status"] == 413
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert common_error_form(body)
    assert json.loads(body)["detail"]["code"] == "too_large"


def _raw_exchange(url: str, head: bytes, chunks, timeout: float = 10.0) -> bytes:
    """Send ``head`` then ``chunks`` on one connection, stop sending when the server answers, read it."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(head)
        for chunk in chunks:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        answer = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                data = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not data:
                break
            answer += data
            if b"\r\n\r\n" in answer and answer.endswith(b"}"):
                break
        return answer


def test_live_server_refuses_a_declared_length_before_the_body_is_sent(live_server):
    head = (
        f"POST /api/graph HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {2 * LIMIT}\r\n\r\n"
    ).encode()
    # No body at all: a server that waited for it would answer nothing before _raw_exchange's
    # 10-second read timeout (the answer comes in milliseconds), and the test would fail on that.
    answer = _raw_exchange(live_server, head, [])
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"too_large"' in answer


def test_live_server_refuses_a_chunked_body_without_content_length(live_server):
    head = (
        b"POST /api/graph HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    piece = b"x" * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    answer = _raw_exchange(live_server, head, [chunk] * 64)  # up to 4 MiB
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"too_large"' in answer
    assert httpx.get(f"{live_server}/healthz").json() == {"status": "ok"}


def test_live_server_accepts_a_small_chunked_body(live_server):
    def body():
        yield b'{"expression": "a*b", '
        yield b'"values": {"a": 3, "b": 4}}'

    response = httpx.post(
        f"{live_server}/api/graph", content=body(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json()["gradients"] == {"a": 4.0, "b": 3.0}


# -- values ------------------------------------------------------------------------------------------


def test_ten_thousand_values_are_accepted(client):
    names = [f"v{i}" for i in range(MAX_VALUES)]
    response = client.post(
        "/api/graph", json={"expression": "+".join(names), "values": dict.fromkeys(names, 1.0)}
    )
    assert response.status_code == 200, response.text[:300]
    assert response.json()["value"] == MAX_VALUES
    assert len(response.json()["gradients"]) == MAX_VALUES


def test_more_than_ten_thousand_values_are_refused(client):
    values = {f"v{i}": 1.0 for i in range(MAX_VALUES + 1)}
    response = client.post("/api/graph", json={"expression": "v0", "values": values})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["body", "values"]
    assert detail[0]["type"] == "too_long"
    assert "v0" not in response.text  # the input is not echoed


# -- the program -------------------------------------------------------------------------------------


def test_two_hundred_thousand_characters_are_accepted(client):
    source = "x" + " " * (MAX_SOURCE_CHARS - 1)
    response = client.post("/api/graph", json={"expression": source, "values": {"x": 1}})
    assert response.status_code == 200


def test_one_more_character_is_too_large(client):
    source = "x" + " " * MAX_SOURCE_CHARS
    too_large(client.post("/api/graph", json={"expression": source, "values": {"x": 1}}), "200,000")


@pytest.mark.parametrize(
    "nest",
    [
        lambda n: "(" * n + "x" + ")" * n,
        lambda n: "-" * n + "x",
        lambda n: "sin(" * n + "x" + ")" * n,
        lambda n: "x" + "**x" * n,
    ],
    ids=["parens", "unary", "calls", "powers"],
)
def test_nesting(client, nest):
    ok = client.post("/api/graph", json={"expression": nest(MAX_NESTING - 1), "values": {"x": 0.5}})
    assert ok.status_code == 200, ok.text[:300]
    too_large(
        client.post("/api/graph", json={"expression": nest(MAX_NESTING + 1), "values": {"x": 0.5}}), "nesting"
    )
    too_large(client.post("/api/graph", json={"expression": nest(5_000), "values": {"x": 0.5}}), "nesting")


def test_fifty_thousand_nodes_are_accepted(client):
    source = "x" + "+1" * ((MAX_NODES - 1) // 2)  # x, then a constant and an add per term
    response = client.post("/api/graph", json={"expression": source, "values": {"x": 1}})
    assert response.status_code == 200
    assert len(response.json()["nodes"]) == MAX_NODES - 1


def test_more_than_fifty_thousand_nodes_are_too_large(client):
    source = "x" + "+1" * ((MAX_NODES + 1) // 2)
    too_large(client.post("/api/graph", json={"expression": source, "values": {"x": 1}}), "50,000 nodes")


def test_a_numeric_check_too_big_to_run_is_too_large(client):
    def request(count):
        names = [f"v{i}" for i in range(count)]
        body = {"expression": "+".join(names), "values": dict.fromkeys(names, 1.0), "check": True}
        return client.post("/api/graph", json=body)

    too_large(request(2_000), "check")
    assert request(50).status_code == 200


def test_the_server_keeps_serving_after_refusals(client):
    for source in ("(" * 5000, "x" * (MAX_SOURCE_CHARS + 1), "-" * 10_000 + "x"):
        assert client.post("/api/graph", json={"expression": source}).status_code == 413
    assert client.get("/healthz").json() == {"status": "ok"}
