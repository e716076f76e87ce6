"""Notation that reads like the blackboard, and a backward failure shown at its step, in Chromium at
1366×768 and at 400×800: short names (t₁) instead of cut text, rules by cases with the case taken and
why, no number said twice, lines that wrap inside the panel, an inspector with names, never ids."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.e2e.test_page import LECTURE, counter, open_page
from tests.e2e.test_teaching import post_error

pytestmark = pytest.mark.e2e

LONG_NAMES = "h1 = 2\nh2 = -1\nloss = (l3_b0 + h1*l3_w1_0 + h2*l3_w1_1)^2"
CASES = "y = 1\ns = 0.7\nL = max(0, 1 - y*s) + relu(s - 2)"
BACKWARD_FAILURE = "x = 2; y = sqrt(x - 2); L = y*x"
REPEATED_NUMBER = re.compile(r"= (\(?-?[\d.]+(?:e-?\d+)?\)?) = \1(?![\d.])")


def screenshot(page, artifacts, name: str) -> None:
    page.wait_for_timeout(350)  # transitions settle
    page.screenshot(path=str(artifacts / "screenshots" / f"notation-{name}-{page.size}.png"))


def chain_lines(page) -> list[str]:
    return page.eval_on_selector_all('[data-testid="chain-rule"] > div', "els => els.map(e => e.textContent)")


def every_step(page) -> list[list[str]]:
    """The chain-rule lines of every step, from the first to the last."""
    page.click('[data-testid="to-start"]')
    total = int(counter(page).split(" / ")[1])
    steps = []
    for _ in range(total):
        page.click('[data-testid="step-forward"]')
        steps.append(chain_lines(page))
    return steps


def test_unnamed_nodes_too_long_to_be_names_get_short_names(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, LONG_NAMES)
    labels = page.eval_on_selector_all(".label-text", "els => els.map(e => e.textContent)")
    assert "t₁" in labels
    assert "l3_b0 + h1·l3_w1_0" in labels  # short enough: its own text
    steps = every_step(page)
    everything = [line for lines in steps for line in lines]
    assert not any("…" in text for text in labels + everything)
    assert "Forward: t₁ = l3_b0 + h1·l3_w1_0 + h2·l3_w1_1" in everything
    titles = [lines[0] for lines in steps]
    at = titles.index("Backward through t₁ = l3_b0 + h1·l3_w1_0 + h2·l3_w1_1, ∂loss/∂t₁ = 4") + 1
    assert "∂t₁/∂(h2·l3_w1_1) = 1" in steps[at - 1]
    # The step's lines wrap inside the panel: none is cut, none sticks out.
    page.click('[data-testid="to-start"]')
    for _ in range(at):
        page.click('[data-testid="step-forward"]')
    panel = page.locator('[data-testid="chain-rule"]').bounding_box()
    for line in page.locator('[data-testid="chain-rule"] > div').all():
        box = line.bounding_box()
        assert box["x"] + box["width"] <= panel["x"] + panel["width"] + 0.5, line.text_content()
        assert line.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), line.text_content()
    numbers = page.locator('[data-testid="chain-rule"] .numbers').first.bounding_box()
    assert numbers["x"] + numbers["width"] <= panel["x"] + panel["width"] + 0.5
    screenshot(page, artifacts, "short-names")


def test_a_rule_by_cases_says_the_case_taken_and_why(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, CASES)
    steps = every_step(page)
    everything = [line for lines in steps for line in lines]
    assert "∂max(0, 1 - y·s)/∂(1 - y·s) = 1, since 1 - y·s = 0.3 > 0" in everything
    assert "∂max(0, s - 2)/∂(s - 2) = 0, since s - 2 = -1.3 ≤ 0" in everything
    assert not any(re.search(r"\bif\b|\belse\b", line) for line in everything), everything
    # Never the same number twice in a row, at any step.
    assert not [line for line in everything if REPEATED_NUMBER.search(line)]
    step = next(i for i, lines in enumerate(steps, start=1) if any("since 1 - y·s" in line for line in lines))
    page.click('[data-testid="to-start"]')
    for _ in range(step):
        page.click('[data-testid="step-forward"]')
    screenshot(page, artifacts, "cases")


def test_the_inspector_shows_names_and_a_value_once(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, LECTURE)
    page.click('[data-testid="to-end"]')
    page.locator('[data-node-id][data-label="e"]').click()
    terms = page.eval_on_selector_all(
        '[data-testid="inspector"] dt',
        "els => els.map(e => [e.textContent, e.nextElementSibling.textContent])",
    )
    rows = dict(terms)
    assert "id" not in rows
    assert rows["value"] == "-6"
    assert rows["computes"] == "e = a·b"
    assert "source" not in rows  # `a*b` says nothing `e = a·b` does not
    text = page.text_content('[data-testid="inspector"]')
    assert not re.search(r"\bn\d+\b", text)
    # A value whose short form rounds it shows its digits once, beside it.
    open_page(page, base_url, "x = 0.123456789\ny = x*3")
    page.locator('[data-node-id][data-label="x"]').click()
    rows = dict(
        page.eval_on_selector_all(
            '[data-testid="inspector"] dt',
            "els => els.map(e => [e.textContent, e.nextElementSibling.textContent])",
        )
    )
    assert rows["value"].split() == ["0.1235", "(0.123456789)"]
    screenshot(page, artifacts, "inspector")


def test_a_backward_failure_opens_at_its_step_after_the_steps_that_succeeded(sized_page, base_url, artifacts):
    page = sized_page
    page.watch.http_errors_expected = True
    # The API's partial answer (DESIGN.md, "Request partial") carries the steps that succeeded.
    status, body = post_error(base_url, {"expression": BACKWARD_FAILURE, "partial": True})
    assert status == 422 and len(body["partial"]["backward"]) == 1
    open_page(page, base_url, LECTURE)
    page.fill('[data-testid="expression"]', BACKWARD_FAILURE)
    page.click('[data-testid="run"]')
    page.wait_for_selector('[data-testid="error"]:not([hidden])')
    page.wait_for_selector('[data-node-id][data-failed="true"]')
    failed = page.locator('[data-node-id][data-failed="true"]')
    assert failed.get_attribute("data-label") == "y"
    nodes = page.locator("[data-node-id]").count()
    # Every node's forward step, L's backward step, then the failing step at y: where it opens.
    assert counter(page) == f"{nodes + 2} / {nodes + 2}"
    assert page.get_attribute('[data-testid="phase"]', "data-phase") == "backward"
    assert page.text_content('[data-testid="phase"]') == "Stopped: math error"
    lines = chain_lines(page)
    assert lines[0] == "Backward through y = √(x - 2): the math fails here"
    assert "∂L/∂y = 2" in lines
    assert any(line.startswith("The math failed at y") for line in lines)
    assert failed.get_attribute("data-grad") == "2"
    screenshot(page, artifacts, "backward-failure")
    # The step that succeeded can be stepped to, and reads as in any answer.
    page.click('[data-testid="step-back"]')
    assert counter(page) == f"{nodes + 1} / {nodes + 2}"
    assert chain_lines(page)[0] == "Backward through L = y·x, ∂L/∂L = 1"
    assert "∂L/∂y += ∂L/∂L · ∂(y·x)/∂y = (1)·(2) = 2" in chain_lines(page)
    assert page.locator('[data-node-id][data-label="x"]').get_attribute("data-grad") == "0"


def test_each_backward_step_can_show_micrograds_and_minitorchs_code(
    sized_page, base_url, api_post, artifacts
):
    page = sized_page
    open_page(page, base_url, LECTURE)
    ops = {op["name"]: op for op in get_json(base_url, "/api/ops")["ops"]}
    page.click('[data-testid="to-end"]')  # e = a*b's step
    assert page.locator('[data-testid="chain-rule"] .code-row').count() == 0  # off until asked
    page.check('[data-testid="code-mode"]')
    rows = page.eval_on_selector_all(
        '[data-testid="chain-rule"] .code-row',
        "els => els.map(e => [e.dataset.library, e.querySelector('.code-text').textContent,"
        " e.querySelector('.code-filled').textContent])",
    )
    # The table's own lines (GET /api/ops), braces dropped, and filled with this step's numbers.
    assert rows == [
        ["micrograd", ops["mul"]["micrograd"][0].replace("{", "").replace("}", ""), "→ a.grad += (-3)·(-2)"],
        ["micrograd", ops["mul"]["micrograd"][1].replace("{", "").replace("}", ""), "→ b.grad += 2·(-2)"],
        ["minitorch", "return b * d_output, a * d_output", "→ return (-3)·(-2), 2·(-2)"],
    ]
    # Inside the panel, nothing cut.
    panel = page.locator('[data-testid="chain-rule"]').bounding_box()
    for row in page.locator('[data-testid="chain-rule"] .code-row').all():
        box = row.bounding_box()
        assert box["x"] + box["width"] <= panel["x"] + panel["width"] + 0.5
    screenshot(page, artifacts, "code")
    # The step before (d = e + c): add's lines; a forward step has none; off hides them.
    page.click('[data-testid="step-back"]')
    filled = page.eval_on_selector_all(
        '[data-testid="chain-rule"] .code-filled', "els => els.map(e => e.textContent)"
    )
    assert filled == ["→ e.grad += (-2)", "→ c.grad += (-2)", "→ return (-2), (-2)"]
    page.click('[data-testid="to-start"]')
    page.click('[data-testid="step-forward"]')
    assert page.locator('[data-testid="chain-rule"] .code-row').count() == 0
    page.click('[data-testid="to-end"]')
    page.uncheck('[data-testid="code-mode"]')
    assert page.locator('[data-testid="chain-rule"] .code-row').count() == 0


def get_json(base_url: str, path: str) -> dict:
    with urllib.request.urlopen(f"{base_url}{path}", timeout=10) as response:
        return json.loads(response.read())


def test_a_difference_and_a_quotient_read_as_typed(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, "x = 2\nout = x*3\nL = out - 1")
    steps = every_step(page)
    everything = [line for lines in steps for line in lines]
    # Two backward steps (L's and out's): none on the constant 1, nothing said about a "-1".
    assert counter(page) == "7 / 7"  # 5 forward (x, 3, out, 1, L) + 2 backward
    assert "∂L/∂out += ∂L/∂L · ∂(out - 1)/∂out = (1)·(1) = 1" in everything
    assert "∂(out - 1)/∂out = 1" in everything
    assert not any("∂L/∂(-1)" in line or "Backward through -1" in line for line in everything)
    assert not any(line.startswith("Backward through 1") or "∂L/∂1" in line for line in everything)
    assert page.locator('[data-node-id][data-kind="constant"]').count() == 2  # 3 and 1, as typed
    screenshot(page, artifacts, "sub")
    open_page(page, base_url, "x = 2\ny = x/4")
    page.click('[data-testid="to-end"]')
    lines = chain_lines(page)
    assert "∂y/∂x += ∂y/∂y · ∂(x / 4)/∂x = (1)·(0.25) = 0.25" in lines
    assert "∂(x / 4)/∂x = 1/4 = 0.25" in lines
    assert not any("∂y/∂(1/4)" in line for line in lines)
