"""gzip: big answers are compressed for clients that accept it, small ones and streams never are."""

from __future__ import annotations

import asyncio
import gzip
import json

from fastapi import FastAPI
from fastapi.responses import StreamingResponse

from app.middleware import GZIP_MINIMUM_BYTES, CompressionMiddleware

CHAIN = "s0 = 0.5\nw = 0.9\n" + "\n".join(f"s{i} = tanh(s{i - 1} * w + 0.1)" for i in range(1, 101))


def post(client, body: dict, encoding: str):
    return client.post("/api/graph", json=body, headers={"accept-encoding": encoding})


def test_a_big_answer_is_gzipped_for_a_client_that_accepts_it(client):
    for form in ("object", "columns"):
        body = {"expression": CHAIN, "format": form}
        plain = post(client, body, "identity")
        packed = post(client, body, "gzip")
        assert plain.status_code == packed.status_code == 200
        assert "content-encoding" not in plain.headers and len(plain.content) > GZIP_MINIMUM_BYTES
        assert packed.headers["content-encoding"] == "gzip"
        assert "accept-encoding" in packed.headers["vary"].lower()
        assert packed.content == plain.content  # httpx undid the gzip: the very same bytes
        assert int(packed.headers["content-length"]) < len(plain.content) / 3
        assert packed.headers["content-security-policy"] == plain.headers["content-security-policy"]


def test_a_small_answer_is_sent_as_it_is(client):
    response = post(client, {"expression": "a = 2; b = a*3", "format": "columns"}, "gzip")
    assert response.status_code == 200 and len(response.content) < GZIP_MINIMUM_BYTES
    assert "content-encoding" not in response.headers
    error = post(client, {"expression": "a +"}, "gzip")
    assert error.status_code == 422 and "content-encoding" not in error.headers


def test_the_page_and_its_scripts_are_gzipped_too(client):
    response = client.get("/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"


def _stream(media_type: str):
    """A stand-in for POST /api/train: a stream of frames whose second frame waits until the first
    has reached the client, as a page waits for progress before it draws. Returns the ASGI app as
    the server wires it, and the messages it sends."""
    app = FastAPI()
    first_frame_arrived = asyncio.Event()

    async def frames():
        yield (json.dumps({"epoch": 0, "loss": 1.0, "pad": "x" * 4_000}) + "\n").encode()
        await asyncio.wait_for(first_frame_arrived.wait(), timeout=5)
        yield (json.dumps({"epoch": 1, "loss": 0.5, "pad": "x" * 4_000}) + "\n").encode()

    @app.post("/train")
    async def train():
        return StreamingResponse(frames(), media_type=media_type)

    messages = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # the client stays connected: Starlette listens for a disconnect

    async def send(message):
        messages.append(message)
        if message["type"] == "http.response.body" and message.get("body"):
            first_frame_arrived.set()  # something of the stream got out before its end

    headers = [(b"accept-encoding", b"gzip"), (b"content-length", b"0")]
    scope = {"type": "http", "method": "POST", "path": "/train", "raw_path": b"/train", "query_string": b"",
             "root_path": "", "scheme": "http", "server": ("test", 80), "http_version": "1.1",
             "headers": headers, "asgi": {"version": "3.0"}}  # fmt: skip
    # Held back until the end, the first frame would never get out and the second would time out.
    asyncio.run(asyncio.wait_for(CompressionMiddleware(app)(scope, receive, send), timeout=10))
    headers = {name.decode(): value.decode() for name, value in messages[0]["headers"]}
    bodies = [m["body"] for m in messages[1:] if m.get("body")]
    return messages[0]["status"], headers, bodies


def test_a_stream_of_ndjson_frames_is_never_gzipped_nor_held_back():
    status, headers, bodies = _stream("application/x-ndjson")
    assert status == 200 and headers["content-type"] == "application/x-ndjson"
    assert "content-encoding" not in headers
    assert [json.loads(body)["epoch"] for body in bodies] == [0, 1]  # two frames, as they were sent


def test_the_same_stream_as_json_would_be_gzipped():
    """The content type alone keeps the frames as they are: the same stream as JSON is compressed."""
    status, headers, bodies = _stream("application/json")
    assert status == 200 and headers["content-encoding"] == "gzip"
    text = gzip.decompress(b"".join(bodies)).decode()
    assert [json.loads(line)["epoch"] for line in text.splitlines()] == [0, 1]


def test_the_training_stream_goes_out_as_it_is(client):
    """POST /api/train itself: big enough to be compressed, and never compressed."""
    body = {"preset": "minitorch", "dataset": "xor", "points": 40, "hidden": 4, "epochs": 30, "seed": 3}
    response = client.post("/api/train", json=body, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/x-ndjson"
    assert "content-encoding" not in response.headers
    assert len(response.content) > GZIP_MINIMUM_BYTES
    assert json.loads(response.text.splitlines()[0])["type"] == "start"
