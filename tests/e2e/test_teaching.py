"""The explorer as a teacher wants it, at 1366×768 and at 400×800: notation, the chain rule on the
graph, immediate feedback, nudge, predict mode, the `+=` bug, warnings and errors."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest

from tests.e2e.test_page import (
    LECTURE,
    counter,
    open_page,
    ready_sequence,
    run_program,
    shown,
    wait_for_new_graph,
)

pytestmark = pytest.mark.e2e

REUSE = "a = 3\nb = a + a"  # the lecture's `+=` story
REUSE_TWICE = "a = 3; b = a + a; c = b*b"
POWER = "x = 1.5\ny = -2\nz = (x*y)^2"
TYPO = "a = 1\nb = 2\ne = a*bb\nq = 3\nL = e*q"
LOG_OF_ZERO = "a = 0\nb = 2\nc = a*b\nd = log(c) + b\nL = d*2"


def screenshot(page, artifacts, name: str) -> None:
    """artifacts/screenshots/teach-<name>-<size>.png; the narrow page whole, the wide one as seen."""
    page.wait_for_timeout(350)  # transitions settle
    path = artifacts / "screenshots" / f"teach-{name}-{page.size}.png"
    page.screenshot(path=str(path), full_page=page.size == "400x800")


def by_label(page, label: str):
    return page.locator(f'[data-node-id][data-label="{label}"]')


def chain_text(page) -> str:
    return page.text_content('[data-testid="chain-rule"]')


def step_to(page, index: int) -> None:
    page.click('[data-testid="to-start"]')
    for _ in range(index):
        page.click('[data-testid="step-forward"]')
    assert counter(page).startswith(f"{index} / ")


def post_error(base_url: str, body: dict) -> tuple[int, dict]:
    """POST /api/graph expecting an error: its status and JSON body."""
    request = urllib.request.Request(
        f"{base_url}/api/graph",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    raise AssertionError("the API accepted what should fail")


# -- 1. notation ------------------------------------------------------------------------------------


def test_notation_separates_the_total_from_the_local_derivative(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, REUSE_TWICE)
    step_to(page, 4)  # the first backward step: c = b*b
    lines = page.eval_on_selector_all(
        '[data-testid="chain-rule"] > div', "els => els.map(e => e.textContent)"
    )
    assert lines[0] == "Backward through c = b₁·b₂, ∂c/∂c = 1"
    assert "∂c/∂b += ∂c/∂c · ∂(b₁·b₂)/∂b₁ = (1)·(6) = 6" in lines
    assert "∂(b₁·b₂)/∂b₁ = b₂ = 6" in lines
    assert "∂(b₁·b₂)/∂b₂ = b₁ = 6" in lines
    assert not any(line.startswith("∂c/∂b = b") for line in lines)
    # The running total stands apart, on its own line.
    total = page.locator('[data-testid="chain-rule"] .line-total')
    assert total.count() == 1
    assert total.text_content() == "so far: ∂c/∂b = 6 + 6 = 12  (2 of 2 contributions, complete)"
    screenshot(page, artifacts, "reuse-step-4")

    # The lecture's first backward step reads ∂(d·f)/∂d, never ∂L/∂L · ∂L/∂d.
    open_page(page, base_url, LECTURE)
    page.click('[data-testid="step-forward"]')
    chain = chain_text(page)
    assert "∂L/∂d += ∂L/∂L · ∂(d·f)/∂d = (1)·(-2) = -2" in chain
    assert "∂(d·f)/∂d = f = -2" in chain
    assert "∂L/∂L · ∂L/∂d" not in chain


def test_constants_and_unnamed_nodes_have_readable_names(sized_page, base_url, artifacts, tmp_path):
    page = sized_page
    open_page(page, base_url, POWER)
    # The graph: the product is named by its text, the constant by its value; no machine ids.
    product = page.locator('[data-node-id="n2"]')
    assert product.get_attribute("data-label") == ""  # the hook keeps the API's (empty) label
    assert product.locator(".label-text").text_content() == "x·y"
    assert page.locator('[data-node-id="n3"] .constant-text').text_content() == "2"
    texts = []
    for i in range(0, 8):
        step_to(page, i) if i == 0 else page.click('[data-testid="step-forward"]')
        texts.append(chain_text(page))
    everything = "\n".join(texts)
    assert not re.search(r"\bn\d+\b", everything), everything
    assert "z = (x·y)^2 = (-3)^2 = 9" in everything
    assert "∂((x·y)^2)/∂(x·y) = 2·(x·y)^(2-1) = -6" in everything
    # Inspector and tooltip say the same.
    page.click('[data-testid="to-end"]')
    product.click()
    inspector = page.text_content('[data-testid="inspector"]')
    assert "∂z/∂(x·y)" in inspector and "∂(x·y)/∂x = y = -2" in inspector
    assert "n3" not in inspector
    assert product.locator("title").text_content() == "x·y, operation mul, value -3, ∂z/∂(x·y) = -6"
    screenshot(page, artifacts, "power")
    if page.size == "1366x768":  # the exports once: the same drawing at any size
        with page.expect_download() as info:
            page.click('[data-testid="export-svg"]')
        svg = info.value.path().read_text()
        assert ">x·y</text>" in svg
        with page.expect_download() as info:
            page.click('[data-testid="export-dot"]')
        dot = info.value.path().read_text()
        assert 'n2 [shape=record, label="{ x·y |' in dot

    # An unnamed output is `out`.
    run_program(page, "x = 1.5\nx*x")
    page.click('[data-testid="to-end"]')
    assert page.locator('[data-node-id="n1"] .label-text').text_content() == "out"
    assert "∂out/∂x += ∂out/∂out · ∂(x₁·x₂)/∂x₂ = (1)·(1.5) = 1.5" in chain_text(page)


# -- 2. the chain rule on the graph ------------------------------------------------------------------


def test_backward_edges_carry_their_numbers_and_the_editor_follows_the_step(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, LECTURE)
    statements = LECTURE.split("\n")
    for i in range(1, 11):
        step_to(page, i) if i == 1 else page.click('[data-testid="step-forward"]')
        active = page.locator("#editor-backdrop mark.step-mark").all_text_contents()
        assert "".join(active) in statements, (i, active)
    # Step 10 processes e = a*b: its two edges say what they carry back.
    assert "".join(page.locator("#editor-backdrop mark.step-mark").all_text_contents()) == "e = a*b"
    labels = page.eval_on_selector_all(
        ".edge-label", "els => els.map(e => [e.getAttribute('data-edge'), e.textContent])"
    )
    e = by_label(page, "e").get_attribute("data-node-id")
    assert sorted(labels) == [[f"{e}:0", "×(-3) → 6"], [f"{e}:1", "×(2) → -4"]]
    page.click('[data-testid="step-back"]')  # d = e + c
    assert sorted(
        text
        for _, text in page.eval_on_selector_all(
            ".edge-label", "els => els.map(e => [e.getAttribute('data-edge'), e.textContent])"
        )
    ) == ["×(1) → -2", "×(1) → -2"]
    step_to(page, 5)  # a forward step: no labels
    assert page.locator(".edge-label").count() == 0
    page.click('[data-testid="to-end"]')
    page.click('[data-testid="step-back"]')
    page.click('[data-testid="step-back"]')
    screenshot(page, artifacts, "lecture-mid-backward")


def test_the_chain_rule_stays_beside_the_graph_without_scrolling(browser, base_url):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        open_page(page, base_url, LECTURE)
        page.click('[data-testid="to-end"]')
        page.locator('[data-node-id][data-label="e"]').click()
        assert page.evaluate("window.scrollY") == 0
        assert page.evaluate("document.documentElement.scrollHeight") <= 768
        graph = page.locator("#graph-panel").bounding_box()
        chain = page.locator('[data-testid="chain-rule"]').bounding_box()
        inspector = page.locator('[data-testid="inspector"]').bounding_box()
        player = page.locator('[data-testid="step-forward"]').bounding_box()
        for box in (graph, chain, inspector, player):
            assert box["y"] >= 0 and box["y"] + box["height"] <= 768, box
        assert chain["x"] >= graph["x"] + graph["width"]  # beside the graph, to its right
        assert "∂(a·b)/∂a = b = -3" in page.text_content('[data-testid="inspector"]')
    finally:
        context.close()


def test_a_click_on_a_node_never_scrolls_the_page(sized_page, base_url):
    page = sized_page
    open_page(page, base_url, LECTURE)
    # The graph opens legible on the step (the output and its inputs): Fit brings e into view too.
    page.click('[data-testid="zoom-fit"]')
    page.wait_for_timeout(500)
    node = page.locator('[data-node-id][data-label="e"]')
    node.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    node.click()
    page.wait_for_timeout(400)
    assert page.evaluate("window.scrollY") == before
    assert "∂(a·b)/∂a" in page.text_content('[data-testid="inspector"]')


# -- 3. immediate feedback --------------------------------------------------------------------------


def test_a_run_stands_at_the_end_of_the_forward_pass(sized_page, base_url, api_post, artifacts):
    page = sized_page
    answer = api_post("/api/graph", {"expression": LECTURE})
    open_page(page, base_url)  # the examples menu's first example: the lecture
    assert page.input_value('[data-testid="expression"]') == LECTURE
    assert counter(page) == "7 / 10"
    assert shown(page, "data-value") == {n["id"]: n["value"] for n in answer["nodes"]}
    assert shown(page, "data-grad") == {}
    assert "∂L/∂a = ? (backward pass)" in page.text_content('[data-testid="variables"]')
    screenshot(page, artifacts, "after-run")
    page.click('[data-testid="to-start"]')
    assert counter(page) == "0 / 10" and shown(page, "data-value") == {}
    # Run again: the end of the forward pass again.
    before = ready_sequence(page)
    page.click('[data-testid="run"]')
    wait_for_new_graph(page, before)
    assert counter(page) == "7 / 10"


def test_a_slider_keeps_the_step_changes_values_and_writes_the_program(sized_page, base_url):
    page = sized_page
    open_page(page, base_url, LECTURE)
    step_to(page, 9)
    e = by_label(page, "e")
    assert e.get_attribute("data-value") == "-6"
    before = ready_sequence(page)
    page.locator('[data-slider="b"]').evaluate(
        "el => { el.value = '1'; el.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    wait_for_new_graph(page, before)
    page.wait_for_selector(".node.value-changed", timeout=2000)  # the changed values flash once
    assert counter(page) == "9 / 10"
    assert e.get_attribute("data-value") == "2"
    assert page.input_value('[data-testid="expression"]') == LECTURE.replace("b = -3", "b = 1")
    assert page.locator('[data-testid="not-run"]').is_hidden()  # written and run: nothing pending
    # A free variable has no declaration to write into: its row says it is set here.
    run_program(page, "y = x*x + 1")
    before = ready_sequence(page)
    page.fill('[data-variable="x"]', "3")
    wait_for_new_graph(page, before)
    assert page.input_value('[data-testid="expression"]') == "y = x*x + 1"
    assert by_label(page, "y").get_attribute("data-value") == "10"
    row = page.locator('[data-row="x"]')
    assert row.locator(".tag").is_visible() and "free" in row.locator(".tag").text_content()


def test_edited_text_shows_it_has_not_run(sized_page, base_url):
    page = sized_page
    open_page(page, base_url, LECTURE)
    cue = page.locator('[data-testid="not-run"]')
    assert cue.is_hidden()
    page.locator('[data-testid="expression"]').press("End")
    page.locator('[data-testid="expression"]').type(" ")
    assert cue.is_visible()
    # The editor no longer matches the graph: its step marks go too.
    assert page.locator("#editor-backdrop mark.step-mark").count() == 0
    before = ready_sequence(page)
    page.click('[data-testid="run"]')
    wait_for_new_graph(page, before)
    assert cue.is_hidden()


# -- 4. nudge ---------------------------------------------------------------------------------------


def test_nudge_shows_the_outputs_change_beside_grad_times_h(sized_page, base_url, api_post, artifacts):
    page = sized_page
    open_page(page, base_url, LECTURE)
    nudged = api_post("/api/graph", {"expression": LECTURE, "values": {"a": 2.001}})["value"]
    result = page.locator('[data-testid="nudge-result"]')
    assert result.is_hidden()
    page.click('[data-nudge="a"]')
    page.wait_for_selector('[data-testid="nudge-result"][data-delta]')
    assert float(result.get_attribute("data-delta")) == nudged - (-8.0)
    assert float(result.get_attribute("data-predicted")) == 6 * 0.001
    assert result.get_attribute("data-agrees") == "true"
    text = result.text_content()
    assert "ΔL = -7.994 − (-8) = 0.006" in text and "∂L/∂a · h = 6 × 0.001 = 0.006" in text
    screenshot(page, artifacts, "nudge")
    # Another h, another variable.
    page.fill("#nudge-h", "0.5")
    page.click('[data-nudge="f"]')
    page.wait_for_selector('[data-testid="nudge-result"][data-name="f"]')
    assert float(result.get_attribute("data-predicted")) == 4 * 0.5
    assert float(result.get_attribute("data-delta")) == pytest.approx(2.0)


# -- 5. predict mode: tests/e2e/test_predict.py ------------------------------------------------


# -- 6. the += bug ----------------------------------------------------------------------------------


def test_the_plus_equals_bug_sets_instead_of_accumulating(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, REUSE)
    a = by_label(page, "a")
    page.click('[data-testid="to-end"]')
    assert a.get_attribute("data-grad") == "2"
    before = ready_sequence(page)
    page.check('[data-testid="bug-mode"]')
    wait_for_new_graph(page, before)  # the numeric check comes with it
    assert page.is_checked('[data-testid="check-toggle"]')
    assert counter(page) == "3 / 3"
    assert a.get_attribute("data-grad") == "1"  # the bug: the second contribution overwrote the first
    assert a.locator(".right-grad").text_content() == "with += : 2"
    variables = page.text_content('[data-testid="variables"]')
    assert "∂b/∂a = 1  (with +=: 2)" in variables
    assert "analytic 1 · numeric 2 ✗" in variables
    assert page.get_attribute("[data-check]", "data-check") == "bad"
    chain = chain_text(page)
    assert "∂b/∂a = ∂b/∂b · ∂(a₁ + a₂)/∂a₂ = (1)·(1) = 1" in chain
    assert "∂b/∂a = 1: set, not added (1 overwritten); with += it would be 2" in chain
    assert page.locator("#bug-note").is_visible()
    screenshot(page, artifacts, "bug")
    # Stepping: the bug's pass, step by step.
    page.click('[data-testid="step-back"]')
    assert a.get_attribute("data-grad") is None
    page.click('[data-testid="to-end"]')
    page.uncheck('[data-testid="bug-mode"]')
    assert a.get_attribute("data-grad") == "2"
    assert a.locator(".right-grad").count() == 0
    assert page.get_attribute("[data-check]", "data-check") == "ok"

    # Upstream of a reused node the error grows: c = b*b.
    page.check('[data-testid="bug-mode"]')
    run_program(page, REUSE_TWICE)
    page.click('[data-testid="to-end"]')
    assert (
        by_label(page, "a").get_attribute("data-grad"),
        by_label(page, "b").get_attribute("data-grad"),
    ) == ("6", "6")


# -- 7. warnings ------------------------------------------------------------------------------------


def test_warnings_show_by_the_editor_and_mark_their_places(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, TYPO)
    warnings = page.locator('[data-testid="warnings"]')
    assert warnings.is_visible()
    items = warnings.locator("li").all_text_contents()
    assert items == [
        "line 2, column 1: 'b' is declared but never used",
        "line 3, column 7: 'bb' is not assigned, so it is a free variable — did you mean 'b'?",
    ]
    assert page.locator("#editor-backdrop mark.warning-mark").all_text_contents() == ["b", "bb"]
    screenshot(page, artifacts, "warning")
    warnings.locator("li button").nth(1).click()
    selection = page.locator('[data-testid="expression"]').evaluate(
        "el => el.value.slice(el.selectionStart, el.selectionEnd)"
    )
    assert selection == "bb"
    run_program(page, "a = 1\nb = 2\ne = a*b")
    assert warnings.is_hidden()
    assert page.locator("#editor-backdrop mark.warning-mark").count() == 0


# -- 8. errors --------------------------------------------------------------------------------------


def test_a_math_error_draws_the_graph_up_to_the_failing_node(sized_page, base_url, artifacts):
    page = sized_page
    page.watch.http_errors_expected = True
    status, body = post_error(base_url, {"expression": LOG_OF_ZERO, "partial": True})
    assert status == 422 and body["detail"]["code"] == "math_error"
    partial = body["partial"]
    open_page(page, base_url, LECTURE)
    page.fill('[data-testid="expression"]', LOG_OF_ZERO)
    page.click('[data-testid="run"]')
    page.wait_for_selector('[data-testid="error"]:not([hidden])')
    page.wait_for_selector(f'[data-node-id="{partial["failed"]}"][data-failed="true"]')
    assert page.locator("[data-node-id]").count() == len(partial["nodes"])
    failed = page.locator(f'[data-node-id="{partial["failed"]}"]')
    assert failed.get_attribute("data-value") is None
    assert shown(page, "data-value") == {
        n["id"]: n["value"] for n in partial["nodes"] if n["value"] is not None
    }
    total = len(partial["forward"])
    assert counter(page) == f"{total} / {total}"
    assert "The math failed at log(c)" in chain_text(page)
    assert "log(0.0)" in page.text_content('[data-testid="error"]')
    screenshot(page, artifacts, "math-error")
    # Its forward pass can be stepped; there is no backward pass.
    page.click('[data-testid="step-back"]')
    assert counter(page) == f"{total - 1} / {total}"
    # A value that makes it work again: the variables are still there to change.
    before = ready_sequence(page)
    page.fill('[data-variable="a"]', "1")
    wait_for_new_graph(page, before)
    assert page.locator('[data-testid="error"]').is_hidden()
    assert page.locator("[data-failed]").count() == 0


def test_any_other_error_clears_the_graph(sized_page, base_url, artifacts):
    page = sized_page
    page.watch.http_errors_expected = True
    open_page(page, base_url, LECTURE)
    page.fill('[data-testid="expression"]', "a = 2\nb = a *")
    page.click('[data-testid="run"]')
    page.wait_for_selector('[data-testid="error"]:not([hidden])')
    page.wait_for_selector("#graph-empty:not([hidden])")
    assert page.locator("[data-node-id]").count() == 0
    assert page.locator("[data-variable]").count() == 0
    assert counter(page) == "0 / 0"
    for control in ("step-forward", "to-end", "play"):
        assert page.locator(f'[data-testid="{control}"]').is_disabled(), control  # nothing to step
    page.keyboard.press("End")
    assert counter(page) == "0 / 0"
    assert page.locator('[data-testid="export-json"]').is_disabled()
    screenshot(page, artifacts, "parse-error")


def test_the_numeric_check_waits_for_the_backward_pass(sized_page, base_url):
    page = sized_page
    open_page(page, base_url, LECTURE)
    before = ready_sequence(page)
    page.check('[data-testid="check-toggle"]')
    wait_for_new_graph(page, before)
    checks = lambda: page.eval_on_selector_all(  # noqa: E731
        ".variable", "els => els.map(e => [e.dataset.row, e.querySelector('.check').textContent])"
    )
    assert all(text == "numeric check: ?" for _, text in checks())
    assert page.locator("[data-check]").count() == 0
    step_to(page, 9)  # L's and d's steps: d reveals c, L reveals f
    revealed = {name: text for name, text in checks() if text != "numeric check: ?"}
    assert sorted(revealed) == ["c", "f"]
    assert revealed["f"].startswith("analytic 4 · numeric 4 ✓")
    page.click('[data-testid="to-end"]')
    assert page.eval_on_selector_all("[data-check]", "els => els.map(e => e.dataset.check)") == ["ok"] * 4
