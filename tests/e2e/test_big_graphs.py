"""Big graphs and small screens: layout off the page's thread, drawn in view first, laid out once per
structure; zoom that survives a resize, Fit that fits, folding a statement into one box, finding a
node by name, a 1,000-node graph that opens readable with a minimap. Each test runs in a 1366×768
window and a 400×800 one. How fast any of this is: bench/page.py (never asserted here).
"""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e.conftest import PageWatch
from tests.e2e.programs import mlp_program, tanh_chain
from tests.e2e.test_page import (
    counter,
    expected_grads,
    node,
    open_page,
    ready_sequence,
    run_program,
    shown,
    wait_for_new_graph,
)

pytestmark = pytest.mark.e2e

VIEWPORTS = {"desktop": (1366, 768), "phone": (400, 800)}
# The neuron as one statement: its two products and first sum fold into n's box.
NEURON = "x1 = 2\nx2 = 0\nw1 = -3\nw2 = 1\nb = 0.5\nn = x1*w1 + x2*w2 + b\no = tanh(n)"
MLP = mlp_program()
# Its nodes: the loss's `out - 1` is one sub node (the language builds what was typed).
MLP_NODES = 983


@pytest.fixture(params=list(VIEWPORTS))
def sized_page(request, browser, base_url):
    """A fresh page at each test viewport; after the test: no console error, no foreign request."""
    width, height = VIEWPORTS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(30_000)
    watch = PageWatch(page, base_url)
    page.watch = watch
    page.size_name = request.param
    yield page
    context.close()
    assert watch.unexpected_console_errors() == [], watch.console_errors
    assert watch.foreign_requests() == [], watch.foreign_requests()


def transform(page) -> tuple[float, float, float]:
    """The drawing's zoom: (x, y, k) of the viewport group's transform."""
    text = page.get_attribute("#graph .viewport", "transform") or "translate(0,0) scale(1)"
    x, y, k = map(float, re.match(r"translate\(([-\d.e]+),([-\d.e]+)\) scale\(([-\d.e]+)\)", text).groups())
    return x, y, k


def settle(page, timeout: float = 10.0) -> None:
    """Wait for the zoom to come to rest (a glide takes 350 ms; longer on a busy machine)."""
    deadline = time.monotonic() + timeout
    last = transform(page)
    while time.monotonic() < deadline:
        page.wait_for_timeout(150)
        now = transform(page)
        if now == last:
            return
        last = now
    raise AssertionError("the zoom never came to rest")


# Records whether the graph card was ever marked "laying-out" (a layout on its way from the worker).
SEE_LAYING_OUT = """() => {
  window.__sawLayingOut = false;
  const panel = document.querySelector('#graph-panel');
  new MutationObserver(() => {
    if (panel.classList.contains('laying-out')) window.__sawLayingOut = true;
  }).observe(panel, {attributes: true, attributeFilter: ['class']});
}"""


def layout_stats(page) -> dict[str, int]:
    return page.evaluate("({...window.__bpx_layoutStats})")


def shot(page, artifacts, name: str) -> None:
    page.locator("#graph-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "screenshots" / f"{name}-{page.size_name}.png"))


def boxes_outside_the_graph(page) -> list[str]:
    """Ids of drawn nodes whose box is not wholly inside the graph's SVG on screen."""
    return page.evaluate(
        """() => {
          const area = document.querySelector('#graph').getBoundingClientRect();
          return [...document.querySelectorAll('#graph [data-node-id]')].filter((element) => {
            const box = element.getBoundingClientRect();
            return box.width === 0 || box.left < area.left - 1 || box.top < area.top - 1 ||
              box.right > area.right + 1 || box.bottom > area.bottom + 1;
          }).map((element) => element.getAttribute('data-node-id'));
        }"""
    )


def test_a_big_graph_is_laid_out_off_the_page_thread_and_opens_readable(
    sized_page, base_url, api_post, artifacts
):
    page = sized_page
    open_page(page, base_url, "x = 1")
    before_stats = layout_stats(page)
    before = ready_sequence(page)
    # The drawing is dimmed while the worker lays the graph out: seen by an observer in the page, as
    # the worker may be done before a poll from here would look.
    page.evaluate(SEE_LAYING_OUT)
    page.fill('[data-testid="expression"]', MLP)
    page.click('[data-testid="run"]')
    deadline = time.monotonic() + 30
    while not page.evaluate("window.__sawLayingOut === true"):
        assert time.monotonic() < deadline, "the graph was never laid out off the page's thread"
        page.wait_for_timeout(20)
    # Meanwhile (or just after) the page answers: the new timeline steps already.
    # After a run the timeline stands at the end of the forward pass: one step a node in.
    total = counter(page).split("/")[1].strip()
    page.click('[data-testid="step-forward"]')
    page.click('[data-testid="step-forward"]')
    assert counter(page) == f"{MLP_NODES + 2} / {total}"
    wait_for_new_graph(page, before, timeout=60)

    stats = layout_stats(page)
    assert stats["worker"] == before_stats["worker"] + 1
    assert stats["inline"] == before_stats["inline"]
    assert page.locator("[data-node-id]").count() == MLP_NODES  # every node, with its hooks, drawn or not
    answer = api_post("/api/graph", {"expression": MLP})
    assert page.locator("path.edge").count() == sum(len(n["inputs"]) for n in answer["nodes"])
    assert counter(page) == f"{MLP_NODES + 2} / {total}"  # the steps taken meanwhile stand
    assert page.locator("[data-node-id][data-value]").count() == MLP_NODES
    assert shown(page, "data-grad") == expected_grads(answer, 2)  # two backward steps' gradients

    # Readable: text at least 80% of its size, nodes in view, the rest in the minimap (folded on a
    # phone, where it would cover the graph: the Map button opens it).
    if page.size_name == "phone":
        page.click('[data-testid="minimap-toggle"]')
        settle(page)
    x, y, k = transform(page)
    assert k >= 0.8
    drawn = page.locator("#graph [data-node-id]:not(.culled)").count()
    assert 0 < drawn < MLP_NODES
    assert "far" not in (page.get_attribute("#graph", "class") or "")
    minimap = page.locator('[data-testid="minimap"]')
    assert minimap.is_visible()
    shot(page, artifacts, "mlp-opening")

    # A click on the minimap moves the view there.
    minimap.scroll_into_view_if_needed()
    box = minimap.bounding_box()
    page.mouse.click(box["x"] + 4, box["y"] + 4)
    page.wait_for_timeout(100)
    x2, y2, k2 = transform(page)
    assert k2 == k and (x2, y2) != (x, y)
    assert x2 > x  # from the output, where a run leaves the timeline, towards the start of the drawing
    shot(page, artifacts, "mlp-minimap-moved")


def test_a_value_change_on_a_big_graph_never_lays_it_out_again(sized_page, base_url):
    page = sized_page
    open_page(page, base_url, MLP)
    page.click('[data-testid="to-end"]')
    stats = layout_stats(page)
    zoom = transform(page)
    before = ready_sequence(page)
    page.fill('[data-variable="x1"]', "0.25")
    wait_for_new_graph(page, before)
    after = layout_stats(page)
    assert after["worker"] == stats["worker"] and after["inline"] == stats["inline"]
    assert after["cached"] > stats["cached"]
    assert transform(page) == zoom
    assert node(page, "n0").get_attribute("data-value") == "0.25"
    assert counter(page).split("/")[0].strip() == counter(page).split("/")[1].strip()  # still at the end


def test_fit_shows_the_whole_graph_on_the_first_press(sized_page, base_url, artifacts):
    page = sized_page
    for program in (NEURON, MLP):
        open_page(page, base_url, program)
        page.click('[data-testid="zoom-fit"]')
        settle(page)
        assert boxes_outside_the_graph(page) == []
        assert page.locator("#graph .culled").count() == 0
    shot(page, artifacts, "mlp-fit")


def test_zoom_survives_a_resize(sized_page, base_url):
    page = sized_page
    open_page(page, base_url, NEURON)
    page.click('[data-testid="zoom-in"]')
    page.click('[data-testid="zoom-in"]')
    settle(page)
    x, y, k = transform(page)
    area = page.locator("#graph").bounding_box()
    centre = ((area["width"] / 2 - x) / k, (area["height"] / 2 - y) / k)  # the drawing's point at the centre
    width, height = VIEWPORTS[page.size_name]
    page.set_viewport_size({"width": width - 60, "height": height - 100})
    settle(page)
    x2, y2, k2 = transform(page)
    area2 = page.locator("#graph").bounding_box()
    assert k2 == pytest.approx(k)
    assert (area2["width"], area2["height"]) != (area["width"], area["height"])
    assert (area2["width"] / 2 - x2) / k2 == pytest.approx(centre[0], abs=1)
    assert (area2["height"] / 2 - y2) / k2 == pytest.approx(centre[1], abs=1)


def test_a_neuron_folds_into_one_box_steps_through_it_and_unfolds(sized_page, base_url, api_post, artifacts):
    page = sized_page
    answer = api_post("/api/graph", {"expression": NEURON})
    by_id = {n["id"]: n for n in answer["nodes"]}
    open_page(page, base_url, NEURON)
    page.click('[data-testid="zoom-fit"]')
    settle(page)
    toggle = page.locator('[data-collapse="n8"]')
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("[data-collapse]").count() == 1  # o = tanh(n) is one node: nothing to fold

    before = ready_sequence(page)
    toggle.click()
    wait_for_new_graph(page, before)
    box = node(page, "n8")
    assert box.get_attribute("data-collapsed") == "true"
    assert box.get_attribute("data-members") == "4"
    assert box.get_attribute("data-label") == "n"
    for hidden in ("n5", "n6", "n7"):
        assert node(page, hidden).count() == 0
    assert page.locator('path.edge[data-target="n8"]').count() == 5  # x1, w1, x2, w2, b go into the box
    assert page.locator('[data-collapse="n8"]').get_attribute("aria-expanded") == "false"
    shot(page, artifacts, "neuron-folded")

    # Stepping through: while the box's own nodes are computed, the box is the active one; its value
    # appears when n itself is reached.
    page.click('[data-testid="to-start"]')
    for step in range(1, 11):
        page.click('[data-testid="step-forward"]')
        active = answer["forward"][step - 1]
        shown_as = "n8" if active in ("n5", "n6", "n7", "n8") else active
        assert "active" in node(page, shown_as).get_attribute("class"), (step, active)
        value = box.get_attribute("data-value")
        assert (float(value) if value is not None else None) == (
            by_id["n8"]["value"] if step >= 9 else None
        ), step
    page.click('[data-testid="to-end"]')
    assert float(box.get_attribute("data-grad")) == by_id["n8"]["grad"]
    assert float(node(page, "n0").get_attribute("data-grad")) == by_id["n0"]["grad"]
    # Lit edges into the box while one of its products is processed (backward).
    page.click('[data-testid="to-start"]')
    step_of_n5 = 10 + [s["node"] for s in answer["backward"]].index("n5") + 1
    page.locator('[data-testid="scrubber"]').fill(str(step_of_n5))
    assert page.locator('path.edge.active-backward[data-target="n8"]').count() == 2

    # Unfold: the three nodes are back, with their numbers at this step.
    before = ready_sequence(page)
    page.locator('[data-collapse="n8"]').click()
    wait_for_new_graph(page, before)
    assert node(page, "n8").get_attribute("data-collapsed") is None
    for back in ("n5", "n6", "n7"):
        assert float(node(page, back).get_attribute("data-value")) == by_id[back]["value"]
    assert "active" in node(page, "n5").get_attribute("class")


def test_fold_all_and_the_keyboard(sized_page, base_url):
    page = sized_page
    open_page(page, base_url, MLP)
    before = ready_sequence(page)
    page.click('[data-testid="fold-all"]')
    wait_for_new_graph(page, before, timeout=60)
    assert page.get_attribute('[data-testid="fold-all"]', "aria-pressed") == "true"
    # z1_j (4 nodes: 2 products, 2 sums), z2_j and out (32: 16 products, 16 sums) and loss fold;
    # the tanh statements are single nodes.
    boxes = page.eval_on_selector_all(
        "[data-collapsed]", "els => els.map(e => [e.dataset.label, e.dataset.members])"
    )
    members = dict(boxes)
    assert len(members) == 16 + 16 + 1 + 1
    assert members["z1_1"] == "4" and members["z2_16"] == "32" and members["out"] == "32"
    hidden = sum(int(count) - 1 for count in members.values())
    assert page.locator("[data-node-id]").count() == MLP_NODES - hidden
    before = ready_sequence(page)
    page.click('[data-testid="fold-all"]')
    wait_for_new_graph(page, before, timeout=60)
    assert page.locator("[data-node-id]").count() == MLP_NODES

    # On a small graph, the fold control is a tab stop and Enter works it.
    open_page(page, base_url, NEURON)
    before = ready_sequence(page)
    page.focus('[data-collapse="n8"]')
    page.keyboard.press("Enter")
    wait_for_new_graph(page, before)
    assert node(page, "n8").get_attribute("data-collapsed") == "true"


def test_find_a_node_by_name(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, MLP)
    find = page.locator('[data-testid="find-node"]')
    find.fill("h2_7")
    find.press("Enter")
    settle(page)
    target = page.locator('[data-node-id][data-label="h2_7"]')
    assert "selected" in target.get_attribute("class")
    assert "h2_7" in page.text_content('[data-testid="inspector"]')
    area = page.locator("#graph").bounding_box()
    box = target.bounding_box()
    assert abs((box["x"] + box["width"] / 2) - (area["x"] + area["width"] / 2)) < 40
    assert transform(page)[2] >= 0.8  # readable when found
    shot(page, artifacts, "find-node")

    find.fill("no_such_name")
    find.press("Enter")
    assert "No node is called" in page.text_content('[data-testid="find-message"]')
    assert find.get_attribute("aria-invalid") == "true"

    # A node hidden in a folded box: the box opens to show it.
    open_page(page, base_url, NEURON)
    page.click('[data-testid="zoom-fit"]')
    settle(page)
    before = ready_sequence(page)
    page.locator('[data-collapse="n8"]').click()
    wait_for_new_graph(page, before)
    before = ready_sequence(page)
    find.fill("n6")
    find.press("Enter")
    wait_for_new_graph(page, before)
    settle(page)
    assert "selected" in node(page, "n6").get_attribute("class")
    assert node(page, "n8").get_attribute("data-collapsed") is None


def test_a_long_chain_opens_where_the_timeline_stands_with_a_minimap(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, "x = 1")
    run_program(page, tanh_chain())
    assert transform(page)[2] >= 0.8
    # After a run the timeline stands at the output, s_250: the backward pass starts there, in view.
    output = node(page, "n1001").bounding_box()
    area = page.locator("#graph").bounding_box()
    assert node(page, "n1001").get_attribute("data-label") == "s_250"
    assert area["x"] <= output["x"] and output["x"] + output["width"] <= area["x"] + area["width"]
    # Back to the start: the view follows to s_0.
    page.click('[data-testid="to-start"]')
    page.click('[data-testid="step-forward"]')
    settle(page)
    first = node(page, "n0").bounding_box()
    assert first is not None and area["x"] <= first["x"] <= area["x"] + area["width"]
    if page.size_name == "phone":  # the minimap starts folded on a phone
        assert not page.locator('[data-testid="minimap"]').is_visible()
        page.click('[data-testid="minimap-toggle"]')
    assert page.locator('[data-testid="minimap"]').is_visible()
    shot(page, artifacts, "chain-opening")


def test_a_big_graph_exports_whole(sized_page, base_url, tmp_path):
    """Off-screen nodes are built only when first in view; an export builds and shows them all."""
    page = sized_page
    page.context.set_default_timeout(60_000)
    open_page(page, base_url, MLP)
    assert page.locator("#graph .reserve [data-node-id]").count() > 0  # most of it waits off screen
    with page.expect_download() as info:
        page.click('[data-testid="export-svg"]')
    target = tmp_path / "graph.svg"
    info.value.save_as(target)
    text = target.read_text()
    assert text.count("data-node-id=") == MLP_NODES
    assert text.count('class="record"') == MLP_NODES - 2  # every node built (constants have no record)
    i = text.find('display="none"')
    assert i == -1, text[i - 400 : i + 40]
    assert re.findall(r'class="[^"]*\bculled\b[^"]*"', text) == []
