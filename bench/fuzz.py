"""Fuzz the API at scale: 100,000+ inputs through a real uvicorn worker on loopback (or in process).

The inputs are ``tests/fuzzgen.py``'s (the rules for answers ``tests/fuzzcheck.py``'s): the fixed list
of attacks and malformed bodies, then grammar programs, mutants of them and raw random text,
reproducible from ``--seed``. Every answer must be 200 or a documented 413/422 with the error shape
(and, for a 200, follow the contract's structural rules); none may be a 5xx; the slowest answer must
take under one second. Prints the count, the status histogram per family, the slowest answers and
any problem, and exits 1 on any failure.

Run: .venv/bin/python bench/fuzz.py [--count 100000] [--seed 6] [--in-process] [--json FILE]
Requests go one at a time over a keep-alive connection so each time is the server's own, not a queue's.
"""

from __future__ import annotations

import argparse
import heapq
import json
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import fuzzcheck  # noqa: E402
import fuzzgen  # noqa: E402
from server import free_port, start_server  # noqa: E402  (bench/server.py)

SLOWEST_ALLOWED = 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--count", type=int, default=100_000, help="generated inputs (the fixed list comes on top)"
    )
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--in-process", action="store_true", help="FastAPI's TestClient instead of uvicorn")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    server = None
    if args.in_process:
        from fastapi.testclient import TestClient

        from app.main import app

        client = TestClient(app, raise_server_exceptions=False)
        where = "in process (TestClient)"
    else:
        port = free_port()
        server = start_server(port)
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
        where = "uvicorn, 1 worker, 127.0.0.1"

    statuses: Counter = Counter()
    families: Counter = Counter()
    slowest: list[tuple[float, int, str, int]] = []  # a heap of the 10 slowest
    slowest_by_family: dict[str, tuple[float, str]] = {}
    problems: list[str] = []
    transport_errors = 0
    started = time.monotonic()
    requests = [*fuzzgen.hostile_requests(), *fuzzgen.generate(args.seed, args.count)]
    try:
        for i, request in enumerate(requests):
            try:
                answer = fuzzcheck.send(client, request)
            except httpx.HTTPError as exc:
                transport_errors += 1
                problems.append(f"{request.describe()} -> {type(exc).__name__}: {exc}")
                client.close()
                client = httpx.Client(base_url=str(client.base_url), timeout=30)
                continue
            statuses[answer.status] += 1
            families[request.family, answer.status] += 1
            entry = (answer.seconds, i, request.describe()[:160], answer.status)
            if answer.seconds > slowest_by_family.get(request.family, (0.0, ""))[0]:
                slowest_by_family[request.family] = (answer.seconds, entry[2])
            if len(slowest) < 10:
                heapq.heappush(slowest, entry)
            else:
                heapq.heappushpop(slowest, entry)
            wrong = fuzzcheck.check_answer(request, answer.status, answer.content_type, answer.body)
            if request.expected is not None and answer.status != request.expected:
                wrong.append(f"expected {request.expected}")
            if wrong:
                problems.append(f"{request.describe()} -> {answer.status}: {'; '.join(wrong[:3])}")
            if (i + 1) % 10_000 == 0:
                print(f"  {i + 1:,} inputs, {time.monotonic() - started:.0f} s", flush=True)
        alive = client.get("/healthz").status_code == 200
    finally:
        client.close()
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    elapsed = time.monotonic() - started

    slowest.sort(reverse=True)
    server_errors = sum(n for s, n in statuses.items() if s >= 500)
    print(f"fuzz: {len(requests):,} inputs ({args.count:,} generated, seed {args.seed}) through {where}")
    print(f"  time: {elapsed:.0f} s ({len(requests) / elapsed:.0f} inputs/s)")
    print(f"  statuses: {dict(sorted(statuses.items()))}")
    for family in ("hostile", "malformed", "grammar", "mutant", "random"):
        counts = {s: n for (f, s), n in sorted(families.items()) if f == family}
        print(f"    {family:9s} {counts}")
    print(f"  5xx: {server_errors}, transport errors: {transport_errors}, problems: {len(problems)}")
    print(f"  server still serving: {alive}")
    print("  slowest answer per family: " + ", ".join(
        f"{family} {seconds * 1000:.1f} ms" for family, (seconds, _) in slowest_by_family.items()
    ))  # fmt: skip
    print("  slowest answers:")
    for seconds, _, description, status in slowest[:5]:
        print(f"    {seconds * 1000:7.1f} ms  {status}  {description}")
    for problem in problems[:20]:
        print("  PROBLEM", problem)
    ok = not problems and server_errors == 0 and alive and slowest[0][0] < SLOWEST_ALLOWED
    if args.json:
        figures = {
            "inputs": len(requests),
            "generated": args.count,
            "seed": args.seed,
            "where": where,
            "seconds": round(elapsed, 1),
            "statuses": {str(s): n for s, n in sorted(statuses.items())},
            "families": {f"{f} {s}": n for (f, s), n in sorted(families.items())},
            "server_errors": server_errors,
            "transport_errors": transport_errors,
            "problems": problems[:100],
            "slowest": [{"ms": round(s * 1000, 1), "status": st, "input": d} for s, _, d, st in slowest],
            "slowest_by_family": {
                family: {"ms": round(seconds * 1000, 1), "input": text}
                for family, (seconds, text) in slowest_by_family.items()
            },
            "ok": ok,
        }
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    print("PASS" if ok else "FAIL: see above (any 5xx, bad answer, or an answer of a second or more)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
