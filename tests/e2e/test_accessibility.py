"""The page for everyone: axe-core (npm, the lockfile's) finds no serious or critical WCAG A/AA
violation on load, after a run and mid-backward; at 400 px there is no sideways scrolling and the
graph comes first. Each test runs at 1366×768 and 400×800.

axe is injected only here, into a context that bypasses the page's CSP: the page itself never loads it.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import ROOT, PageWatch
from tests.e2e.programs import mlp_program
from tests.e2e.test_page import LECTURE, counter, open_page, run_program

pytestmark = pytest.mark.e2e

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": (1366, 768), "phone": (400, 800)}
NEURON = "x1 = 2\nx2 = 0\nw1 = -3\nw2 = 1\nb = 0.5\nn = x1*w1 + x2*w2 + b\no = tanh(n)"


@pytest.fixture(params=list(VIEWPORTS))
def axe_page(request, browser, base_url):
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm ci`", pytrace=False)
    width, height = VIEWPORTS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.watch = PageWatch(page, base_url)
    page.size_name = request.param
    yield page
    context.close()
    assert page.watch.unexpected_console_errors() == [], page.watch.console_errors


def serious_violations(page) -> list[str]:
    """axe's WCAG 2.x A and AA rules on the whole page; what it rates serious or critical, described."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
          const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
          const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
          return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + n.failureSummary)}));
        }"""
    )
    return [json.dumps(v, ensure_ascii=False) for v in result if v["impact"] in ("serious", "critical")]


def test_no_serious_violations_on_load_after_a_run_and_mid_backward(axe_page, base_url, artifacts):
    page = axe_page
    open_page(page, base_url)  # the first example, as a visitor first sees it
    assert serious_violations(page) == []

    for program in (LECTURE, NEURON):
        run_program(page, program)
        page.click('[data-testid="to-end"]')
        total = int(counter(page).split("/")[1])
        forward = len(page.locator("[data-node-id]").all())
        page.locator('[data-testid="scrubber"]').fill(str(forward + (total - forward) // 2))
        assert page.get_attribute('[data-testid="phase"]', "data-phase") == "backward"
        page.fill('[data-testid="find-node"]', "b")  # selects b: the inspector is filled too
        page.press('[data-testid="find-node"]', "Enter")
        assert serious_violations(page) == []
    page.screenshot(
        path=str(artifacts / "screenshots" / f"axe-mid-backward-{page.size_name}.png"), full_page=True
    )


def test_a_big_graph_mid_backward_has_no_serious_violations(axe_page, base_url):
    page = axe_page
    open_page(page, base_url, mlp_program())
    page.click('[data-testid="to-end"]')
    for _ in range(300):
        page.click('[data-testid="step-back"]')
    assert page.get_attribute('[data-testid="phase"]', "data-phase") == "backward"
    assert serious_violations(page) == []


def test_a_phone_gets_no_sideways_scrolling_and_the_graph_first(axe_page, base_url, artifacts):
    page = axe_page
    for program in (LECTURE, mlp_program()):
        open_page(page, base_url, program)
        width = VIEWPORTS[page.size_name][0]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate("document.body.scrollWidth") <= width
        # Nothing on the page reaches past the window's right edge.
        wide = page.evaluate(
            """(width) => [...document.querySelectorAll('body *')].filter((e) => {
                 const r = e.getBoundingClientRect();
                 return r.width > 0 && r.right > width + 0.5 && !e.closest('#graph');
               }).map((e) => e.tagName + '#' + e.id + '.' + e.className)""",
            width,
        )
        assert wide == []
    graph = page.locator("#graph-panel").bounding_box()
    program = page.locator(".editor-card").bounding_box()
    if page.size_name == "phone":
        assert graph["y"] < program["y"]  # the graph comes first…
        assert graph["y"] < 200  # …right under the header
        assert graph["height"] >= 360
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / "screenshots" / f"layout-{page.size_name}.png"), full_page=True)
