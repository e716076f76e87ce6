"""A graph a person can read, and a view that follows the lesson, at 1366×768 and at 400×800.

Measured on screen as a learner sees it: a node's value and gradient text at least 12 CSS px (its
font size times the zoom); at every step the step's node and its inputs inside the graph panel, with
nothing over their centres (``document.elementFromPoint``); the view still when it need not move;
edge labels off the nodes; and the same on a 983-node graph after "to end".
"""

from __future__ import annotations

import pytest

from tests.e2e.programs import mlp_program
from tests.e2e.test_big_graphs import settle, transform
from tests.e2e.test_page import LECTURE, counter, open_page

pytestmark = pytest.mark.e2e

NEURON = (
    "x1 = 2\nx2 = 0\nw1 = -3\nw2 = 1\nb = 6.8813735870195432\n"
    "x1w1 = x1*w1\nx2w2 = x2*w2\nn = x1w1 + x2w2 + b\no = tanh(n)"
)
MIN_TEXT_PX = 12

# The step's node and its inputs as the page shows them: where each is, whether it is inside the part
# of the graph panel on screen, what is on top at its centre, and its numbers' size on screen.
STEP_NODES = """() => {
  const svg = document.querySelector('#graph').getBoundingClientRect();
  const card = document.querySelector('#graph-panel').getBoundingClientRect();
  const room = {
    left: Math.max(svg.left, card.left, 0),
    top: Math.max(svg.top, card.top, 0),
    right: Math.min(svg.right, card.right, innerWidth),
    bottom: Math.min(svg.bottom, card.bottom, innerHeight),
  };
  const onScreen = (text) => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a;
  return [...document.querySelectorAll('#graph [data-current], #graph [data-step-input]')].map((el) => {
    const label = el.getAttribute('data-label') || el.getAttribute('data-node-id');
    const hit = el.querySelector('.hit');
    // A big graph builds a node's parts only once it comes near the view.
    const id = el.getAttribute('data-node-id');
    const hint = document.querySelector(`[data-testid="offscreen-hint"][data-hint-for="${id}"]`);
    if (!hit) return { label, current: el.hasAttribute('data-current'), inside: false, centreInside: false,
      hinted: hint !== null && !hint.hidden, covered: true, coveredBy: 'not built', textPx: [] };
    const box = hit.getBoundingClientRect();
    const x = box.left + box.width / 2;
    const y = box.top + box.height / 2;
    const top = document.elementFromPoint(x, y);
    return {
      label,
      current: el.hasAttribute('data-current'),
      inside: box.left >= room.left - 0.5 && box.top >= room.top - 0.5 &&
        box.right <= room.right + 0.5 && box.bottom <= room.bottom + 0.5,
      centreInside: x >= room.left && x <= room.right && y >= room.top && y <= room.bottom,
      hinted: hint !== null && !hint.hidden,
      covered: top === null || top.closest('[data-node-id]') !== el,
      coveredBy: top === null ? null
        : (top.closest('[data-node-id]')?.getAttribute('data-label') ?? top.tagName),
      textPx: [...el.querySelectorAll('[data-part]')].map((t) => [t.getAttribute('data-part'), onScreen(t)]),
    };
  });
}"""

# Every drawn node's value and gradient text in view, with its size on screen.
TEXT_IN_VIEW = """() => {
  const svg = document.querySelector('#graph').getBoundingClientRect();
  const out = [];
  for (const text of document.querySelectorAll('#graph [data-node-id] [data-part]')) {
    const r = text.getBoundingClientRect();
    const away = r.right < svg.left || r.left > svg.right || r.bottom < svg.top || r.top > svg.bottom;
    if (!r.width || away) continue;
    out.push(parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a);
  }
  return out;
}"""

# Backward edge labels that cover part of a node's drawn shapes (record, op circle, constant pill).
LABELS_ON_NODES = """() => {
  const drawn = '#graph .node .record, #graph .node .op-circle, #graph .node .constant-pill';
  const shapes = [...document.querySelectorAll(drawn)]
    .map((s) => [s.closest('[data-node-id]').getAttribute('data-label'), s.getBoundingClientRect()]);
  const hits = [];
  for (const label of document.querySelectorAll('#graph [data-edge-label]')) {
    const a = label.querySelector('rect').getBoundingClientRect();
    for (const [name, b] of shapes) {
      const across = a.left < b.right - 0.5 && b.left < a.right - 0.5;
      if (across && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) {
        hits.push(`${label.textContent} on ${name}`);
      }
    }
  }
  return {count: document.querySelectorAll('#graph [data-edge-label]').length, hits};
}"""


def steps_total(page) -> int:
    return int(counter(page).split("/")[1])


def check_step(page, where: str) -> list[dict]:
    """The step's node inside the graph panel and on top; each input too, or, when the step is wider
    than the panel at a legible scale, seen (its centre in view, on top) or pointed to by a hint."""
    nodes = page.evaluate(STEP_NODES)
    for node in nodes:
        if node["current"] or not node["hinted"]:
            seen = node["inside"] if node["current"] else node["centreInside"]
            assert seen, f"{where}: {node['label']} is outside the graph panel"
            assert not node["covered"], f"{where}: {node['label']} is under {node['coveredBy']}"
    return nodes


def shot(page, artifacts, name: str) -> None:
    page.screenshot(path=str(artifacts / "screenshots" / f"legible-{name}-{page.size}.png"))


@pytest.mark.parametrize(
    ("name", "program"), [("lecture", LECTURE), ("neuron", NEURON)], ids=["lecture", "neuron"]
)
def test_a_graph_opens_with_numbers_a_person_can_read(sized_page, base_url, artifacts, name, program):
    page = sized_page
    open_page(page, base_url, program)
    settle(page)
    sizes = page.evaluate(TEXT_IN_VIEW)
    assert len(sizes) >= 2, "no value text in view"  # the step's node and its input at least
    assert min(sizes) >= MIN_TEXT_PX, f"text drawn at {min(sizes):.1f}px on screen"
    # The step the page opens at (the end of the forward pass): its node and inputs in view, readable.
    nodes = check_step(page, "opened")
    assert [n for n in nodes if n["current"]], "no node carries data-current"
    assert all(px >= MIN_TEXT_PX for n in nodes for _, px in n["textPx"])
    shot(page, artifacts, f"{name}-opened")
    # Fit shows the whole graph, and the minimap or Fit is how a person sees it all.
    page.click('[data-testid="zoom-fit"]')
    settle(page)
    outside = page.evaluate(
        """() => {
          const area = document.querySelector('#graph').getBoundingClientRect();
          return [...document.querySelectorAll('#graph [data-node-id]')].filter((el) => {
            const b = el.getBoundingClientRect();
            return b.left < area.left - 1 || b.right > area.right + 1
              || b.top < area.top - 1 || b.bottom > area.bottom + 1;
          }).length;
        }"""
    )
    assert outside == 0


@pytest.mark.parametrize(
    ("name", "program"), [("lecture", LECTURE), ("neuron", NEURON)], ids=["lecture", "neuron"]
)
def test_the_view_follows_every_step_and_moves_only_when_it_must(
    sized_page, base_url, artifacts, name, program
):
    page = sized_page
    open_page(page, base_url, program)
    total = steps_total(page)
    page.click('[data-testid="to-start"]')
    settle(page)
    checked = 0
    still = 0
    for index in range(1, total + 1):
        before = transform(page)
        # Would the next step's nodes be in view where the view is now? Then it must not move.
        page.click('[data-testid="step-forward"]')
        assert counter(page).startswith(f"{index} / ")
        settle(page)
        nodes = check_step(page, f"{name} step {index}")
        checked += len(nodes)
        labels = page.evaluate(LABELS_ON_NODES)
        assert labels["hits"] == [], f"step {index}: edge labels on nodes: {labels['hits']}"
        if transform(page) == before:
            still += 1
        if index in (total - 3, total - 1):
            shot(page, artifacts, f"{name}-step{index}")
    assert checked >= total  # every step has a current node
    assert still > 0, "the view moved at every step"
    # Stepping back from the end never leaves the step's nodes out of view either.
    for index in range(total - 1, total - 4, -1):
        page.click('[data-testid="step-back"]')
        settle(page)
        check_step(page, f"{name} back to step {index}")


def test_a_view_that_shows_the_step_stays_where_it_is(sized_page, base_url):
    page = sized_page
    open_page(page, base_url, LECTURE)
    settle(page)
    page.click('[data-testid="step-forward"]')  # the backward pass's first step: L and its inputs, in view
    settle(page)
    before = transform(page)
    in_view = page.evaluate(STEP_NODES)
    assert all(n["inside"] for n in in_view)
    page.click('[data-testid="step-back"]')
    page.click('[data-testid="step-forward"]')
    settle(page)
    assert transform(page) == before


def test_no_glide_with_reduced_motion(browser, base_url):
    context = browser.new_context(viewport={"width": 400, "height": 800}, reduced_motion="reduce")
    page = context.new_page()
    try:
        open_page(page, base_url, LECTURE)
        page.click('[data-testid="to-start"]')
        # The first forward step is a, far from the output the page opened on: the view jumps there.
        page.click('[data-testid="step-forward"]')
        moved = transform(page)
        page.wait_for_timeout(120)
        assert transform(page) == moved  # no glide under way
        page.size = "reduced"
        check_step(page, "reduced motion")
    finally:
        context.close()


def test_a_big_graph_keeps_the_step_in_view_after_to_end(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, "x = 1")
    open_page(page, base_url, mlp_program())  # 983 nodes
    settle(page)
    nodes = check_step(page, "opened")
    assert all(px >= MIN_TEXT_PX for n in nodes for _, px in n["textPx"])
    page.click('[data-testid="to-end"]')
    settle(page)
    page.wait_for_timeout(300)  # the part newly in view is drawn in slices
    nodes = check_step(page, "to end")
    current = [n for n in nodes if n["current"]]
    assert current and current[0]["label"] != "out"
    assert page.evaluate(LABELS_ON_NODES)["hits"] == []
    shot(page, artifacts, "mlp-to-end")
    # A step back and forth from there stays on the step too.
    for button in ("step-back", "step-back", "step-forward"):
        page.click(f'[data-testid="{button}"]')
        settle(page)
        page.wait_for_timeout(200)
        check_step(page, button)


# Every node's box in layout units (its transform and its clear box), and which nodes the arrow keys
# reach from the graph's tab stop, by the page's own rule (graph/in-view.js).
ARROW_REACH = """async () => {
  const { nextNode } = await import('/static/js/graph/in-view.js');
  const svg = document.querySelector('#graph').getBoundingClientRect();
  const direction = svg.width < 600 && svg.height > svg.width * 0.9 ? 'TB' : 'LR';
  const boxes = [...document.querySelectorAll('#graph [data-node-id]')].map((el) => {
    const [, x, y] = el.getAttribute('transform').match(/translate\\(([-\\d.e]+),([-\\d.e]+)\\)/).map(Number);
    const hit = el.querySelector('.hit');
    const width = hit ? Number(hit.getAttribute('width')) : 40;
    const height = hit ? Number(hit.getAttribute('height')) : 40;
    return { id: el.getAttribute('data-node-id'), x, y, width, height };
  });
  const stop = document.querySelector('#graph .hit[tabindex="0"]').closest('[data-node-id]');
  const start = stop.getAttribute('data-node-id');
  const byId = new Map(boxes.map((b) => [b.id, b]));
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length) {
    const from = byId.get(queue.pop());
    for (const key of ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown']) {
      const to = nextNode(boxes, from, key, direction);
      if (to && !seen.has(to.id)) { seen.add(to.id); queue.push(to.id); }
    }
  }
  return { nodes: boxes.length, reached: seen.size };
}"""


def focused_node(page) -> dict:
    return page.evaluate(
        """() => {
          const el = document.activeElement.closest('[data-node-id]');
          if (!el) return null;
          const box = el.getBoundingClientRect();
          const area = document.querySelector('#graph').getBoundingClientRect();
          return { id: el.getAttribute('data-node-id'), label: el.getAttribute('data-label'),
            inside: box.left >= area.left && box.right <= area.right
              && box.top >= area.top && box.bottom <= area.bottom };
        }"""
    )


def test_every_node_of_a_big_graph_is_reachable_by_keyboard(sized_page, base_url):
    page = sized_page
    open_page(page, base_url, "x = 1")
    open_page(page, base_url, mlp_program())  # 983 nodes
    settle(page)
    # One tab stop for the whole graph: the step's node.
    assert page.locator('#graph [tabindex="0"]').count() == 1
    page.focus('[data-testid="zoom-fit"]')
    page.keyboard.press("Tab")
    first = focused_node(page)
    assert first is not None, "Tab did not reach the graph"
    assert page.get_attribute(f'[data-node-id="{first["id"]}"]', "data-current") is not None
    counter_before = counter(page)
    # Arrow keys move between nodes (not through the timeline), and the view follows.
    visited = {first["id"]}
    for key in ["ArrowLeft"] * 6 + ["ArrowUp"] * 3 + ["ArrowRight"] * 2 + ["ArrowDown"] * 4:
        page.keyboard.press(key)
        settle(page)
        now = focused_node(page)
        assert now is not None, f"{key} lost the focus"
        assert now["inside"], f"{key}: {now['label']} is out of view"
        visited.add(now["id"])
    assert len(visited) >= 8
    assert counter(page) == counter_before
    assert page.locator('#graph [tabindex="0"]').count() == 1
    # Enter opens the inspector on the focused node.
    placeholder = page.text_content('[data-testid="inspector"]')
    page.keyboard.press("Enter")
    chosen = focused_node(page)["id"]
    page.wait_for_function(
        f"document.querySelector('[data-node-id=\"{chosen}\"]').classList.contains('selected')"
    )
    assert page.text_content('[data-testid="inspector"]') != placeholder
    # And from the tab stop, the arrow keys reach every node of the graph.
    reach = page.evaluate(ARROW_REACH)
    assert reach["reached"] == reach["nodes"] == 983


# Where the node labelled `label` is: inside the graph panel, and on top at its centre.
NODE_IN_VIEW = """(label) => {
  const el = document.querySelector(`#graph [data-label="${label}"]`);
  const box = el.querySelector('.hit').getBoundingClientRect();
  const area = document.querySelector('#graph').getBoundingClientRect();
  const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return {
    inside: box.left >= area.left && box.right <= area.right
      && box.top >= area.top && box.bottom <= area.bottom,
    onTop: top !== null && top.closest('[data-node-id]') === el,
  };
}"""


def test_predict_mode_shows_the_node_it_asks_about(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, LECTURE)
    page.check('[data-testid="predict-mode"]')
    prediction = page.locator('[data-testid="prediction"]')
    page.click('[data-testid="step-forward"]')
    assert "Predict ∂L/∂d" in page.text_content("#prediction-question")
    prediction.fill("-2")
    prediction.press("Enter")
    # One question per input of the step: then ∂L/∂f, and the step is shown.
    assert "Predict ∂L/∂f" in page.text_content("#prediction-question")
    prediction.fill("4")
    prediction.press("Enter")
    assert counter(page).startswith("8 / ")
    settle(page)
    # The next question is about e, an input of the next step: the view shows it while asking.
    page.click('[data-testid="step-forward"]')
    assert "Predict ∂L/∂e" in page.text_content("#prediction-question")
    settle(page)
    where = page.evaluate(NODE_IN_VIEW, "e")
    assert where == {"inside": True, "onTop": True}
    shot(page, artifacts, "predict-e")
