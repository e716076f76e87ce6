"""The variables panel follows the timeline: a gradient shows once the backward pass has reached it."""

from __future__ import annotations

import pytest

from tests.e2e.test_page import LECTURE, open_page

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
