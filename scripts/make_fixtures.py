"""Write the JS tests' fixtures (tests/js/fixtures/*.json): real answers of the API (graphs, ops, training).

The page's pure modules (timeline, layout, chain rule, ...) are tested in Node against answers the
API really gives, so these files are made by the app itself, called in-process (``app.main:app``
through a TestClient, no server), with the body the page sends. ``make fixtures`` runs this;
tests/app/test_fixtures.py regenerates them in memory and fails while a file on disk is stale.

Run: .venv/bin/python scripts/make_fixtures.py
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `app` from this checkout, however the script is started
FIXTURE_DIR = ROOT / "tests" / "js" / "fixtures"

# The page sends this with every request: free variables without a value take it.
DEFAULT_VALUE = 1.0


def fixture_requests() -> dict[str, dict]:
    """name → the request the page would send for that fixture's program."""
    from app.examples import EXAMPLES

    # The examples menu's programs (micrograd's lecture graph, ...): the one place they are written.
    by_id = {example["id"]: example["expression"] for example in EXAMPLES}
    programs = {
        "lecture": {"expression": by_id["lecture"]},
        "power": {"expression": by_id["square"]},  # (x*y)^2: an unnamed product and a constant
        "neuron": {"expression": by_id["neuron"]},  # unnamed sums inside a named one
        "reuse_twice": {"expression": "a = 3; b = a + a; c = b*b"},  # reused on two levels
        "unnamed_output": {"expression": "x = 1.5\nx*x"},
        "typo": {"expression": "a = 1\nb = 2\ne = a*bb\nq = 3\nL = e*q"},  # warnings
        "affine": {"expression": "y = 2*x + 1"},  # x is free: it takes the default
        "square": {"expression": "x = 1.5\ny = x*x"},  # one input used twice
        "reuse": {"expression": "a = 3\nb = a + a"},
        "constant_only": {"expression": "L = 3"},  # no operation at all
        # For the columns decoder: the output an earlier node (and a warning), a constant input whose
        # local derivative is undefined (null), the numeric check, comparisons and a typo warning.
        "earlier_output": {"expression": "a = 2\nb = a*3\na"},
        "undefined_local": {"expression": "y = sqrt(0) + x"},
        "checked": {"expression": "w = -3\nn = tanh(x*w + b)\nL = (n > 0) + n*n - n/wx", "check": True},
        # Notation: rules by cases (max's and relu's branches), unnamed sums too long to be names (t₁).
        "cases": {"expression": "y = 1\ns = 0.7\nL = max(0, 1 - y*s) + relu(s - 2)"},
        "long_names": {"expression": "h1 = 2\nh2 = -1\nloss = (l3_b0 + h1*l3_w1_0 + h2*l3_w1_1)^2"},
        # A neuron written as one statement: its products and sums fold into one box (collapse.js).
        "neuron_statement": {
            "expression": "x1 = 2\nx2 = 0\nw1 = -3\nw2 = 1\nb = 0.5\nn = x1*w1 + x2*w2 + b\no = tanh(n)"
        },
    }
    return {name: {**body, "default_value": DEFAULT_VALUE} for name, body in programs.items()}


def training_requests() -> dict[str, dict]:
    """name → a POST /api/train/gradients body: minitorch's defaults, and micrograd's (which adds L2)."""
    return {
        "train_gradients": {"preset": "minitorch", "dataset": "simple", "names": ["l1_w0_0", "l3_b0"]},
        "train_gradients_micrograd": {
            "preset": "micrograd", "dataset": "moons", "points": 12, "hidden": 3,
            "names": ["l1_w0_0", "l3_b0"],
        },
    }  # fmt: skip


#: Each fixture also has its columns answer ("format": "columns"), `<name>.columns.json`.
COLUMNS_SUFFIX = ".columns"


def fixture_texts() -> dict[str, str]:
    """name → the fixture file's text, from the app's answers now (both forms of every answer)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from fastapi.testclient import TestClient

    from app.main import app

    texts = {}
    with TestClient(app) as client:
        for name, request in fixture_requests().items():
            for form, suffix in (("object", ""), ("columns", COLUMNS_SUFFIX)):
                response = client.post("/api/graph", json={**request, "format": form})
                if response.status_code != 200:
                    raise SystemExit(f"{name}: the API answered {response.status_code}: {response.text}")
                texts[name + suffix] = json.dumps(response.json(), indent=1, ensure_ascii=False) + "\n"
        # Each fixture's program text: the page labels unnamed nodes from it.
        programs = {name: request["expression"] for name, request in fixture_requests().items()}
        texts["programs"] = json.dumps(programs, indent=1, ensure_ascii=False) + "\n"
        # The operations table the page indexes (ops.js): formulas and derivative rules as display text.
        texts["ops"] = json.dumps(client.get("/api/ops").json(), indent=1, ensure_ascii=False) + "\n"
        # The Train view's: the catalogue of datasets and presets, and batch gradients taken apart.
        texts["train_datasets"] = json.dumps(client.get("/api/datasets").json(), indent=1) + "\n"
        for name, body in training_requests().items():
            response = client.post("/api/train/gradients", json=body)
            if response.status_code != 200:
                raise SystemExit(f"{name}: the API answered {response.status_code}: {response.text}")
            texts[name] = json.dumps(response.json(), indent=1) + "\n"
    return texts


def stale_fixtures(directory: Path = FIXTURE_DIR) -> list[str]:
    """The fixture files that differ from the API's answers now, are missing, or are left over."""
    fresh = fixture_texts()
    on_disk = {path.stem: path.read_text(encoding="utf-8") for path in directory.glob("*.json")}
    return sorted(name for name in fresh.keys() | on_disk.keys() if fresh.get(name) != on_disk.get(name))


def main() -> None:
    FIXTURE_DIR.mkdir(parents=True, exist_ok=True)
    texts = fixture_texts()
    for name, text in texts.items():
        (FIXTURE_DIR / f"{name}.json").write_text(text, encoding="utf-8")
    stale = sorted(p.name for p in FIXTURE_DIR.glob("*.json") if p.stem not in texts)
    for name in stale:
        (FIXTURE_DIR / name).unlink()
    print(
        f"wrote {len(texts)} fixtures to {FIXTURE_DIR.relative_to(ROOT)}"
        + (f", removed {stale}" if stale else "")
    )


if __name__ == "__main__":
    main()
