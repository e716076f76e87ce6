"""The explorer page as a person uses it: run, step, change values, share, export, mistype."""

from __future__ import annotations

import json
import time
import urllib.parse

import pytest

from app.examples import EXAMPLES
from tests.e2e.programs import tanh_chain

pytestmark = pytest.mark.e2e

# micrograd's lecture graph, as the examples menu has it.
(LECTURE,) = [example["expression"] for example in EXAMPLES if example["id"] == "lecture"]
LECTURE_GRADS = {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}


def node(page, node_id):
    return page.locator(f'[data-node-id="{node_id}"]')


def ready_sequence(page) -> str | None:
    return page.get_attribute("#graph", "data-ready")


def wait_for_new_graph(page, before: str | None, timeout: float = 15.0) -> None:
    """Wait until the page has drawn an answer newer than `before` (the graph's data-ready)."""
    deadline = time.monotonic() + timeout
    while ready_sequence(page) in (before, None):
        assert time.monotonic() < deadline, "no new graph was drawn"
        page.wait_for_timeout(25)


def open_page(page, base_url, expression=None, values=None, step=0):
    """Open the page (with a program in the URL, or the default example) and wait for its graph; on a
    page already open, for the graph of the new URL (only the hash changes: the page stays)."""
    before = ready_sequence(page) if page.url.startswith(base_url) else None
    url = f"{base_url}/"
    if expression is not None:
        params = {"e": expression}
        if values:
            params["v"] = ",".join(f"{k}:{v}" for k, v in values.items())
        if step:
            params["s"] = str(step)
        url += "#" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
    page.goto(url)
    if before is None:
        page.wait_for_selector("#graph[data-ready]")
    else:
        wait_for_new_graph(page, before, timeout=60)


def run_program(page, expression: str) -> None:
    before = ready_sequence(page)
    page.fill('[data-testid="expression"]', expression)
    page.click('[data-testid="run"]')
    wait_for_new_graph(page, before)


def counter(page) -> str:
    return page.text_content('[data-testid="step-counter"]')


def shown(page, attribute: str) -> dict[str, float]:
    """node id → float(attribute) for every node element that carries it."""
    pairs = page.eval_on_selector_all(
        f"[data-node-id][{attribute}]",
        f"els => els.map(e => [e.getAttribute('data-node-id'), e.getAttribute('{attribute}')])",
    )
    return {node_id: float(value) for node_id, value in pairs}


def expected_grads(answer: dict, backward_steps: int) -> dict[str, float]:
    """The gradients shown after `backward_steps` backward steps, summed in the API's own order."""
    kinds = {n["id"]: n["kind"] for n in answer["nodes"]}
    steps = answer["backward"] or [{"node": answer["output"], "grad": 1.0, "contributions": []}]
    grads: dict[str, float] = {}
    for i, step in enumerate(steps[:backward_steps]):
        if i == 0:
            grads[answer["output"]] = 1.0
        if kinds[step["node"]] != "constant":
            grads[step["node"]] = step["grad"]
        for c in step["contributions"]:
            if c["contribution"] is None or kinds[c["input"]] == "constant":
                continue
            grads[c["input"]] = grads.get(c["input"], 0.0) + c["contribution"]
    if backward_steps == len(steps):
        grads = {n["id"]: n["grad"] for n in answer["nodes"] if n["kind"] != "constant"}
    return grads


def test_lecture_both_passes_match_the_api(watched_page, base_url, api_post, artifacts):
    page = watched_page
    answer = api_post("/api/graph", {"expression": LECTURE})
    open_page(page, base_url, LECTURE)
    by_id = {n["id"]: n for n in answer["nodes"]}
    forward, backward = answer["forward"], answer["backward"]
    total = len(forward) + len(backward)
    assert page.locator("[data-node-id]").count() == len(answer["nodes"])
    for n in answer["nodes"]:
        element = node(page, n["id"])
        assert element.get_attribute("data-kind") == n["kind"]
        assert element.get_attribute("data-label") == (n["label"] or "")

    page.click('[data-testid="to-start"]')
    assert counter(page) == f"0 / {total}"
    assert page.get_attribute('[data-testid="phase"]', "data-phase") == "start"
    assert shown(page, "data-value") == {} and shown(page, "data-grad") == {}

    for i in range(1, total + 1):
        page.click('[data-testid="step-forward"]')
        assert counter(page) == f"{i} / {total}"
        reached = forward[: min(i, len(forward))]
        assert shown(page, "data-value") == {nid: by_id[nid]["value"] for nid in reached}
        assert shown(page, "data-grad") == expected_grads(answer, max(0, i - len(forward)))
        phase = "forward" if i <= len(forward) else "backward"
        assert page.get_attribute('[data-testid="phase"]', "data-phase") == phase
        if i == len(forward) + 2:
            page.screenshot(path=str(artifacts / "screenshots" / "lecture-backward.png"))

    # The end: the lecture's numbers, and the chain rule of the last step written out.
    grads = shown(page, "data-grad")
    labels = {n["label"]: n["id"] for n in answer["nodes"]}
    assert {name: grads[labels[name]] for name in LECTURE_GRADS} == LECTURE_GRADS
    assert shown(page, "data-value")[labels["L"]] == -8.0
    chain = page.text_content('[data-testid="chain-rule"]')
    assert "∂L/∂a += ∂L/∂e · ∂(a·b)/∂a = (-2)·(-3) = 6" in chain
    assert "∂L/∂b += ∂L/∂e · ∂(a·b)/∂b = (-2)·(2) = -4" in chain

    # Back one step: the last step's gradients are taken away again.
    page.click('[data-testid="step-back"]')
    assert labels["a"] not in shown(page, "data-grad")
    page.click('[data-testid="to-end"]')
    assert counter(page) == f"{total} / {total}"
    page.click('[data-testid="to-start"]')
    assert shown(page, "data-value") == {}


def test_reused_variable_accumulates(watched_page, base_url):
    page = watched_page
    open_page(page, base_url, "a = 3\nb = a + a")
    page.click('[data-testid="to-end"]')
    a = page.locator('[data-node-id][data-label="a"]')
    assert a.get_attribute("data-grad") == "2"
    chain = page.text_content('[data-testid="chain-rule"]')
    assert "∂b/∂a += ∂b/∂b · ∂(a₁ + a₂)/∂a₁ = (1)·(1) = 1" in chain
    assert "∂b/∂a += ∂b/∂b · ∂(a₁ + a₂)/∂a₂ = (1)·(1) = 1" in chain
    assert "contribution 2 of 2" in chain
    assert "so far: ∂b/∂a = 1 + 1 = 2" in chain
    assert "+=" in a.text_content()  # the badge on the reused node


def test_program_without_operations_still_seeds_the_output(watched_page, base_url):
    page = watched_page
    open_page(page, base_url, "L = 3")
    page.click('[data-testid="to-end"]')
    assert page.locator("[data-node-id][data-grad]").get_attribute("data-grad") == "1"


def test_free_variables_appear_at_one(watched_page, base_url):
    page = watched_page
    open_page(page, base_url, "y = x*x + q")
    assert page.input_value('[data-variable="x"]') == "1"
    assert page.input_value('[data-variable="q"]') == "1"


def test_changing_a_value_recomputes_and_keeps_the_step(watched_page, base_url):
    page = watched_page
    open_page(page, base_url, LECTURE)
    page.click('[data-testid="to-end"]')
    total = counter(page)
    before = ready_sequence(page)
    page.fill('[data-variable="a"]', "3")
    wait_for_new_graph(page, before)
    assert counter(page) == total
    # The program text carries the new value: it stays the truth.
    assert page.input_value('[data-testid="expression"]') == LECTURE.replace("a = 2", "a = 3")
    e = page.locator('[data-node-id][data-label="e"]')
    assert e.get_attribute("data-value") == "-9"
    assert page.locator('[data-node-id][data-label="b"]').get_attribute("data-grad") == "-6"

    # The slider does the same.
    before = ready_sequence(page)
    page.locator('[data-slider="b"]').evaluate(
        "el => { el.value = '1'; el.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    wait_for_new_graph(page, before)
    assert page.input_value('[data-variable="b"]') == "1"
    assert e.get_attribute("data-value") == "3"
    assert "b = 1\n" in page.input_value('[data-testid="expression"]')


def test_the_url_reopens_the_same_view(watched_page, browser, base_url):
    page = watched_page
    open_page(page, base_url, LECTURE)
    before = ready_sequence(page)
    page.fill('[data-variable="c"]', "4.5")
    wait_for_new_graph(page, before)
    page.click('[data-testid="to-start"]')
    for _ in range(9):
        page.click('[data-testid="step-forward"]')
    page.wait_for_timeout(400)  # the URL is written shortly after the last step
    link = page.url
    assert "#" in link

    context = browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        other = context.new_page()
        other.goto(link)
        other.wait_for_selector("#graph[data-ready]")
        # The value set in the panel was written into the program: the link carries it there.
        assert other.input_value('[data-testid="expression"]') == LECTURE.replace("c = 10", "c = 4.5")
        assert other.input_value('[data-variable="c"]') == "4.5"
        assert counter(other) == counter(page) == "9 / 10"
        assert shown(other, "data-grad") == shown(page, "data-grad")
        assert shown(other, "data-value") == shown(page, "data-value")
    finally:
        context.close()


def test_errors_show_line_and_column_and_clear_the_last_graph(watched_page, base_url):
    page = watched_page
    page.watch.http_errors_expected = True  # the API answers the typo with a 422
    open_page(page, base_url, LECTURE)
    error = page.locator('[data-testid="error"]')
    assert error.is_hidden()
    page.fill('[data-testid="expression"]', "a = 2\nb = a * ")
    page.click('[data-testid="run"]')
    error.wait_for(state="visible")
    text = error.text_content()
    assert "line 2" in text and "column" in text
    # Nothing stale stays: no graph to step, no variables to edit.
    assert page.locator("[data-node-id]").count() == 0
    assert counter(page) == "0 / 0"
    assert page.locator('[data-testid="step-forward"]').is_disabled()  # nothing to step: it says so
    page.keyboard.press("ArrowRight")
    assert counter(page) == "0 / 0"
    assert page.locator("[data-variable]").count() == 0
    assert page.locator("#graph-empty").is_visible()
    run_program(page, "a = 2\nb = a * 3")
    assert error.is_hidden()
    assert page.locator("[data-node-id]").count() == 3


def test_html_in_the_program_is_only_ever_text(watched_page, base_url):
    page = watched_page
    page.watch.http_errors_expected = True
    open_page(page, base_url, LECTURE)
    hostile = "<img src=x onerror=alert(1)>"
    page.fill('[data-testid="expression"]', hostile)
    page.click('[data-testid="run"]')
    error = page.locator('[data-testid="error"]')
    error.wait_for(state="visible")
    assert hostile in error.text_content()
    assert page.locator('[data-testid="error"] img').count() == 0
    assert page.locator("img").count() == 0
    page.wait_for_timeout(300)
    assert page.watch.dialogs == []


def test_exports_produce_files(watched_page, base_url, api_post, tmp_path):
    page = watched_page
    open_page(page, base_url, LECTURE)
    page.click('[data-testid="to-end"]')
    files = {}
    for kind in ("svg", "png", "json", "dot"):
        with page.expect_download() as info:
            page.click(f'[data-testid="export-{kind}"]')
        download = info.value
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        files[kind] = target.read_bytes()
    assert files["svg"].lstrip().startswith(b"<svg") and b"data-node-id" in files["svg"]
    assert files["png"].startswith(b"\x89PNG\r\n\x1a\n") and len(files["png"]) > 2000
    assert json.loads(files["json"]) == api_post("/api/graph", {"expression": LECTURE})
    assert files["dot"].decode() == api_post("/api/graph/dot", {"expression": LECTURE})["dot"]


def test_keyboard_steps_and_runs(watched_page, base_url, api_post):
    page = watched_page
    open_page(page, base_url, LECTURE)
    page.click("#graph-meta")  # focus leaves the editor
    assert counter(page) == "7 / 10"  # after a run: the end of the forward pass, deliberately
    page.keyboard.press("End")
    assert counter(page) == "10 / 10"
    page.keyboard.press("Home")
    assert counter(page) == "0 / 10"
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    assert counter(page) == "2 / 10"
    page.keyboard.press(" ")
    assert page.get_attribute('[data-testid="play"]', "aria-pressed") == "true"
    page.keyboard.press(" ")
    assert page.get_attribute('[data-testid="play"]', "aria-pressed") == "false"
    # Keys typed in the editor stay in the editor; Ctrl+Enter runs.
    page.click('[data-testid="expression"]')
    page.keyboard.press("End")
    before_counter = counter(page)
    page.keyboard.type("\nM = L*2")
    assert counter(page) == before_counter
    before = ready_sequence(page)
    page.keyboard.press("Control+Enter")
    wait_for_new_graph(page, before)
    assert page.locator('[data-node-id][data-label="M"]').count() == 1
    # A run stands at the end of the forward pass.
    answer = api_post(
        "/api/graph", {"expression": page.input_value('[data-testid="expression"]'), "default_value": 1}
    )
    assert counter(page) == f"{len(answer['forward'])} / {len(answer['forward']) + len(answer['backward'])}"
    assert page.text_content('[data-testid="announcer"]') != ""


def test_inspector_shows_the_node_and_its_source(watched_page, base_url):
    page = watched_page
    open_page(page, base_url, LECTURE)
    page.click('[data-testid="to-end"]')
    page.locator('[data-node-id][data-label="e"]').click()
    inspector = page.text_content('[data-testid="inspector"]')
    assert "mul" in inspector and "∂(a·b)/∂a = b = -3" in inspector and "-6" in inspector
    selection = page.locator('[data-testid="expression"]').evaluate(
        "el => el.value.slice(el.selectionStart, el.selectionEnd)"
    )
    assert selection == "a*b"
    assert page.locator("#editor-backdrop mark.span-mark").text_content() == "a*b"


def test_numeric_check_is_shown_per_variable(watched_page, base_url):
    page = watched_page
    open_page(page, base_url, LECTURE)
    before = ready_sequence(page)
    page.check('[data-testid="check-toggle"]')
    wait_for_new_graph(page, before)
    page.click('[data-testid="to-end"]')  # the check shows once the backward pass has revealed it
    marks = page.eval_on_selector_all("[data-check]", "els => els.map(e => e.dataset.check)")
    assert marks == ["ok"] * 4
    assert "numeric" in page.text_content('[data-testid="variables"]')


def test_examples_menu_loads_every_example(watched_page, base_url):
    page = watched_page
    open_page(page, base_url)
    options = page.eval_on_selector_all('[data-testid="examples"] option', "els => els.map(e => e.value)")
    examples = [value for value in options if value]
    assert len(examples) >= 6
    for example in examples:
        before = ready_sequence(page)
        page.select_option('[data-testid="examples"]', example)
        wait_for_new_graph(page, before)
        page.click('[data-testid="to-end"]')
        assert page.locator("[data-node-id][data-grad]").count() > 0
        assert page.locator('[data-testid="error"]').is_hidden()


big_program = tanh_chain  # 250 lines, 1,002 nodes


def test_a_thousand_node_graph_draws_and_steps(watched_page, base_url, artifacts):
    """The big graph is drawn whole and steps to the end. How fast: bench/page.py (never asserted here)."""
    page = watched_page
    open_page(page, base_url, "x = 1")
    run_program(page, big_program())
    nodes = page.locator("[data-node-id]").count()
    assert nodes == 1002
    assert page.locator("path.edge").count() == 1250
    # The timing hooks bench/page.py reads are there, in order.
    timings = page.evaluate("window.__bpx_timings")
    stages = [timings[stage] for stage in ("answered", "laidOut", "drawn", "painted")]
    assert stages == sorted(stages) and stages[0] > 0
    assert abs(float(page.get_attribute("#graph", "data-render-ms")) - timings["painted"]) <= 0.051
    page.screenshot(path=str(artifacts / "screenshots" / "thousand-nodes.png"))

    page.click('[data-testid="to-start"]')
    for _ in range(20):
        page.click('[data-testid="step-forward"]')
    assert counter(page).startswith("20 / ")
    assert len(shown(page, "data-value")) == 20
    page.click('[data-testid="to-end"]')
    assert page.locator("[data-node-id][data-grad]").count() == nodes  # no constants here
    page.wait_for_timeout(200)
    page.screenshot(path=str(artifacts / "screenshots" / "thousand-nodes-end.png"))
