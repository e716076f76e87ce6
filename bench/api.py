"""API speed against the app's own /healthz, measured in the same run on one single-worker server.

1. Throughput: POST /api/graph with the lecture example vs GET /healthz, interleaved rounds, with
   wrk (Debian's package) when it is installed, else a Python asyncio load generator.
   Target: the graph endpoint at least 50% of /healthz.
2. Latency end to end of a 10,000-node program (2,500 lines of s_i = tanh(s_{i-1} * w + c_i)).
   Target: under 500 ms.

Run: .venv/bin/python bench/api.py [--seconds 5] [--rounds 3]
Loopback only; the server is started and stopped by this script.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time

import httpx
from server import free_port, start_server  # bench/server.py

LECTURE = "a = 2; b = -3; c = 10; e = a*b; d = e + c; f = -2; L = d*f"


def big_program(lines: int = 2_500) -> str:
    body = "\n".join(f"s{i} = tanh(s{i - 1} * w + c{i})" for i in range(1, lines + 1))
    return "s0 = 0.5\nw = 0.9\n" + body


def wrk_rps(url: str, seconds: float, connections: int, body: str | None) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if body is not None:
            script.write('wrk.method = "POST"\n')
            script.write(f"wrk.body = {json.dumps(body)}\n")
            script.write('wrk.headers["Content-Type"] = "application/json"\n')
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", "-s", script.name, url],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    if "Non-2xx" in out:
        raise SystemExit(f"non-2xx answers during the run:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


async def _python_rps(url: str, seconds: float, connections: int, body: str | None) -> float:
    limits = httpx.Limits(max_connections=connections)
    done = 0
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        deadline = time.monotonic() + seconds

        async def worker():
            nonlocal done
            while time.monotonic() < deadline:
                if body is None:
                    response = await client.get(url)
                else:
                    headers = {"content-type": "application/json"}
                    response = await client.post(url, content=body, headers=headers)
                if response.status_code != 200:
                    raise SystemExit(f"status {response.status_code}")
                done += 1

        start = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(connections)))
        return done / (time.monotonic() - start)


def measure(url, seconds, connections, body) -> float:
    if shutil.which("wrk"):
        return wrk_rps(url, seconds, connections, body)
    return asyncio.run(_python_rps(url, seconds, connections, body))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    try:
        lecture = json.dumps({"expression": LECTURE})
        measure(f"{base}/api/graph", 1, args.connections, lecture)  # warm-up
        health, graph = [], []
        for i in range(args.rounds):
            pair = [(health, f"{base}/healthz", None), (graph, f"{base}/api/graph", lecture)]
            for results, url, body in pair if i % 2 == 0 else pair[::-1]:
                results.append(measure(url, args.seconds, args.connections, body))
        tool = "wrk" if shutil.which("wrk") else "python asyncio client"
        print(f"throughput, 1 uvicorn worker, {args.connections} connections, {tool}, {args.rounds} rounds")
        print(f"  GET /healthz               median {statistics.median(health):9.0f} req/s")
        print(f"  POST /api/graph (lecture)  median {statistics.median(graph):9.0f} req/s")
        ratio = statistics.median(graph) / statistics.median(health)
        print(f"  ratio graph / healthz: {ratio:.0%}  (target >= 50%)")

        # c_i are free variables: their values come with the request, as the page sends them.
        values = {f"c{i}": 0.1 for i in range(1, 2_501)}
        program = json.dumps({"expression": big_program(), "values": values})
        times = []
        with httpx.Client(timeout=30) as client:
            for _ in range(7):
                start = time.perf_counter()
                response = client.post(f"{base}/api/graph", content=program,
                                       headers={"content-type": "application/json"})  # fmt: skip
                response.read()  # the whole answer has arrived; parsing it is the client's business
                times.append(time.perf_counter() - start)
                assert response.status_code == 200, response.text[:200]
        nodes = len(response.json()["nodes"])
        print(f"10,000-node program ({nodes} nodes, {len(response.content) / 1e6:.1f} MB answer): "
              f"median {statistics.median(times) * 1e3:.0f} ms, worst {max(times) * 1e3:.0f} ms end to end "
              "(target < 500 ms)")  # fmt: skip
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
