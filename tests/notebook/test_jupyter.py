"""The widget where notebooks run: a cell run in JupyterLab 4 and in Notebook 7 (one real Jupyter
server, both front ends), in Chromium. The graph is drawn, stepped to the end through the page's own
data-testid hooks, a slider recomputes in the kernel, and a student's wrong gradients are marked."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import SCREENSHOTS
from tests.notebook.conftest import drawn_widget, notebook_json, run_cell, widget_errors

pytestmark = pytest.mark.e2e

LECTURE = "a = 2\\nb = -3\\nc = 10\\ne = a*b\\nd = e + c\\nf = -2\\nL = d*f"
CELLS = [
    f'from app.notebook import explore\nw = explore("{LECTURE}")\nw',
    "print(w.step, w.answer['value'], w.values)",
]
MICROGRAD_CELLS = [
    "from micrograd.engine import Value\nfrom app.notebook import explore\n"
    "a = Value(2.0); b = Value(-3.0); c = Value(10.0); f = Value(-2.0)\n"
    "L = (a*b + c) * f\n"
    "L.backward(); L.backward()  # twice: micrograd 0.1.0 adds the second pass to the first\n"
    "w = explore(L)\nw",
]
FRONT_ENDS = {"jupyterlab4": "lab/tree/{name}", "notebook7": "notebooks/{name}"}
SIZES = {"1366x768": {"width": 1366, "height": 768}, "400x800": {"width": 400, "height": 800}}


def output_text(page, index: int) -> str:
    return page.locator(".jp-Notebook .jp-CodeCell").nth(index).locator(".jp-OutputArea-output").inner_text()


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("front_end", list(FRONT_ENDS))
def test_a_cell_draws_the_explorer_and_steps_to_the_end(jupyter, browser, front_end, size):
    url, folder = jupyter
    name = f"lecture-{front_end}-{size}.ipynb"
    (folder / name).write_text(notebook_json(CELLS))
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(f"{exc}\n{exc.stack}"))
    try:
        widget, started = drawn_widget(page, url, FRONT_ENDS[front_end].format(name=name))
        drawn_ms = (time.monotonic() - started) * 1000
        print(f"{front_end} {size}: cell run to graph drawn in {drawn_ms:.0f} ms")
        assert widget.locator("[data-node-id]").count() == 7  # a b c f, and e d L with their operations
        assert widget.get_by_test_id("step-counter").inner_text() == "7 / 10"  # the forward pass done
        widget.get_by_test_id("graph").scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"notebook-{front_end}-{size}-drawn.png")

        widget.get_by_test_id("to-end").click()
        assert widget.get_by_test_id("phase").inner_text() == "Backward pass: done"
        assert widget.get_by_test_id("step-counter").inner_text() == "10 / 10"
        chain = widget.get_by_test_id("chain-rule").inner_text()
        assert "∂L/∂a += ∂L/∂e · ∂(a·b)/∂a = (-2)·(-3) = 6" in chain, chain
        gradient = widget.get_by_test_id("variables").locator(".variable").first.inner_text()
        assert "= 6" in gradient, gradient
        widget.get_by_test_id("chain-rule").scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / f"notebook-{front_end}-{size}-end.png")
        # The widget's whole width is inside the cell's output: nothing cut off at the side.
        box, output = widget.bounding_box(), page.locator(".jp-OutputArea-output").first.bounding_box()
        assert box["x"] >= output["x"] - 1 and box["x"] + box["width"] <= output["x"] + output["width"] + 1

        # The step went back to the kernel.
        run_cell(page, 1)
        page.locator(".jp-Notebook .jp-CodeCell").nth(1).locator(".jp-OutputArea-output").wait_for()
        assert output_text(page, 1).strip() == "10 -8.0 {}"
        thrown = list(errors)  # before the page closes: closing it cancels the kernel's pending requests
    finally:
        context.close()
    assert widget_errors(thrown) == []


def test_a_slider_recomputes_in_the_kernel(jupyter, notebook_page):
    url, folder = jupyter
    (folder / "slider.ipynb").write_text(notebook_json([*CELLS, "print(w.answer['gradients'])"]))
    page = notebook_page
    widget, _ = drawn_widget(page, url, "lab/tree/slider.ipynb")
    widget.get_by_test_id("to-end").click()
    number = widget.get_by_test_id("variables").locator(".variable").first.locator("input[type=number]")
    number.fill("5")
    number.press("Enter")
    # The kernel answers with the engine's numbers for a = 5: L = (5·(-3) + 10)·(-2) = 10, ∂L/∂b = -10.
    widget.locator("[data-node-id=n6] .value-text", has_text="10").wait_for()
    assert widget.get_by_test_id("step-counter").inner_text() == "10 / 10"  # a new value keeps the step
    run_cell(page, 2)
    page.locator(".jp-Notebook .jp-CodeCell").nth(2).locator(".jp-OutputArea-output").wait_for()
    assert output_text(page, 2).strip() == "{'a': 6.0, 'b': -10.0, 'c': -2.0, 'f': -5.0}"
    assert widget_errors(page.errors) == []


def test_a_students_wrong_gradients_are_marked(jupyter, notebook_page):
    url, folder = jupyter
    (folder / "student.ipynb").write_text(notebook_json([*MICROGRAD_CELLS, "print(len(w.mismatches))"]))
    page = notebook_page
    widget, _ = drawn_widget(page, url, "lab/tree/student.ipynb")
    # The second backward() adds to every gradient but the output's (compounding): six nodes marked.
    assert widget.locator("[data-node-id][data-mismatch=true]").count() == 6
    listed = widget.get_by_test_id("mismatches").inner_text()
    assert "a yours 24 · engine 6" in listed.replace("\n", " "), listed
    widget.get_by_test_id("mismatches").scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "notebook-mismatches.png")
    run_cell(page, 1)
    page.locator(".jp-Notebook .jp-CodeCell").nth(1).locator(".jp-OutputArea-output").wait_for()
    assert output_text(page, 1).strip() == "6"
    assert widget_errors(page.errors) == []
