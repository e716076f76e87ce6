"""API speed on one single-worker uvicorn on loopback, against peers measured in the same run.

1. throughput: POST /api/graph with the lecture example vs GET /healthz, interleaved rounds, with wrk
   (Debian's package) when it is installed, else a Python asyncio load generator.
   Target: the graph endpoint at least 50% of /healthz.
2. limit: big programs end to end (request sent → whole answer received and un-gzipped), in the object
   form (contract v1) and in the columns form, with and without gzip, interleaved rounds; the answer's
   bytes per node as sent (gzip on) and as JSON (gzip off). Targets (issue 13), in the columns form:
   10,000 nodes ≤ 60 ms, 50,000 nodes ≤ 400 ms, ≤ 80 bytes a node without gzip and ≤ 25 with.
   With ``--against DIR`` a second server runs DIR's checkout and every request goes to both in turn
   (which one first alternates by round): a before/after table from one run, under the same load.
3. stages: in process, the CPU time of each stage of a columns answer for the same programs (tokenize,
   parse, analysis and its typo check, the build's loop, the engine's trace, the payload, freeing)
   and how often the cycle collector ran: where the time goes (docs/performance.md).
4. gzip: in process, the CPU time to compress real answers at each zlib level against the bytes it
   saves: what the server's threshold and level (app/middleware.py) are chosen from.

Every section prints the machine's load average when it starts and ends: other work on the machine
shows in the figures (medians of several rounds damp it, the worst round shows it).

Run: .venv/bin/python bench/api.py [--only throughput|limit|stages|gzip] [--rounds 7] [--app-dir DIR]
[--against DIR]. ``--app-dir`` serves another checkout instead of this one; ``--against`` beside it
(e.g. an older commit, for a before/after table); the columns rows need a checkout that knows the
format. Loopback only; the servers are started and stopped here.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import httpx
from server import ROOT, free_port, start_server  # bench/server.py

LECTURE = "a = 2; b = -3; c = 10; e = a*b; d = e + c; f = -2; L = d*f"


def tanh_chain(lines: int = 2_500, inputs: str = "in") -> tuple[str, dict]:
    """4 nodes a line: s_i = tanh(s_{i-1} * w + in_i), the inputs free, their values sent (as the page
    does). With ``inputs="c"`` each c_i is one edit from s_i, and the answer carries 2,500 warnings."""
    body = "\n".join(f"s{i} = tanh(s{i - 1} * w + {inputs}{i})" for i in range(1, lines + 1))
    return "s0 = 0.5\nw = 0.9\n" + body, {f"{inputs}{i}": 0.1 for i in range(1, lines + 1)}


def layered(lines: int = 5_555) -> tuple[str, dict]:
    """9 nodes a line (three constants): h_i = tanh(h_{i-1}*.5 + h_{i-2}*.3 - 1), under 200,000 characters."""
    body = "\n".join(f"h{i}=tanh(h{i - 1}*.5+h{i - 2}*.3-1)" for i in range(2, lines + 2))
    return "h0 = 0.1\nh1 = 0.2\n" + body, {}


PROGRAMS = {
    "10k tanh chain": tanh_chain(),
    "10k tanh chain, 2,500 typo warnings": tanh_chain(inputs="c"),
    "50k layered tanh": layered(),
    "50k product x*x*…": ("x" + "*x" * 49_998, {"x": 1.0}),
    "50k sum x+1+…": ("x" + "+1" * 24_999, {"x": 1.0}),
}
TARGETS = {"10k": 60.0, "50k": 400.0}  # ms, columns form
BYTES_TARGET = {"identity": 80.0, "gzip": 25.0}  # bytes a node, columns form


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


# -- 1. throughput -------------------------------------------------------------------------------------


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


def throughput(base: str, args) -> None:
    print(f"throughput — {load()}")
    lecture = json.dumps({"expression": LECTURE})
    measure(f"{base}/api/graph", 1, args.connections, lecture)  # warm-up
    health, graph = [], []
    for i in range(args.throughput_rounds):
        pair = [(health, f"{base}/healthz", None), (graph, f"{base}/api/graph", lecture)]
        for results, url, body in pair if i % 2 == 0 else pair[::-1]:
            results.append(measure(url, args.seconds, args.connections, body))
    tool = "wrk" if shutil.which("wrk") else "python asyncio client"
    print(f"  1 uvicorn worker, {args.connections} connections, {tool}, {args.throughput_rounds} rounds")
    print(f"  GET /healthz               median {statistics.median(health):9.0f} req/s")
    print(f"  POST /api/graph (lecture)  median {statistics.median(graph):9.0f} req/s")
    ratio = statistics.median(graph) / statistics.median(health)
    print(f"  ratio graph / healthz: {ratio:.0%}  (target >= 50%)")
    print(f"  ... {load()}\n")


# -- 2. big programs end to end ------------------------------------------------------------------------


def limit(bases: dict[str, str], args) -> bool:
    """``bases``: the servers to compare (this checkout's, and with ``--against`` another's), asked in
    turn for every request of every round, the order switching each round."""
    print(f"big programs end to end — {load()}")
    bodies = {}
    for name, (source, values) in PROGRAMS.items():
        for form in args.forms:
            request = {"expression": source, "values": values}
            if form == "columns":
                request["format"] = "columns"
            bodies[name, form] = json.dumps(request).encode()
    times: dict[tuple, list[float]] = {}
    sizes: dict[tuple, int] = {}
    nodes: dict[str, int] = {}
    servers = list(bases)
    with httpx.Client(timeout=60) as client:
        for round_ in range(args.rounds + 1):  # round 0 warms up and is not counted
            for (name, form), body in bodies.items():
                for encoding in ("identity", "gzip"):
                    for server in servers if round_ % 2 == 0 else servers[::-1]:
                        headers = {"content-type": "application/json", "accept-encoding": encoding}
                        start = time.perf_counter()
                        response = client.post(f"{bases[server]}/api/graph", content=body, headers=headers)
                        response.read()  # the whole answer has arrived (and is un-gzipped)
                        elapsed = time.perf_counter() - start
                        if response.status_code != 200:
                            raise SystemExit(f"{name} ({form}, {server}): {response.status_code} "
                                             f"{response.text[:300]}")  # fmt: skip
                        if round_ == 0:
                            answer = response.json()
                            nodes[name] = len(answer["types"] if form == "columns" else answer["nodes"])
                            sizes[name, form, encoding, server] = response.num_bytes_downloaded
                            continue
                        times.setdefault((name, form, encoding, server), []).append(elapsed)
    ok = True
    print(f"  {args.rounds} rounds, interleaved; ms: median (worst); bytes a node: as sent")
    print(f"  {'program':36} {'nodes':>6} {'form':8} {'server':7} {'gzip off ms':>16} {'gzip on ms':>16} "
          f"{'B/node off':>10} {'on':>6}")  # fmt: skip
    for name in PROGRAMS:
        for form in args.forms:
            for server in servers:
                cells = []
                for encoding in ("identity", "gzip"):
                    series = times[name, form, encoding, server]
                    cells.append(f"{statistics.median(series) * 1e3:7.0f} ({max(series) * 1e3:5.0f})")
                per_node = [
                    sizes[name, form, encoding, server] / nodes[name] for encoding in ("identity", "gzip")
                ]
                verdict = ""
                if form == "columns":
                    target = TARGETS[name.split()[0]]
                    best = (
                        min(statistics.median(times[name, form, e, server]) for e in ("identity", "gzip"))
                        * 1e3
                    )
                    fits = best <= target and per_node[0] <= BYTES_TARGET["identity"]
                    fits = fits and per_node[1] <= BYTES_TARGET["gzip"]
                    if server == servers[0]:
                        ok = ok and fits
                    verdict = f"  target ≤ {target:.0f} ms, ≤ 80 / ≤ 25 B: {'met' if fits else 'MISSED'}"
                print(f"  {name:36} {nodes[name]:>6} {form:8} {server:7} {cells[0]:>16} {cells[1]:>16} "
                      f"{per_node[0]:>10.1f} {per_node[1]:>6.1f}{verdict}")  # fmt: skip
    print(f"  ... {load()}\n")
    return ok


# -- 3. where the time goes, in process ------------------------------------------------------------------


def stages(args) -> None:
    """CPU time (``time.thread_time``) of each stage of one columns answer, in this process, with the
    app imported and its collector threshold set, as the server runs: medians of ``--rounds``. The
    parse is split into the tokenizer and the parser, the build into its loop over the program
    (values into columns), the engine's ``trace_columns`` and the rest (warnings, order, line table);
    the analysis shows its typo check apart. Freeing is the graph's and the payload's, after the
    answer (the server does it once the answer is sent)."""
    sys.path.insert(0, str(ROOT))  # the repository's `engine` package, not bench/engine.py
    import gc

    import app.main  # noqa: F401  (the server's modules: its heap)
    from app.serialize import columns_payload, payload_json
    from app.settings import get_settings, tune_cycle_collector

    analysis, build, syntax = (importlib.import_module(f"engine.language.{stage}")
                               for stage in ("analysis", "build", "syntax"))  # fmt: skip

    tune_cycle_collector(get_settings())
    runs = [0]
    gc.callbacks.append(lambda phase, info: runs.__setitem__(0, runs[0] + (phase == "start")))
    spent: dict[str, float] = {}

    def timed(label, function):  # the same function, its CPU time added to `spent` on every call
        def run(*arguments, **keywords):
            start = time.thread_time()
            try:
                return function(*arguments, **keywords)
            finally:
                spent[label] = spent.get(label, 0.0) + time.thread_time() - start

        return run

    patched = [
        (syntax, "_scan"),
        (analysis, "_typo_warnings"),
        (build._Builder, "run"),
        (build, "trace_columns"),
    ]
    originals = [getattr(owner, attribute) for owner, attribute in patched]
    for (owner, attribute), original in zip(patched, originals, strict=True):
        setattr(owner, attribute, timed(attribute, original))
    columns = ["tokenize", "parse", "analysis", "(typo check)", "build: loop", "build: trace", "build: rest",
               "payload+orjson", "total", "freeing", "collector runs"]  # fmt: skip
    print(f"where the time goes: CPU ms in process, columns form, median of {args.rounds} — {load()}")
    print("  " + f"{'program':36}" + "".join(f"{c:>15}" for c in columns))
    try:
        for name, (source, values) in PROGRAMS.items():
            rows: dict[str, list[float]] = {}
            for _ in range(args.rounds):
                spent.clear()
                runs[0] = 0
                clock = time.thread_time
                start = clock()
                program = syntax.parse(source)
                parsed = clock()
                analysed = analysis.analyze(program, values)
                analysed_at = clock()
                graph = build.build(analysed)
                built = clock()
                made = [graph, columns_payload(graph)]
                payload_json(made[1])
                answered = clock()
                collector_runs = runs[0]
                del graph, analysed, program
                made.clear()
                freed = clock()
                figures = {
                    "tokenize": spent["_scan"],
                    "parse": parsed - start - spent["_scan"],
                    "analysis": analysed_at - parsed,
                    "(typo check)": spent.get("_typo_warnings", 0.0),
                    "build: loop": spent["run"],
                    "build: trace": spent["trace_columns"],
                    "build: rest": built - analysed_at - spent["run"] - spent["trace_columns"],
                    "payload+orjson": answered - built,
                    "total": answered - start,
                    "freeing": freed - answered,
                    "collector runs": collector_runs / 1e3,  # printed as a count below
                }
                for label, value in figures.items():
                    rows.setdefault(label, []).append(value * 1e3)
            cells = [statistics.median(rows[column]) for column in columns]
            print(
                "  " + f"{name:36}" + "".join(f"{cell:>15.1f}" for cell in cells[:-1]) + f"{cells[-1]:>15.0f}"
            )
    finally:
        for (owner, attribute), original in zip(patched, originals, strict=True):
            setattr(owner, attribute, original)
    print(f"  ... {load()}\n")


# -- 4. gzip: CPU against bytes saved ------------------------------------------------------------------


def gzip_table(args) -> None:
    """Compress real answers in process, as Starlette's GZipMiddleware does (one gzip stream)."""
    sys.path.insert(0, str(ROOT))  # the repository's `engine` package, not bench/engine.py
    from app.serialize import graph_json

    print(f"gzip: CPU time against bytes saved — {load()}")
    samples = {
        "lecture": (LECTURE, {}),
        "100-node chain": tanh_chain(25),
        "1,000-node chain": tanh_chain(250),
        "10k tanh chain": PROGRAMS["10k tanh chain"],
        "50k layered tanh": PROGRAMS["50k layered tanh"],
    }
    print(
        f"  {'answer':18} {'form':8} {'bytes':>9} "
        + " ".join(f"{'level ' + str(level):>22}" for level in args.levels)
    )
    print(f"  {'':18} {'':8} {'':>9} " + " ".join(f"{'ms  ratio  µs/KB saved':>22}" for _ in args.levels))
    for name, (source, values) in samples.items():
        for form in ("object", "columns"):
            body = graph_json(source, values, format=form)
            cells = []
            for level in args.levels:
                runs = []
                for _ in range(5):
                    start = time.thread_time()
                    compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
                    packed = compressor.compress(body) + compressor.flush()
                    runs.append(time.thread_time() - start)
                cpu = statistics.median(runs)
                saved_kb = max(len(body) - len(packed), 1) / 1024
                cells.append(f"{cpu * 1e3:6.2f} {len(packed) / len(body):6.1%} {cpu * 1e6 / saved_kb:8.1f}")
            print(f"  {name:18} {form:8} {len(body):>9,} " + " ".join(f"{cell:>22}" for cell in cells))
    print(f"  ... {load()}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["throughput", "limit", "stages", "gzip"], action="append")
    parser.add_argument("--rounds", type=int, default=7, help="rounds of the big programs")
    parser.add_argument("--throughput-rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--forms", nargs="+", default=["object", "columns"], choices=["object", "columns"])
    parser.add_argument("--levels", nargs="+", type=int, default=[1, 4, 6, 9])
    parser.add_argument("--app-dir", type=Path, default=None, help="serve the app from this checkout")
    parser.add_argument("--against", type=Path, default=None,
                        help="also serve this checkout: each big request asked of both in turn")  # fmt: skip
    args = parser.parse_args()
    sections = args.only or ["throughput", "limit", "stages", "gzip"]
    print(f"python {sys.version.split()[0]}, {load()}\n")
    ok = True
    if "throughput" in sections or "limit" in sections:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(port, cwd=args.app_dir)
        servers = {"this": (server, base)}
        try:
            if "throughput" in sections:
                throughput(base, args)
            if "limit" in sections:
                if args.against is not None:
                    other = free_port()
                    servers["against"] = (start_server(other, cwd=args.against), f"http://127.0.0.1:{other}")
                ok = limit({label: base for label, (_, base) in servers.items()}, args)
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(10)
    if "stages" in sections:
        stages(args)
    if "gzip" in sections:
        gzip_table(args)
    if not ok:
        print("a target was missed (see above)")


if __name__ == "__main__":
    main()
