"""The page's speed in a real browser (Debian's Chromium, headless, through Playwright), 1366×768.

1. Run → painted for a ~1,000-node program (984 nodes: an MLP's squared error, one statement a
   neuron, tests/e2e/programs.py) with a fresh layout every run (each run renames the weights: the same
   shape, another structure, so the layout cache cannot help); the same for the 1,002-node tanh chain
   (a 250-line recurrence, long and thin); as their peer in the same run the 7-node lecture graph.
   The stages are the page's own (``window.__bpx_timings``): answer back, the worker's quick layout
   there (only for graphs dagre lays out, up to 300 nodes: these get layout.js's layered layout as
   their final one, and no quick one), the part in view painted, the final layout there, every
   element drawn with it and painted ("painted"). Target: painted ≤ 400 ms on a quiet machine.
2. The longest main-thread freeze during each of those runs, two ways: the longest task Chromium
   reports (PerformanceObserver, 'longtask': tasks over 50 ms) and the longest gap between animation
   frames; and for one more run under Chromium's tracing, the longest main-thread task with the CPU
   time the thread spent in it (on a busy machine the system preempts the page mid-task: wall time
   then grows with the load, CPU time does not). Target: never over 100 ms.
3. A value change on the 984-node graph → repainted: from the input event to the repainted graph
   (this includes the page's deliberate wait for a dragged slider to pause, RECOMPUTE_DELAY_MS), and
   from the recompute's start (after that wait) to the repainted graph. Target: ≤ 100 ms (the latter).
   Its stages, from the recompute's start: the answer back and decoded, the drawing on show taking
   the new numbers (names, timeline; no layout), the step drawn, painted. Also counted: layouts
   computed meanwhile (should be none: the layout is kept per structure). Then the same with the
   whole graph in view (Fit), where every node is drawn and so redrawn.
4. One step on the 984-node graph: the script a step costs (performance.now() around the click's
   handlers: timeline state, drawing update, chain-rule text, panels; target ≤ 16 ms) and the time
   until it is painted (two animation frames later: never under ~33 ms at 60 Hz), for forward steps
   from the start and backward steps from the end.

Run: .venv/bin/python bench/page.py [--runs 7] [--steps 40] [--only run|change|step] [--app-dir DIR]
``--app-dir`` serves another checkout (an older commit: before/after in the same conditions).
Loopback only; the server (bench/server.py) and the browser are started and stopped by this script.
The machine's load average is printed with the figures: they mean little on a busy machine. Figures
a page version does not publish (an older page) print as "-".
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import urllib.parse
from pathlib import Path

from server import free_port, start_server  # bench/server.py

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.programs import mlp_program, tanh_chain
from tests.e2e.test_page import LECTURE

STAGES = ("answered", "quickLaidOut", "viewPainted", "laidOut", "painted")
VIEWPORT = {"width": 1366, "height": 768}

# Watches the main thread for the whole session: every long task and every gap between two animation
# frames, with the time it began.
WATCH = """() => {
  const watch = {longTasks: [], gaps: []};
  window.__bench = watch;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) watch.longTasks.push([entry.startTime, entry.duration]);
    }).observe({type: 'longtask'});
  } catch (error) {}
  let last = performance.now();
  const frame = (now) => {
    watch.gaps.push([last, now - last]);
    last = now;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}"""
# Start a run from inside the page, wait there (polling from here would take the page's time) for
# the new graph to be painted, and say when it started: the window in which freezes are looked for.
RUN_AND_WAIT = """() => new Promise((resolve) => {
  const graph = document.querySelector('#graph');
  const before = graph.dataset.ready;
  const at = performance.now();
  const observer = new MutationObserver(() => {
    if (graph.dataset.ready === before) return;
    observer.disconnect();
    resolve(at);
  });
  observer.observe(graph, {attributes: true, attributeFilter: ['data-ready']});
  document.querySelector('[data-testid=run]').click();
})"""
FREEZES = """([from, to]) => {
  const within = ([start, length]) => start + length >= from && start <= to;
  const longest = (items) => Math.max(0, ...items.filter(within).map(([, length]) => length));
  return {longTask: longest(window.__bench.longTasks), frameGap: longest(window.__bench.gaps)};
}"""
# The same for a typed value (the variables panel's input event): when it was typed, when painted.
CHANGE_VALUE = """([name, value]) => new Promise((resolve) => {
  const graph = document.querySelector('#graph');
  const before = graph.dataset.ready;
  const input = document.querySelector(`[data-variable="${name}"]`);
  const at = performance.now();
  const observer = new MutationObserver(() => {
    if (graph.dataset.ready === before) return;
    observer.disconnect();
    resolve([at, performance.now()]);
  });
  observer.observe(graph, {attributes: true, attributeFilter: ['data-ready']});
  input.value = String(value);
  input.dispatchEvent(new Event('input', {bubbles: true}));
})"""
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


def run_program(page, expression: str) -> dict[str, float]:
    """Type a program, click Run (from inside the page), wait for its painted graph; the page's own
    timings, and the longest freezes between the click and the paint."""
    page.fill('[data-testid="expression"]', expression)
    return click_run(page)


def click_run(page) -> dict[str, float]:
    """Click Run on the program in the editor (from inside the page) and wait there for the graph."""
    clicked = page.evaluate(RUN_AND_WAIT)
    if page.locator('[data-testid="error"]').is_visible():
        raise SystemExit(f"the page showed an error: {page.text_content('[data-testid=error]')}")
    figures = dict(page.evaluate("window.__bpx_timings"))
    figures.update(page.evaluate(FREEZES, [clicked, clicked + figures["painted"]]))
    return figures


def main_thread_tasks(trace) -> list[dict]:
    """The tasks a Chromium trace (browser.stop_tracing()) shows on the page's main thread."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    main = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"
    }
    return [
        e
        for e in events
        if e.get("name") == "RunTask" and e.get("ph") == "X" and (e["pid"], e["tid"]) in main
    ]


def traced_run(browser, page, expression: str) -> dict[str, float]:
    """One more Run → painted under Chromium's tracing: the page's main-thread tasks in that window,
    with their wall time and the CPU time the thread really spent in them. On a busy machine the
    operating system preempts the page: wall time then says more about the machine than the page."""
    page.fill('[data-testid="expression"]', expression)
    page.wait_for_timeout(500)  # the editor has taken the text in: only the run is traced
    categories = ["devtools.timeline", "disabled-by-default-devtools.timeline"]
    browser.start_tracing(page=page, categories=categories)
    click_run(page)
    trace = json.loads(browser.stop_tracing())
    tasks = main_thread_tasks(trace)
    longest = max(tasks, key=lambda e: e.get("dur", 0))
    busiest = max(tasks, key=lambda e: e.get("tdur", 0))
    return {
        "tasks": len(tasks),
        "longestWall": longest.get("dur", 0) / 1000,
        "longestWallCpu": longest.get("tdur", 0) / 1000,
        "longestCpu": busiest.get("tdur", 0) / 1000,
    }


def change_values(page, runs: int, first: float) -> list[dict]:
    """Type ``runs`` values into x1's input, one at a time: for each, the page's timings of the
    recompute, the time from the input event to the repainted graph, and the longest freezes."""
    changes = []
    for run in range(runs):
        changed_at, painted_at = page.evaluate(CHANGE_VALUE, ["x1", round(first + 0.05 * run, 2)])
        timings = page.evaluate("window.__bpx_timings")
        freezes = page.evaluate(FREEZES, [changed_at, painted_at])
        timings["recompute"] = timings["painted"]
        changes.append({**timings, **freezes, "input": painted_at - changed_at})
    return changes


def median(samples: list[dict], key: str) -> float | None:
    values = [s[key] for s in samples if s.get(key) is not None]
    return statistics.median(values) if values else None


def ms(value: float | None, width: int = 6) -> str:
    return f"{value:{width}.0f}" if value is not None else f"{'-':>{width}}"


def stages_line(samples: list[dict]) -> str:
    return "  ".join(f"{stage} {ms(median(samples, stage))}" for stage in STAGES)


def layout_stats(page) -> dict | None:
    return page.evaluate("window.__bpx_layoutStats ? {...window.__bpx_layoutStats} : null")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--only", choices=("run", "change", "step"), help="one part only: 1–2, 3 or 4")
    parser.add_argument("--app-dir", type=Path, default=None, help="serve the page from this checkout")
    args = parser.parse_args()
    want = {args.only} if args.only else {"run", "change", "step"}
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    load_before = os.getloadavg()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port, cwd=args.app_dir)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.set_default_timeout(60_000)
            page.goto(f"{base}/#" + urllib.parse.urlencode({"e": LECTURE}, quote_via=urllib.parse.quote))
            page.wait_for_selector("#graph[data-ready]")
            page.evaluate(WATCH)
            run_program(page, mlp_program(weight_name="warm"))  # warm-up: caches, JIT, the worker
            nodes = page.locator("[data-node-id]").count()

            small, large, chain = [], [], []
            if "run" in want:
                run_program(page, tanh_chain(weight_name="warm"))
                for run in range(args.runs):
                    small.append(run_program(page, LECTURE))
                    chain.append(run_program(page, tanh_chain(weight_name=f"w{run}")))
                    large.append(run_program(page, mlp_program(weight_name=f"w{run}")))
                traced = traced_run(browser, page, mlp_program(weight_name="traced"))
            else:
                run_program(page, mlp_program(weight_name="traced"))

            # Value changes on the big graph: no new layout, only new numbers.
            page.click('[data-testid="to-end"]')
            stats_before = layout_stats(page)
            changes, fitted = [], []
            if "change" in want:
                changes = change_values(page, args.runs, first=0.1)
                # The same with the whole graph in view (Fit): every node drawn, so every node redrawn.
                page.click('[data-testid="zoom-fit"]')
                page.wait_for_timeout(1000)
                fitted = change_values(page, args.runs, first=0.6)
            stats_after = layout_stats(page)

            if "step" in want:
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

    print(f"page in Chromium {version} (headless, 1366×768), {args.runs} runs each, {os.cpu_count()} cores")
    print(f"load average (1, 5, 15 min): before {' '.join(f'{x:.2f}' for x in load_before)}, "
          f"after {' '.join(f'{x:.2f}' for x in load_after)}")  # fmt: skip
    big = f"{nodes:,}-node"
    if "run" in want:
        print_runs(big, small, large, chain, traced)
    if "change" in want:
        print_changes(big, args.runs, changes, fitted, stats_before, stats_after)
    if "step" in want:
        print(f"4. One step on the {big} graph ({total} steps), median of {args.steps} "
              "(target: script ≤ 16 ms):")  # fmt: skip
        for name, script, painted in (
            ("forward, from the start:", forward_script, forward_painted),
            ("backward, from the end: ", backward_script, backward_painted),
        ):
            print(f"   {name} script {statistics.median(script):6.2f} ms (worst {max(script):5.1f}), "
                  f"painted {statistics.median(painted):6.1f} ms")  # fmt: skip


def print_runs(big: str, small: list[dict], large: list[dict], chain: list[dict], traced: dict) -> None:
    print("1. Run → painted, median ms since the click")
    print("   (answer back, a quick layout there (only while dagre lays out: up to 300 nodes), first view")
    print("   painted, the final layout there, painted with it):")
    print(f"   lecture (7 nodes)               {stages_line(small)}")
    print(f"   MLP ({big}, fresh layout)  {stages_line(large)}   (target: painted ≤ 400 ms quiet)")
    print(f"   tanh chain (1,002 nodes, fresh) {stages_line(chain)}")
    ratio = median(large, "painted") / median(small, "painted")
    worst = max(s["painted"] for s in large)
    print(f"   ratio {big} / lecture, painted: {ratio:.1f}×; worst {big} run {worst:.0f} ms")
    print(f"2. Longest main-thread freeze during a {big} Run → painted (target: never > 100 ms):")
    tasks, gaps = [s["longTask"] for s in large], [s["frameGap"] for s in large]
    print(f"   long task: median {ms(statistics.median(tasks))} ms, worst {ms(max(tasks))} ms")
    print(f"   gap between frames: median {ms(statistics.median(gaps))} ms, worst {ms(max(gaps))} ms")
    wall, wall_cpu, cpu = traced["longestWall"], traced["longestWallCpu"], traced["longestCpu"]
    print(f"   traced run ({traced['tasks']} main-thread tasks): longest {wall:.0f} ms wall "
          f"({wall_cpu:.0f} ms of it on the CPU); most CPU in one task {cpu:.0f} ms")  # fmt: skip


def print_changes(big: str, runs: int, changes: list[dict], fitted: list[dict], before, after) -> None:
    if before and after:
        layouts = f"{sum(after[k] - before[k] for k in ('inline', 'worker'))} layouts computed"
    else:
        layouts = "layouts computed: not published by this page"
    print(f"3. A value change on the {big} graph → repainted, median of {runs} ({layouts}):")
    print(f"   recompute → repainted {ms(median(changes, 'recompute'))} ms (target ≤ 100 ms); "
          f"worst {ms(max(c['recompute'] for c in changes), 0)} ms")  # fmt: skip
    stages = ("answered", "laidOut", "viewDrawn", "painted")
    print("   stages since the recompute's start "
          "(answer decoded, numbers on the drawing, step drawn, painted):")  # fmt: skip
    print("   " + "  ".join(f"{stage} {ms(median(changes, stage))}" for stage in stages))
    print(f"   input → repainted     {ms(median(changes, 'input'))} ms (with the pause for a slider)")
    print(f"   longest freeze: {ms(max(c['longTask'] for c in changes))} ms task, "
          f"{ms(max(c['frameGap'] for c in changes))} ms between frames")  # fmt: skip
    print(f"   with the whole graph in view (Fit: every node drawn): recompute → repainted "
          f"{ms(median(fitted, 'recompute'))} ms, worst {ms(max(c['recompute'] for c in fitted), 0)} ms; "
          f"longest freeze {ms(max(c['longTask'] for c in fitted), 0)} ms task, "
          f"{ms(max(c['frameGap'] for c in fitted), 0)} ms between frames")  # fmt: skip


if __name__ == "__main__":
    main()
