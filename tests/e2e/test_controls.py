"""Controls that tell the truth, at 1366×768 and at 400×800: the player is disabled while there is no
graph; the bar never reflows as the phase label changes; the "not run" cue changes only its badge;
on a narrow screen a tapped node's inspector opens where the person is looking."""

from __future__ import annotations

import pytest

from tests.e2e.test_page import LECTURE, counter, open_page, ready_sequence, wait_for_new_graph

pytestmark = pytest.mark.e2e

PLAYER = ("to-start", "step-back", "play", "step-forward", "to-end", "scrubber")


def screenshot(page, artifacts, name: str) -> None:
    page.wait_for_timeout(350)  # transitions settle
    page.screenshot(path=str(artifacts / "screenshots" / f"controls-{name}-{page.size}.png"))


def box(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


def overlaps(a: dict, b: dict) -> bool:
    """Do two bounding boxes share any area?"""
    across = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
    down = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
    return across > 0 and down > 0


def test_the_player_is_disabled_while_there_is_no_graph(sized_page, base_url, artifacts):
    page = sized_page
    page.watch.http_errors_expected = True
    open_page(page, base_url, LECTURE)
    for control in PLAYER:
        assert page.locator(f'[data-testid="{control}"]').is_enabled(), control
    page.fill('[data-testid="expression"]', "a = 2\nb = a *")
    page.click('[data-testid="run"]')
    page.wait_for_selector("#graph-empty:not([hidden])")
    for control in PLAYER:
        assert page.locator(f'[data-testid="{control}"]').is_disabled(), control
    # They look it: dimmed, and the keys do nothing either.
    assert float(page.eval_on_selector('[data-testid="play"]', "e => getComputedStyle(e).opacity")) < 0.6
    page.keyboard.press("End")
    assert counter(page) == "0 / 0"
    screenshot(page, artifacts, "no-graph")
    # A program that runs again: the player comes back.
    before = ready_sequence(page)
    page.fill('[data-testid="expression"]', LECTURE)
    page.click('[data-testid="run"]')
    wait_for_new_graph(page, before)
    for control in PLAYER:
        assert page.locator(f'[data-testid="{control}"]').is_enabled(), control
    page.click('[data-testid="to-end"]')
    assert counter(page) == "10 / 10"


def test_the_phase_label_never_reflows_the_bar(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, LECTURE)
    page.click('[data-testid="to-start"]')
    phase = '[data-testid="phase"]'
    where = []
    for move, text in (
        (None, "Start"),
        ("step-forward", "Forward pass"),
        ("to-end", "Backward pass: done"),
        ("step-back", "Backward pass"),
    ):
        if move:
            page.click(f'[data-testid="{move}"]')
        assert page.text_content(phase) == text
        page.wait_for_timeout(100)
        where.append(
            (
                box(page, phase)["width"],
                box(page, '[data-testid="speed"]')["y"],
                box(page, ".player")["height"],
                box(page, "#graph-panel")["height"],
            )
        )
    assert len(set(where)) == 1, where  # the same width, Speed on the same line, the same heights
    # On a wide screen the whole bar is one line: Speed beside the buttons.
    if page.size == "1366x768":
        assert abs(box(page, '[data-testid="speed"]')["y"] - box(page, '[data-testid="play"]')["y"]) < 10
    # The phase's text fits inside its label.
    fits = page.eval_on_selector(phase, "e => e.scrollWidth <= e.clientWidth")
    assert fits
    screenshot(page, artifacts, "phase-done")


def test_the_not_run_cue_changes_only_its_badge(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, LECTURE)
    card = "#editor-card"
    style = (
        "e => { const s = getComputedStyle(e);"
        " return [s.borderRadius, s.backgroundColor, s.borderTopColor, s.padding]; }"
    )
    before = page.eval_on_selector(card, style)
    card_box = box(page, card)
    textarea = page.locator('[data-testid="expression"]')
    border = textarea.evaluate("e => getComputedStyle(e).borderTopColor")
    textarea.press("End")
    textarea.type(" ")
    assert page.locator('[data-testid="not-run"]').is_visible()
    assert page.eval_on_selector(card, style) == before  # the card stays a card
    assert box(page, card)["width"] == card_box["width"]
    assert "not-run" not in (page.get_attribute(card, "class") or "")
    # The text box says it too, by its border only.
    assert textarea.evaluate("e => getComputedStyle(e).borderTopColor") != border
    screenshot(page, artifacts, "edited")


def test_a_tapped_node_is_inspected_where_the_person_is_looking(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, LECTURE)
    page.click('[data-testid="to-end"]')
    node = page.locator('[data-node-id][data-label="e"]')
    node.scroll_into_view_if_needed()
    scroll = page.evaluate("window.scrollY")
    node.click()
    page.wait_for_timeout(300)
    assert page.evaluate("window.scrollY") == scroll  # never scrolls
    inspector = box(page, '[data-testid="inspector"]')
    height = page.viewport_size["height"]
    # Inside the window, whole, and not over the tapped node.
    assert inspector["y"] >= 0 and inspector["y"] + inspector["height"] <= height, inspector
    tapped = node.bounding_box()
    assert not overlaps(tapped, inspector), (tapped, inspector)
    player = box(page, ".player")
    if player["y"] < height and player["y"] + player["height"] > 0:  # in sight: still usable
        assert not overlaps(player, inspector), (player, inspector)
        page.click('[data-testid="step-back"]')  # the inspector follows the step
        assert "not reached by the backward pass yet" not in page.text_content('[data-testid="inspector"]')
    text = page.text_content('[data-testid="inspector"]')
    assert "∂(a·b)/∂a = b = -3" in text
    screenshot(page, artifacts, "inspector")
    if page.size == "400x800":
        # Over the page: closed by its button (or Escape), and the node is no longer inspected.
        page.click('[data-testid="inspector-close"]')
        assert page.locator('[data-testid="inspector-close"]').is_hidden()
        assert "Click a node" in page.text_content('[data-testid="inspector"]')
        node.click()
        assert page.locator('[data-testid="inspector-close"]').is_visible()
        page.keyboard.press("Escape")
        assert page.locator('[data-testid="inspector-close"]').is_hidden()
        # Scrolling away from the graph (to the program) puts it back in the page, still filled.
        node.click()
        assert page.locator('[data-testid="inspector-close"]').is_visible()
        page.locator('[data-testid="run"]').scroll_into_view_if_needed()
        page.wait_for_selector("#inspector:not(.sheet)")
        assert "∂(a·b)/∂a" in page.text_content('[data-testid="inspector"]')
        page.click('[data-testid="run"]')  # nothing covers it
    else:
        assert page.locator(
            '[data-testid="inspector-close"]'
        ).is_hidden()  # beside the graph: nothing to close


def test_a_disabled_button_under_the_pointer_keeps_its_text_readable(sized_page, base_url):
    """A hovered disabled button keeps its own colours: Start, disabled while a run goes, once turned
    white on white under the pointer."""
    page = sized_page
    open_page(page, base_url, LECTURE)
    page.click('[data-testid="view-train"]')
    start = page.locator('[data-testid="train-start"]')
    start.click()
    page.wait_for_function("() => document.querySelector('[data-testid=train-start]').disabled")
    start.hover(force=True)
    colours = start.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    assert colours[0] != colours[1], colours
    page.click('[data-testid="train-stop"]')
