"""The page's speed in a real browser (Debian's Chromium, headless, through Playwright).

1. Run → painted: the time from the Run click to the browser having painted the graph, as the page
   itself records it (``window.__bpx_timings``: answer back, layout done, DOM built, painted), for a
   1,002-node program (250 lines of s_i = tanh(s_{i-1} * w + c_i)) and, as its peer in the same run,
   the 7-node lecture graph. The two alternate, so every run lays its graph out afresh.
   Target: the 1,002-node graph painted under 1,500 ms.
2. One step on the 1,002-node graph: the script a step costs (the click's handlers: timeline state,
   drawing update, chain-rule text, panels) and the time until it is painted (two animation frames
   later: never under ~33 ms at 60 Hz), for forward steps from the start and backward steps from the end.

Run: .venv/bin/python bench/page.py [--runs 7] [--steps 40]
Loopback only; the server (bench/server.py) and the browser are started and stopped by this script.
The machine's load average is printed with the figures: they mean little on a busy machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

from server import free_port, start_server  # bench/server.py

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.test_page import LECTURE, big_program

STAGES = ("answered", "laidOut", "drawn", "painted")

# Each click measured on its own, in the page: no round trip to this script between start and stop.
STEP_SCRIPT = """([selector, n]) => {
  const button = document.querySelector(selector);
  const times = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    button.click();
    times.push(performance.now() - start);
  }
  return times;
}"""
STEP_PAINTED = """async ([selector, n]) => {
  const button = document.querySelector(selector);
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const times = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    button.click();
    await frame();
    await frame();
    times.push(performance.now() - start);
  }
  return times;
}"""


def wait_for_new_graph(page, before: str | None, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while page.get_attribute("#graph", "data-ready") in (before, None):
        if time.monotonic() > deadline:
            raise SystemExit("no graph was drawn")
        page.wait_for_timeout(10)


def run_program(page, expression: str) -> dict[str, float]:
    """Type a program, click Run, wait for its painted graph; the page's own timings."""
    before = page.get_attribute("#graph", "data-ready")
    page.fill('[data-testid="expression"]', expression)
    page.click('[data-testid="run"]')
    wait_for_new_graph(page, before)
    if page.locator('[data-testid="error"]').is_visible():
        raise SystemExit(f"the page showed an error: {page.text_content('[data-testid=error]')}")
    return page.evaluate("window.__bpx_timings")


def medians(samples: list[dict[str, float]]) -> dict[str, float]:
    return {stage: statistics.median(s[stage] for s in samples) for stage in STAGES}


def stages_line(figures: dict[str, float]) -> str:
    return "  ".join(f"{stage} {figures[stage]:6.0f}" for stage in STAGES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    load_before = os.getloadavg()
    big = big_program()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
            page.set_default_timeout(60_000)
            page.goto(f"{base}/#" + urllib.parse.urlencode({"e": LECTURE}, quote_via=urllib.parse.quote))
            page.wait_for_selector("#graph[data-ready]")
            run_program(page, big)  # warm-up: the browser's caches and JIT, the server's first answer
            nodes = page.locator("[data-node-id]").count()

            small, large = [], []
            for _ in range(args.runs):
                small.append(run_program(page, LECTURE))
                large.append(run_program(page, big))
            small_m, large_m = medians(small), medians(large)

            page.click('[data-testid="to-start"]')
            forward_script = page.evaluate(STEP_SCRIPT, ['[data-testid="step-forward"]', args.steps])
            forward_painted = page.evaluate(STEP_PAINTED, ['[data-testid="step-forward"]', args.steps])
            page.click('[data-testid="to-end"]')
            backward_script = page.evaluate(STEP_SCRIPT, ['[data-testid="step-back"]', args.steps])
            backward_painted = page.evaluate(STEP_PAINTED, ['[data-testid="step-back"]', args.steps])
            total = page.text_content('[data-testid="step-counter"]').split("/")[1].strip()
            version = browser.version
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    load_after = os.getloadavg()

    print(f"page in Chromium {version} (headless, 1440×900), {args.runs} runs each, {os.cpu_count()} cores")
    print(f"load average (1, 5, 15 min): before {' '.join(f'{x:.2f}' for x in load_before)}, "
          f"after {' '.join(f'{x:.2f}' for x in load_after)}")  # fmt: skip
    print("Run → painted, median ms since the click (answer back, layout done, DOM built, painted):")
    print(f"  lecture ({len(LECTURE.splitlines())} lines, 7 nodes)      {stages_line(small_m)}")
    print(f"  tanh chain ({nodes:,} nodes)        {stages_line(large_m)}   (target: painted < 1,500 ms)")
    print(f"  ratio {nodes:,} nodes / lecture, painted: {large_m['painted'] / small_m['painted']:.1f}×; "
          f"worst {nodes:,}-node run {max(s['painted'] for s in large):.0f} ms")  # fmt: skip
    print(f"One step on the {nodes:,}-node graph ({total} steps), median of {args.steps}:")
    print(f"  forward, from the start:  script {statistics.median(forward_script):6.2f} ms, "
          f"painted {statistics.median(forward_painted):6.1f} ms")  # fmt: skip
    print(f"  backward, from the end:   script {statistics.median(backward_script):6.2f} ms, "
          f"painted {statistics.median(backward_painted):6.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
