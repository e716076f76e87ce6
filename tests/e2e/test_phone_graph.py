"""The explorer's graph on a phone and on rotation, at 1366×768 and at 400×800.

The minimap leaves the graph to the step; a panel turned across the narrow↔wide line gets the other
layout direction once, on the same step; every number fits its 62 px cell; following a step never
zooms below legible text, and an input out of view is said at the edge of the panel.
"""

from __future__ import annotations

import pytest

from tests.e2e.programs import mlp_program
from tests.e2e.test_big_graphs import settle, transform
from tests.e2e.test_legible import LABELS_ON_NODES, MIN_TEXT_PX, STEP_NODES, check_step, shot
from tests.e2e.test_page import LECTURE, counter, open_page

pytestmark = pytest.mark.e2e

LEGIBLE_SCALE = 0.94  # graph/viewport.js: 13 px numbers at 12.2 px on screen

MINIMAP = """() => {
  const map = document.querySelector('[data-testid="minimap"]');
  const toggle = document.querySelector('[data-testid="minimap-toggle"]');
  const r = map.getBoundingClientRect();
  const card = document.querySelector('#graph-panel').getBoundingClientRect();
  return { shown: !map.hidden && r.width > 0, pressed: toggle.getAttribute('aria-pressed'),
    disabled: toggle.disabled, inCard: r.left >= card.left && r.right <= card.right
      && r.top >= card.top && r.bottom <= card.bottom };
}"""

# Drawn nodes whose centre is on screen but under the minimap.
UNDER_MINIMAP = """() => {
  const map = document.querySelector('[data-testid="minimap"]');
  const out = [];
  for (const el of document.querySelectorAll('#graph [data-node-id] .hit')) {
    const b = el.getBoundingClientRect();
    const top = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
    if (top === map) out.push(el.closest('[data-node-id]').getAttribute('data-label'));
  }
  return out;
}"""


def open_mlp(page, base_url) -> None:
    open_page(page, base_url, "x = 1")
    open_page(page, base_url, mlp_program())  # 983 nodes: far more than a panel shows
    settle(page)


def test_the_minimap_leaves_the_graph_to_the_step(sized_page, base_url, artifacts):
    page = sized_page
    open_mlp(page, base_url)
    phone = page.size == "400x800"
    state = page.evaluate(MINIMAP)
    # A phone starts with the map folded away (it would take a third of the panel); a laptop shows it.
    assert state["shown"] is not phone and state["pressed"] == ("false" if phone else "true")
    assert not state["disabled"]
    if phone:
        assert page.evaluate(UNDER_MINIMAP) == []
    shot(page, artifacts, "phone-map-default")
    # Opened (or folded and opened again), the step's node and inputs stay clear of it at every step.
    if not phone:
        page.click('[data-testid="minimap-toggle"]')
        assert page.evaluate(MINIMAP)["shown"] is False
    page.click('[data-testid="minimap-toggle"]')
    settle(page)
    state = page.evaluate(MINIMAP)
    assert state["shown"] and state["pressed"] == "true" and state["inCard"]
    check_step(page, "map opened")
    shot(page, artifacts, "phone-map-open")
    for button in ("step-forward", "step-forward", "to-start", "step-forward"):
        page.click(f'[data-testid="{button}"]')
        settle(page)
        if page.evaluate(STEP_NODES):
            check_step(page, f"map open, {button}")
    # A graph shown whole has nothing to map: no map, and its button says so.
    open_page(page, base_url, "x = 2\ny = x*3")
    settle(page)
    state = page.evaluate(MINIMAP)
    assert not state["shown"] and state["disabled"]


# Where the output L sits against its inputs d and f: below them (top to bottom) or right of them.
DIRECTION = """() => {
  const at = (label) => document.querySelector(`#graph [data-label="${label}"]`).getBoundingClientRect();
  const L = at('L'), d = at('d'), f = at('f');
  if (L.top > Math.max(d.bottom, f.bottom)) return 'TB';
  if (L.left > Math.max(d.right, f.right)) return 'LR';
  return '?';
}"""
LAYOUTS = "() => Object.values(window.__bpx_layoutStats).reduce((a, b) => a + b, 0)"
NODE_PLACES = """() => [...document.querySelectorAll('#graph [data-node-id]')]
  .map((el) => el.getAttribute('transform')).join(' ')"""


def direction_becomes(page, wanted: str) -> None:
    for _ in range(60):
        if page.evaluate(DIRECTION) == wanted:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the layout never went {wanted}")


def resize(page, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(700)  # the debounce (250 ms) and a layout
    settle(page)
    page.evaluate("document.querySelector('#graph-panel').scrollIntoView({block: 'nearest'})")


def test_turning_a_phone_lays_the_graph_out_again_once_on_the_same_step(browser, base_url, artifacts):
    context = browser.new_context(viewport={"width": 400, "height": 800})
    page = context.new_page()
    page.size = "turned"
    try:
        open_page(page, base_url, LECTURE)
        settle(page)
        page.click('[data-testid="to-end"]')
        page.click('[data-testid="step-back"]')
        page.click('[data-testid="step-back"]')
        settle(page)
        step = counter(page)
        assert page.evaluate(DIRECTION) == "TB"
        layouts = page.evaluate(LAYOUTS)
        # Held sideways (the panel wide and low): left to right, the step and its nodes kept in view.
        resize(page, 740, 420)
        direction_becomes(page, "LR")
        assert counter(page) == step
        assert page.evaluate(LAYOUTS) == layouts + 1
        nodes = check_step(page, "sideways")
        assert [n for n in nodes if n["current"]]
        assert all(px >= MIN_TEXT_PX for n in nodes for _, px in n["textPx"])
        page.screenshot(path=str(artifacts / "screenshots" / "phone-turned-sideways.png"))
        # A resize that keeps the direction lays nothing out again: the nodes stay where they were.
        places = page.evaluate(NODE_PLACES)
        resize(page, 760, 440)
        assert page.evaluate(LAYOUTS) == layouts + 1
        assert page.evaluate(NODE_PLACES) == places
        # Upright again: top to bottom, still the same step.
        resize(page, 400, 800)
        direction_becomes(page, "TB")
        assert counter(page) == step
        check_step(page, "upright again")
        page.screenshot(path=str(artifacts / "screenshots" / "phone-turned-upright.png"))
    finally:
        context.close()


# Every node's value and gradient text against its cell (the record's columns), in the node's units.
OUTSIDE_CELLS = """() => {
  const out = [];
  for (const node of document.querySelectorAll('#graph [data-node-id]')) {
    const cell = node.querySelector('.grad-cell');
    if (!cell) continue;  // constants: a pill of their own
    const grad = cell.getBBox();
    const cells = { value: [grad.x - 62, grad.x], grad: [grad.x, grad.x + 62] };
    for (const text of node.querySelectorAll('.value-text, .grad-text')) {
      const part = text.getAttribute('data-part');
      const box = text.getBBox();
      if (!text.textContent) continue;
      if (box.x < cells[part][0] + 1 || box.x + box.width > cells[part][1] - 1) {
        const name = node.getAttribute('data-label');
        out.push(`${name} ${part} ${text.textContent} (${box.width.toFixed(1)} px)`);
      }
    }
  }
  return out;
}"""
EXTREMES = "a = 1.234e-12\nb = -5.67e20\nc = a*b\nd = c - 0.0012345\nL = d*a + 99999.5"


def test_every_number_fits_its_cell_and_the_full_value_stays_at_hand(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, EXTREMES)
    page.click('[data-testid="to-end"]')
    settle(page)
    assert page.evaluate(OUTSIDE_CELLS) == []
    shown = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#graph [data-node-id][data-label]')]
          .filter((el) => el.getAttribute('data-label'))
          .map((el) => [el.getAttribute('data-label'),
            [el.querySelector('.value-text').textContent, el.querySelector('.grad-text').textContent,
             el.querySelector('title').textContent, el.getAttribute('data-value')]]))"""
    )
    assert shown["a"][0] == "1.2e-12"
    assert shown["b"][0] == "-5.7e20"
    assert shown["a"][3] == "1.234e-12"  # the hook keeps the API's number
    assert "value 1.234e-12" in shown["a"][2]  # the tooltip: 4 significant digits
    shot(page, artifacts, "phone-extremes")
    # What each edge carries back is shortened the same way: its label stays off the nodes.
    for _ in range(4):
        assert page.evaluate(LABELS_ON_NODES)["hits"] == [], counter(page)
        assert page.evaluate(OUTSIDE_CELLS) == []
        page.click('[data-testid="step-back"]')
        settle(page)
    page.click('[data-testid="to-end"]')
    settle(page)
    # The inspector has the whole number.
    box = page.locator('#graph [data-label="b"] .hit').bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    inspector = page.locator('[data-testid="inspector"]')
    inspector.filter(has_text="-5.67e20").wait_for()  # the cell shows -5.7e20


# The step's inputs out of view and the hints shown, and the zoom.
HINTS = """() => {
  const card = document.querySelector('#graph-panel').getBoundingClientRect();
  const shown = [...document.querySelectorAll('[data-testid="offscreen-hint"]')].filter((b) => !b.hidden);
  return shown.map((b) => {
    const r = b.getBoundingClientRect();
    return { id: b.dataset.hintFor, text: b.textContent, inCard: r.left >= card.left && r.right <= card.right
      && r.top >= card.top && r.bottom <= card.bottom };
  });
}"""
STEP_INPUTS_OUT = """() => {
  const svg = document.querySelector('#graph').getBoundingClientRect();
  return [...document.querySelectorAll('#graph [data-step-input]')].filter((el) => {
    const hit = el.querySelector('.hit');
    if (!hit) return true;  // never built: never near the view
    const b = hit.getBoundingClientRect();
    return b.left < svg.left || b.right > svg.right || b.top < svg.top || b.bottom > svg.bottom;
  }).map((el) => el.getAttribute('data-node-id'));
}"""


def check_legible_step(page, where: str) -> None:
    """The step's node inside the panel and readable; each input inside, or said by a hint."""
    nodes = page.evaluate(STEP_NODES)
    current = [n for n in nodes if n["current"]]
    assert current, f"{where}: no current node"
    assert current[0]["inside"] and not current[0]["covered"], f"{where}: {current[0]}"
    assert all(px >= MIN_TEXT_PX for _, px in current[0]["textPx"]), f"{where}: {current[0]['textPx']}"
    assert transform(page)[2] >= LEGIBLE_SCALE - 1e-9
    out = page.evaluate(STEP_INPUTS_OUT)
    hints = {h["id"]: h for h in page.evaluate(HINTS)}
    for node_id in out:
        assert node_id in hints, f"{where}: input {node_id} is out of view and no hint says so"
        assert hints[node_id]["inCard"]


def test_to_end_on_the_mlp_stays_legible_and_points_to_the_input_out_of_view(sized_page, base_url, artifacts):
    page = sized_page
    open_mlp(page, base_url)
    page.click('[data-testid="to-end"]')
    settle(page)
    page.wait_for_timeout(300)  # the part newly in view is drawn in slices
    check_legible_step(page, "to end")
    out = page.evaluate(STEP_INPUTS_OUT)
    hints = page.evaluate(HINTS)
    if page.size == "400x800":
        assert out, "x1, used by all 16 neurons, is far from the last step's node"
    shot(page, artifacts, "phone-mlp-to-end")
    # A hint's tap brings its node into view, legible.
    if hints:
        page.click(f'[data-testid="offscreen-hint"][data-hint-for="{hints[0]["id"]}"]')
        settle(page)
        el = page.locator(f'#graph [data-node-id="{hints[0]["id"]}"] .hit').bounding_box()
        svg = page.locator("#graph").bounding_box()
        assert svg["x"] <= el["x"] and el["x"] + el["width"] <= svg["x"] + svg["width"]
        assert svg["y"] <= el["y"] and el["y"] + el["height"] <= svg["y"] + svg["height"]
        assert transform(page)[2] >= LEGIBLE_SCALE - 1e-9
    # Stepping back through layer 1 stays legible too.
    for _ in range(4):
        page.click('[data-testid="step-back"]')
        settle(page)
        page.wait_for_timeout(150)
        check_legible_step(page, "step back")
    # Fit, asked for, may still show the whole graph small.
    page.click('[data-testid="zoom-fit"]')
    settle(page)
    assert transform(page)[2] < 0.5
