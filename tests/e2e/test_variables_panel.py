"""The variables panel follows the timeline: a gradient shows once the backward pass has reached it."""

from __future__ import annotations

import pytest

from tests.e2e.test_page import LECTURE, open_page, ready_sequence, run_program, wait_for_new_graph

pytestmark = pytest.mark.e2e


def gradient_text(page, name: str) -> str:
    number = page.locator(f'[data-variable="{name}"]')
    row = number.locator("xpath=ancestor::*[contains(@class, 'variable')][1]")
    return row.locator(".grad").text_content()


def test_variable_gradients_appear_when_the_backward_pass_reaches_them(watched_page, base_url):
    page = watched_page
    open_page(page, base_url, LECTURE)
    page.click('[data-testid="to-start"]')
    assert "?" in gradient_text(page, "a") and "?" in gradient_text(page, "f")
    for _ in range(9):  # 7 forward steps, then L's and d's backward steps
        page.click('[data-testid="step-forward"]')
    assert gradient_text(page, "f") == "∂L/∂f = 4"
    assert gradient_text(page, "c") == "∂L/∂c = -2"
    assert "?" in gradient_text(page, "a")
    page.click('[data-testid="to-end"]')
    assert gradient_text(page, "a") == "∂L/∂a = 6"
    assert gradient_text(page, "b") == "∂L/∂b = -4"
    page.click('[data-testid="step-back"]')
    assert "?" in gradient_text(page, "a")


def free_tag_shown(page, name: str) -> bool:
    number = page.locator(f'[data-variable="{name}"]')
    row = number.locator("xpath=ancestor::*[contains(@class, 'variable')][1]")
    return row.locator(".tag").is_visible()


def test_free_variables_come_from_the_api_and_keep_their_values_while_free(watched_page, base_url):
    # watched_page fails the test on any 4xx: the page must never send a value the program lacks.
    page = watched_page
    open_page(page, base_url, "y = x*x + q")
    assert [page.input_value(f'[data-variable="{n}"]') for n in ("x", "q")] == ["1", "1"]
    assert free_tag_shown(page, "x") and free_tag_shown(page, "q")

    before = ready_sequence(page)
    page.fill('[data-variable="q"]', "3")
    wait_for_new_graph(page, before)

    run_program(page, "y = x*x + q + r")  # q is still free: it keeps 3; r is new: 1
    assert [page.input_value(f'[data-variable="{n}"]') for n in ("x", "q", "r")] == ["1", "3", "1"]
    # A run stands at the end of the forward pass: the value is there at once.
    assert page.locator('[data-node-id][data-label="y"]').get_attribute("data-value") == "5"

    run_program(page, "q = 2\ny = x*q")  # q is declared now: the text's 2 wins
    assert page.input_value('[data-variable="q"]') == "2"
    assert free_tag_shown(page, "x") and not free_tag_shown(page, "q")

    run_program(page, "y = x*x")  # no q at all: nothing is sent for it, no error
    assert page.locator('[data-testid="error"]').is_hidden()
    assert page.locator("[data-variable]").count() == 1
