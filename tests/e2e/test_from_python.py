"""A graph built in Python opens in the explorer: engine.explore's URL shows the same numbers."""

from __future__ import annotations

import pytest

from engine import Scalar, explore

pytestmark = pytest.mark.e2e


def test_explore_url_opens_the_graph_with_its_gradients(watched_page, base_url):
    x1, x2, w1, w2 = (
        Scalar(2.0, name="x1"),
        Scalar(0.0, name="x2"),
        Scalar(-3.0, name="w1"),
        Scalar(1.0, name="w2"),
    )
    b = Scalar(6.8813735870195432, name="b")
    out = (x1 * w1 + x2 * w2 + b).tanh()
    out.name = "o"
    out.backward()
    page = watched_page
    page.goto(explore(out, base_url=base_url))
    page.wait_for_selector("#graph[data-ready]")
    page.click('[data-testid="to-end"]')
    grads = dict(
        page.eval_on_selector_all(
            '[data-kind="variable"][data-grad]',
            "els => els.map(e => [e.dataset.label, Number(e.dataset.grad)])",
        )
    )
    assert grads == {"x1": x1.grad, "x2": x2.grad, "w1": w1.grad, "w2": w2.grad, "b": b.grad}
    output = page.locator('[data-label="o"]')
    assert float(output.get_attribute("data-value")) == out.data
