"""Load's second part: concurrent trainings beside /healthz, on the server bench/load.py started.

16 concurrent POST /api/train streams (long runs of both presets) for 20 s while two loops ask /healthz
again and again. Target: /healthz's p99 under 100 ms, every training answered 200 and streaming frames,
and every slot free again after the clients hang up. Run through bench/load.py (--trainings,
--training-seconds, --only-trainings).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter

import httpx

TIMEOUT = 10.0  # seconds for one answer before it counts as a failure


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


TRAININGS = [
    {"preset": "micrograd", "epochs": 2000},
    {"preset": "minitorch", "dataset": "xor", "hidden": 10, "epochs": 2000},
]


async def training_phase(port: int, trainings: int, seconds: float) -> dict:
    """``trainings`` streams at once for ``seconds`` while /healthz is asked in two loops."""
    url = f"http://127.0.0.1:{port}"
    stop = asyncio.Event()
    streams: list[dict] = []
    health: list[float] = []
    failures: Counter = Counter()
    # One client made before any clock starts: making one costs tens of milliseconds of this
    # process's time (its TLS context), which would otherwise show up as server latency.
    limits = httpx.Limits(max_connections=trainings + 8, max_keepalive_connections=trainings + 8)
    client = httpx.AsyncClient(base_url=url, timeout=TIMEOUT, limits=limits)

    async def train(body: dict) -> None:
        figures = {"status": None, "frames": 0, "epoch": 0, "first_frame_s": None}
        streams.append(figures)
        began = time.perf_counter()
        try:
            async with client.stream("POST", "/api/train", json=body) as answer:
                figures["status"] = answer.status_code
                if answer.status_code != 200:
                    failures[f"train status {answer.status_code}"] += 1
                    return
                async for line in answer.aiter_lines():
                    kind = line[9:14]  # lines start {"type":"start" / "frame" / "error"
                    if kind == "frame":
                        figures["frames"] += 1
                        figures["epoch"] = json.loads(line)["epoch"]
                        if figures["first_frame_s"] is None:
                            figures["first_frame_s"] = time.perf_counter() - began
                    elif kind == "error":
                        failures["training error line"] += 1
                    if stop.is_set():
                        return  # hang up mid-stream, as a closed tab does
        except (httpx.HTTPError, OSError) as exc:
            failures[type(exc).__name__] += 1

    async def ask_health() -> None:
        while not stop.is_set():
            start = time.perf_counter()
            try:
                answer = await client.get("/healthz")
                if answer.status_code != 200:
                    failures[f"healthz status {answer.status_code}"] += 1
            except (httpx.HTTPError, OSError) as exc:
                failures[f"healthz {type(exc).__name__}"] += 1
                continue
            health.append(time.perf_counter() - start)
            await asyncio.sleep(0.01)

    async def stop_later(delay: float) -> None:
        await asyncio.sleep(delay)
        stop.set()

    # First /healthz alone for a few seconds: what this machine gives without trainings.
    await asyncio.gather(stop_later(min(5.0, seconds)), ask_health(), ask_health())
    alone, health[:] = list(health), []
    stop.clear()
    tasks = [train(TRAININGS[i % len(TRAININGS)]) for i in range(trainings)]
    await asyncio.gather(stop_later(seconds), ask_health(), ask_health(), *tasks)
    # Every slot must come back once the clients are gone: the same number of trainings fits again.
    freed = False
    deadline = time.monotonic() + 15
    while not freed and time.monotonic() < deadline:
        answers = await asyncio.gather(
            *(client.post("/api/train", json={"preset": "minitorch", "points": 10, "epochs": 2})
              for _ in range(trainings))
        )  # fmt: skip
        freed = all(a.status_code == 200 for a in answers)
        if not freed:
            await asyncio.sleep(0.2)
    await client.aclose()
    return {
        "trainings": trainings,
        "seconds": seconds,
        "alone_p99_ms": round(percentile(alone, 0.99) * 1000, 1),
        "healthz_requests": len(health),
        "healthz_p50_ms": round(percentile(health, 0.50) * 1000, 1),
        "healthz_p99_ms": round(percentile(health, 0.99) * 1000, 1),
        "healthz_max_ms": round(max(health, default=0.0) * 1000, 1),
        "statuses": dict(Counter(str(s["status"]) for s in streams)),
        "frames": sum(s["frames"] for s in streams),
        "epochs": sum(s["epoch"] for s in streams),
        "slowest_first_frame_s": round(max((s["first_frame_s"] or 0.0) for s in streams), 2),
        "failures": dict(failures),
        "slots_freed": freed,
    }


def describe_trainings(figures: dict) -> bool:
    print(
        f"  {figures['trainings']} concurrent trainings for {figures['seconds']:.0f} s: statuses "
        f"{figures['statuses']}, {figures['frames']:,} frames, {figures['epochs']:,} epochs in all, slowest "
        f"first frame {figures['slowest_first_frame_s']} s; /healthz beside them: "
        f"{figures['healthz_requests']:,} requests, p50 {figures['healthz_p50_ms']} ms, "
        f"p99 {figures['healthz_p99_ms']} ms (alone before: {figures['alone_p99_ms']} ms), "
        f"max {figures['healthz_max_ms']} ms; failures {figures['failures'] or 0}; "
        f"slots free afterwards: {figures['slots_freed']}"
    )
    return (
        figures["healthz_p99_ms"] < 100
        and figures["statuses"] == {"200": figures["trainings"]}
        and not figures["failures"]
        and figures["slots_freed"]
        and figures["frames"] >= figures["trainings"]
    )
