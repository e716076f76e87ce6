"""docs/notebooks/micrograd-lecture.ipynb runs headless from top to bottom (nbclient), and what it
prints is what the lecture teaches: our backward pass agrees with the engine, the `=` bug does not."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (the notebook-test extra)")
nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (the notebook-test extra)")
pytest.importorskip("micrograd", reason="micrograd is not installed (the notebook-test extra)")

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "notebooks" / "micrograd-lecture.ipynb"
WIDGET = "application/vnd.jupyter.widget-view+json"


def printed(cell) -> str:
    return "".join(output.get("text", "") for output in cell.outputs if output.output_type == "stream")


def test_the_lecture_notebook_runs_and_teaches(tmp_path):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    ).execute()
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    errors = [output for cell in code for output in cell.outputs if output.output_type == "error"]
    assert errors == []
    widgets = [cell for cell in code if any(WIDGET in output.get("data", {}) for output in cell.outputs)]
    assert len(widgets) == 5  # every explorer a cell ends with is shown
    text = {i: printed(cell) for i, cell in enumerate(code)}
    joined = "\n".join(text.values())
    assert "ours: {'a': 6.0, 'b': -4.0, 'c': -2.0, 'f': 4.0}" in joined
    assert joined.count("mismatches: []") == 3  # the expression, the neuron and micrograd's own Value
    assert "ours: 1.0 engine's: 2.0" in joined
    assert "mismatches: [{'node': 'n0', 'own': 1.0, 'engine': 2.0}]" in joined
    assert "'w1': 1.0" in joined and "'x1': -1.5" in joined  # the lecture's neuron (to 12 places)
    assert "4.0 {'a': 6.0, 'b': -8.0, 'c': -2.0, 'f': -2.0}" in joined  # a = 4, from Python
