"""Load: one uvicorn worker on loopback, 64 concurrent keep-alive connections, valid and invalid requests.

1. Start ``uvicorn app.main:app`` (one worker) on 127.0.0.1 and a free port; note its RSS.
2. Warm up for a few seconds at full concurrency (thread pool, caches); note the RSS: the baseline.
3. Run for 60 s at 64 connections: requests/s, p50/p99 latency, failures, 5xx; note the RSS.
4. Keep going until 100,000 requests in all have been answered (bounded in time); note the RSS.

The mix is fixed and seeded: the lecture example, the tanh neuron with a numeric check, DOT, the GET
routes, programs from the fuzz generator, and invalid requests (parse errors, unbound variables, math
errors, malformed JSON, non-finite values, nesting 5,000 deep, a declared 2 MiB body). A failure is
a connection error, a timeout or a status other than the one the request must get; any 5xx is also
counted on its own. Targets: zero failures, zero 5xx, RSS growth under 10% from the warmed baseline.

The load generator is plain asyncio sockets (no wrk or hey needed), so it runs wherever Python does.
Then, on the same server, trainings (bench/load_trainings.py): 16 concurrent POST /api/train streams
(long runs of both presets) for 20 s while two loops ask /healthz again and again. Target: /healthz's
p99 under 100 ms, every training answered 200 and streaming frames, and every slot free again after the
clients hang up.

Run: .venv/bin/python bench/load.py [--seconds 60] [--connections 64] [--total 100000] [--json FILE]
     [--trainings 16] [--training-seconds 20] [--only-trainings]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import fuzzgen  # noqa: E402
from load_trainings import TIMEOUT, describe_trainings, percentile, training_phase  # noqa: E402
from server import free_port, start_server  # noqa: E402  (bench/server.py)

LECTURE = "a = 2; b = -3; c = 10; e = a*b; d = e + c; f = -2; L = d*f"
NEURON = "tanh(x1*w1 + x2*w2 + b)"
NEURON_VALUES = {"x1": 2, "x2": 0, "w1": -3, "w2": 1, "b": 6.8813735870195432}


@dataclass(frozen=True)
class Planned:
    kind: str
    raw: bytes  # the whole HTTP/1.1 request
    allowed: frozenset[int]  # the statuses it may get


def _http(method: str, path: str, body: bytes | None = None, content_length: int | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
    if body is not None or content_length is not None:
        lines.append("Content-Type: application/json")
        lines.append(f"Content-Length: {len(body or b'') if content_length is None else content_length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


def _post(kind: str, body: dict, status: int, path: str = "/api/graph") -> Planned:
    return Planned(kind, _http("POST", path, json.dumps(body).encode()), frozenset({status}))


def request_mix(seed: int) -> list[Planned]:
    """About 1,000 requests in a fixed shuffled order: ~70% valid, ~30% invalid."""
    rng = random.Random(seed)
    weighted: list[tuple[Planned, int]] = []

    def add(planned: Planned, weight: int) -> None:
        weighted.append((planned, weight))

    add(_post("lecture", {"expression": LECTURE}, 200), 250)
    add(_post("neuron+check", {"expression": NEURON, "values": NEURON_VALUES, "check": True}, 200), 80)
    add(_post("dot", {"expression": LECTURE}, 200, "/api/graph/dot"), 40)
    add(Planned("examples", _http("GET", "/api/examples"), frozenset({200})), 20)
    add(Planned("ops", _http("GET", "/api/ops"), frozenset({200})), 10)
    add(Planned("healthz", _http("GET", "/healthz"), frozenset({200})), 20)
    programs = fuzzgen.ProgramGenerator(rng)
    for _ in range(100):  # generated programs: mostly 200, some 422
        source, values, _ = programs.program()
        raw = _http("POST", "/api/graph", json.dumps({"expression": source, "values": values}).encode())
        add(Planned("generated", raw, frozenset({200, 422})), 3)
    add(_post("parse_error", {"expression": "a = 2\nb = a * * 3"}, 422), 60)
    add(_post("unbound", {"expression": "x*y + z"}, 422), 40)
    add(_post("math_error", {"expression": "log(x - 1)", "values": {"x": 1}}, 422), 40)
    add(_post("reserved", {"expression": "exp = 2; exp"}, 422), 10)
    add(Planned("bad_json", _http("POST", "/api/graph", b'{"expression": "a*b",'), frozenset({422})), 40)
    add(
        Planned(
            "nan", _http("POST", "/api/graph", b'{"expression": "x", "values": {"x": NaN}}'), frozenset({422})
        ),
        20,
    )
    add(_post("nesting", {"expression": "(" * 5000 + "x" + ")" * 5000}, 413), 15)
    add(
        Planned("2MiB", _http("POST", "/api/graph", None, content_length=2 * 1024 * 1024), frozenset({413})),
        5,
    )
    plan = [planned for planned, weight in weighted for _ in range(weight)]
    rng.shuffle(plan)
    return plan


# -- the server --------------------------------------------------------------------------------------


def rss_mib(pid: int) -> float:
    """The process's resident set size from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


# -- the load generator ------------------------------------------------------------------------------


@dataclass
class Phase:
    latencies: list[float]
    statuses: Counter
    kinds: Counter
    failures: Counter
    examples: list[str]
    seconds: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length, close = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value.strip().lower() == "close":
            close = True
    await reader.readexactly(length)
    return status, close


async def run_phase(port: int, plan: list[Planned], connections: int, seconds: float, limit: int) -> Phase:
    phase = Phase([], Counter(), Counter(), Counter(), [])
    deadline = time.monotonic() + seconds
    counter = iter(range(limit))
    started = time.monotonic()

    async def worker(offset: int) -> None:
        reader = writer = None
        position = offset
        while time.monotonic() < deadline and next(counter, None) is not None:
            planned = plan[position % len(plan)]
            position += connections
            start = time.perf_counter()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(planned.raw)
                status, close = await asyncio.wait_for(_read_answer(reader), TIMEOUT)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                phase.failures[type(exc).__name__] += 1
                if len(phase.examples) < 10:
                    phase.examples.append(f"{planned.kind}: {type(exc).__name__} {exc}")
                if writer is not None:
                    writer.close()
                reader = writer = None
                continue
            phase.latencies.append(time.perf_counter() - start)
            phase.statuses[status] += 1
            phase.kinds[planned.kind, status] += 1
            if status not in planned.allowed:
                phase.failures[f"status {status}"] += 1
                if len(phase.examples) < 10:
                    phase.examples.append(f"{planned.kind}: got {status}")
            if close:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(worker(i) for i in range(connections)))
    phase.seconds = time.monotonic() - started
    return phase


def describe(name: str, phase: Phase) -> dict:
    server_errors = sum(n for s, n in phase.statuses.items() if s >= 500)
    figures = {
        "requests": phase.count,
        "seconds": round(phase.seconds, 1),
        "rps": round(phase.count / phase.seconds, 1) if phase.seconds else 0.0,
        "p50_ms": round(percentile(phase.latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(phase.latencies, 0.99) * 1000, 1),
        "max_ms": round(max(phase.latencies, default=0.0) * 1000, 1),
        "failures": sum(phase.failures.values()),
        "server_errors": server_errors,
        "statuses": {str(s): n for s, n in sorted(phase.statuses.items())},
    }
    print(
        f"  {name}: {figures['requests']:,} requests in {figures['seconds']} s = {figures['rps']} req/s; "
        f"p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms; "
        f"failures {figures['failures']}, 5xx {server_errors}; statuses {figures['statuses']}"
    )
    for example in phase.examples:
        print(f"    failure: {example}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the measured run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--warmup", type=float, default=5.0, help="seconds of warm-up before the baseline RSS"
    )
    parser.add_argument("--total", type=int, default=100_000, help="requests in all before the last RSS")
    parser.add_argument(
        "--max-requests", type=int, default=1_000_000, help="bound on the measured run's count"
    )
    parser.add_argument("--max-seconds", type=float, default=900.0, help="bound on the whole script")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--app", default="app.main:app", help="the ASGI app uvicorn serves")
    parser.add_argument("--trainings", type=int, default=16, help="concurrent trainings (0: none)")
    parser.add_argument("--training-seconds", type=float, default=20.0)
    parser.add_argument("--only-trainings", action="store_true", help="skip the request mix")
    args = parser.parse_args()
    if args.only_trainings:
        port = free_port()
        server = start_server(port, args.app)
        try:
            figures = asyncio.run(training_phase(port, args.trainings, args.training_seconds))
        finally:
            server.terminate()
            server.wait(timeout=10)
        ok = describe_trainings(figures)
        if args.json:
            Path(args.json).write_text(json.dumps({"trainings": figures, "ok": ok}, indent=2) + "\n")
        print(
            "PASS" if ok else "FAIL: target is /healthz p99 under 100 ms beside the trainings, all answered"
        )
        return 0 if ok else 1

    plan = request_mix(args.seed)
    kinds = Counter(p.kind for p in plan)
    valid = sum(1 for p in plan if p.allowed == {200})
    generated = kinds["generated"]
    print(f"load: 1 uvicorn worker on 127.0.0.1, {args.connections} connections, mix of {len(plan)} requests")
    print(
        f"  mix: {valid} valid, {generated} generated programs (200 or 422), "
        f"{len(plan) - valid - generated} invalid: {dict(kinds.most_common())}"
    )
    port = free_port()
    server = start_server(port, args.app)
    began = time.monotonic()
    results: dict = {"connections": args.connections, "mix": dict(kinds)}
    try:
        results["rss_start_mib"] = round(rss_mib(server.pid), 1)
        warm = asyncio.run(run_phase(port, plan, args.connections, args.warmup, 10**9))
        results["warmup"] = describe("warm-up", warm)
        results["rss_before_mib"] = round(rss_mib(server.pid), 1)
        main_phase = asyncio.run(run_phase(port, plan, args.connections, args.seconds, args.max_requests))
        results["run"] = describe(f"{args.seconds:.0f} s run", main_phase)
        results["rss_after_run_mib"] = round(rss_mib(server.pid), 1)
        done = warm.count + main_phase.count
        extra_phase = None
        if done < args.total:
            remaining = max(1.0, args.max_seconds - (time.monotonic() - began))
            extra_phase = asyncio.run(run_phase(port, plan, args.connections, remaining, args.total - done))
            results["extra"] = describe("until the total", extra_phase)
            done += extra_phase.count
        results["total_requests"] = done
        results["rss_after_total_mib"] = round(rss_mib(server.pid), 1)
        alive = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
        results["still_serving"] = alive and server.poll() is None
        if args.trainings:
            results["trainings"] = asyncio.run(training_phase(port, args.trainings, args.training_seconds))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    base = results["rss_before_mib"]
    growth_run = (results["rss_after_run_mib"] - base) / base
    growth_total = (results["rss_after_total_mib"] - base) / base
    results["rss_growth_run"] = round(growth_run, 4)
    results["rss_growth_total"] = round(growth_total, 4)
    failures = results["run"]["failures"] + results.get("extra", {}).get("failures", 0)
    failures += results["warmup"]["failures"]
    server_errors = results["run"]["server_errors"] + results.get("extra", {}).get("server_errors", 0)
    server_errors += results["warmup"]["server_errors"]
    print(
        f"  RSS: {results['rss_start_mib']} MiB at start, {base} MiB after warm-up, "
        f"{results['rss_after_run_mib']} MiB after the run ({growth_run:+.1%}), "
        f"{results['rss_after_total_mib']} MiB after {done:,} requests ({growth_total:+.1%})"
    )
    print(f"  failures: {failures}, 5xx: {server_errors}, still serving: {results['still_serving']}")
    trainings_ok = describe_trainings(results["trainings"]) if args.trainings else True
    ok = (
        failures == 0
        and server_errors == 0
        and results["still_serving"]
        and growth_total < 0.10
        and growth_run < 0.10
        and done >= args.total
        and trainings_ok
    )
    results["ok"] = ok
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    print(
        "PASS"
        if ok
        else "FAIL: targets are zero failures, zero 5xx, RSS growth under 10%, the total reached, "
        "/healthz p99 under 100 ms beside the trainings"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
