"""The layout library question, measured: our layered layout, dagre and elkjs on the same graphs.

Writes the graphs (the API's answers: nodes with id, kind, label, inputs) to a temporary JSON file and
runs bench/layout_libraries.mjs in Node on them, which times each library in interleaved rounds and
measures the drawing (width × height) and its edge crossings with one counting function. Graphs: the
984-node MLP the page benchmark draws (tests/e2e/programs.py), a ~300-node MLP and a ~300-node chain.

Run: .venv/bin/python bench/layout_libraries.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.language import evaluate  # noqa: E402
from tests.e2e.programs import mlp_program, tanh_chain  # noqa: E402

GRAPHS = {
    "MLP 2-16-16-1 (the page benchmark's)": mlp_program(),
    "MLP 2-8-8-1": mlp_program(2, (8, 8)),
    "tanh chain, 75 lines": tanh_chain(75),
}


def layout_input(source: str) -> dict:
    graph = evaluate(source)
    nodes = [{"id": n.id, "kind": n.kind, "label": n.label, "inputs": list(n.inputs)} for n in graph.nodes]
    return {"nodes": nodes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    graphs = [{"name": name, "graph": layout_input(source)} for name, source in GRAPHS.items()]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(graphs, handle)
    try:
        out = subprocess.run(
            ["node", str(ROOT / "bench/layout_libraries.mjs"), handle.name, "--rounds", str(args.rounds)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
    finally:
        os.unlink(handle.name)
    rows = json.loads(out)
    print(f"load average {os.getloadavg()[0]:.1f}; {args.rounds} interleaved rounds; times in ms")
    columns = ("median", "min", "max")
    print(f"{'graph':<38} {'nodes':>5} {'library':<17} " + " ".join(f"{c:>8}" for c in columns), end=" ")
    print(f"{'width':>7} {'height':>7} {'Mpx²':>7} {'crossings':>9}")
    for r in rows:
        print(
            f"{r['graph']:<38} {r['nodes']:>5} {r['library']:<17} {r['median_ms']:>8.1f} {r['min_ms']:>8.1f} "
            f"{r['max_ms']:>8.1f} {r['width']:>7} {r['height']:>7} {r['area_mpx']:>7.2f} {r['crossings']:>9}"
        )
    by = {(r["graph"], r["library"]): r for r in rows}
    for name in GRAPHS:
        own, elk = by[(name, "own, satellites")], by[(name, "elkjs")]
        print(
            f"{name}: elkjs / own (as the page draws it) time "
            f"{elk['median_ms'] / own['median_ms']:.1f}×, area {elk['area_mpx'] / own['area_mpx']:.2f}×, "
            f"crossings {elk['crossings']} vs {own['crossings']}"
        )


if __name__ == "__main__":
    main()
