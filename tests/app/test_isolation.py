"""No state is shared between requests: many different programs at once, each answer checked against
its own closed-form numbers, and node ids starting at n0 in every graph.

Concurrency comes two ways: asyncio.gather over the ASGI app in process (the sync route handlers run
in the thread pool, so requests really overlap) and threads against a real uvicorn on loopback.
"""

from __future__ import annotations

import asyncio
import math
import random
from concurrent.futures import ThreadPoolExecutor

import httpx

from app.main import app


def _case(kind: int, rng: random.Random):
    """(request body, expected value, expected gradients) for one of five programs."""
    a, b, c = (round(rng.uniform(-2, 2), 6) or 0.5 for _ in range(3))
    if kind == 0:
        return (
            {"expression": "p*q + r", "values": {"p": a, "q": b, "r": c}},
            a * b + c,
            {"p": b, "q": a, "r": 1.0},
        )
    if kind == 1:
        t = math.tanh(a * b + c)
        d = 1 - t * t
        body = {"expression": "n = tanh(w*x + b)", "values": {"w": a, "x": b, "b": c}}
        return body, t, {"w": b * d, "x": a * d, "b": d}
    if kind == 2:
        return {"expression": f"k = {a}\nu = k*k\nu*k"}, a**3, {"k": 3 * a * a}
    if kind == 3:
        return {"expression": "sin(2*s)", "values": {"s": a}}, math.sin(2 * a), {"s": 2 * math.cos(2 * a)}
    x, y = abs(a) + 0.1, abs(b) + 0.1
    z = x * y
    body = {"expression": "z = x*y; log(z) + exp(z)", "values": {"x": x, "y": y}}
    g = 1 / z + math.exp(z)
    return body, math.log(z) + math.exp(z), {"x": y * g, "y": x * g}


def _cases(count: int, seed: int):
    rng = random.Random(seed)
    return [_case(i % 5, rng) for i in range(count)]


def _verify(answer: dict, value: float, gradients: dict) -> None:
    ids = [node["id"] for node in answer["nodes"]]
    assert sorted(ids, key=lambda i: int(i[1:])) == [f"n{i}" for i in range(len(ids))]  # per graph, from n0
    assert math.isclose(answer["value"], value, rel_tol=1e-9, abs_tol=1e-12), (answer["value"], value)
    assert answer["gradients"].keys() == gradients.keys()
    for name, expected in gradients.items():
        assert math.isclose(answer["gradients"][name], expected, rel_tol=1e-9, abs_tol=1e-12), (
            name,
            expected,
        )


def test_concurrent_requests_in_process():
    cases = _cases(300, seed=1)

    async def run():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await asyncio.gather(*(client.post("/api/graph", json=body) for body, _, _ in cases))

    responses = asyncio.run(run())
    for response, (_, value, gradients) in zip(responses, cases, strict=True):
        assert response.status_code == 200, response.text[:300]
        _verify(response.json(), value, gradients)


def test_concurrent_requests_against_a_live_server(live_server):
    cases = _cases(400, seed=2)
    # Errors in between must not leak into the good answers either.
    bad = [{"expression": "log(0)"}, {"expression": "(" * 300}, {"expression": "x"}, {"expression": "1 +"}]

    with httpx.Client(base_url=live_server, timeout=30) as client:

        def post(i):
            if i % 7 == 0:
                client.post("/api/graph", json=bad[i % len(bad)])
            return client.post("/api/graph", json=cases[i][0])

        with ThreadPoolExecutor(max_workers=32) as pool:
            responses = list(pool.map(post, range(len(cases))))
    for response, (_, value, gradients) in zip(responses, cases, strict=True):
        assert response.status_code == 200, response.text[:300]
        _verify(response.json(), value, gradients)


def test_the_same_program_twice_gets_the_same_answer(client, lecture):
    body = {"expression": lecture.source}
    first = client.post("/api/graph", json=body).content
    client.post("/api/graph", json={"expression": "x*y*z", "values": {"x": 1, "y": 2, "z": 3}})
    assert client.post("/api/graph", json=body).content == first


def test_values_of_one_request_do_not_stick_to_the_next(client):
    source = "a = 2; a*a"
    assert client.post("/api/graph", json={"expression": source, "values": {"a": 5}}).json()["value"] == 25.0
    assert client.post("/api/graph", json={"expression": source}).json()["value"] == 4.0
