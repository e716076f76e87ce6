"""Predict mode, at 1366×768 and at 400×800: before a backward step reveals gradients the learner
predicts them, one input of the step at a time, with the score kept; meanwhile the nudge and the
numeric check stay locked for every gradient not yet revealed."""

from __future__ import annotations

import pytest

from tests.e2e.test_page import LECTURE, counter, open_page, ready_sequence, shown, wait_for_new_graph
from tests.e2e.test_teaching import screenshot

pytestmark = pytest.mark.e2e


def test_predict_mode_asks_before_each_gradient_and_keeps_score(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, LECTURE)
    page.check('[data-testid="predict-mode"]')
    prediction = page.locator('[data-testid="prediction"]')
    result = page.locator('[data-testid="prediction-result"]')
    question = page.locator("#prediction-question")
    page.click('[data-testid="step-forward"]')
    # Held back: the step waits for the predictions, one input at a time, nothing revealed yet.
    assert counter(page) == "7 / 10" and shown(page, "data-grad") == {}
    assert prediction.is_enabled()
    assert "Predict ∂L/∂d after this step (input 1 of 2)" in question.text_content()
    prediction.fill("-2")
    prediction.press("Enter")
    assert counter(page) == "7 / 10" and shown(page, "data-grad") == {}
    assert result.get_attribute("data-result") == "right"
    assert "Right: ∂L/∂d = -2" in result.text_content()
    assert "∂L/∂d += ∂L/∂L · ∂(d·f)/∂d = (1)·(-2) = -2" in result.text_content()
    assert "Predict ∂L/∂f after this step (input 2 of 2)" in question.text_content()
    prediction.fill("4")
    prediction.press("Enter")
    assert counter(page) == "8 / 10"
    assert page.text_content('[data-testid="prediction-score"]') == "Score: 2 of 2 right"

    page.click('[data-testid="step-forward"]')
    assert counter(page) == "8 / 10"
    assert "Predict ∂L/∂e" in question.text_content()
    prediction.fill("5")
    page.click('[data-testid="prediction-check"]')
    assert result.get_attribute("data-result") == "wrong"
    assert "Not quite: you said 5, ∂L/∂e = -2" in result.text_content()
    page.click('[data-testid="prediction-skip"]')  # ∂L/∂c: skipped, not scored
    assert counter(page) == "9 / 10"
    assert result.get_attribute("data-result") == "skipped"
    assert page.text_content('[data-testid="prediction-score"]') == "Score: 2 of 3 right"
    # Not a number: asked again, not scored.
    page.click('[data-testid="step-forward"]')
    prediction.fill("six")
    prediction.press("Enter")
    assert counter(page) == "9 / 10" and prediction.get_attribute("aria-invalid") == "true"
    prediction.fill("6.02")  # within 1%
    prediction.press("Enter")
    assert "Predict ∂L/∂b" in question.text_content()
    prediction.fill("-4")
    prediction.press("Enter")
    assert counter(page) == "10 / 10" and result.get_attribute("data-result") == "right"
    assert page.text_content('[data-testid="prediction-score"]') == "Score: 4 of 5 right"
    screenshot(page, artifacts, "predict")
    # Stepping back and forward again does not ask twice; off, nothing is asked.
    page.click('[data-testid="step-back"]')
    page.click('[data-testid="step-forward"]')
    assert counter(page) == "10 / 10"
    page.uncheck('[data-testid="predict-mode"]')
    page.click('[data-testid="to-start"]')
    for _ in range(8):
        page.click('[data-testid="step-forward"]')
    assert counter(page) == "8 / 10"


def test_predict_mode_keeps_nudge_and_check_locked_for_the_gradient_asked(sized_page, base_url, artifacts):
    page = sized_page
    open_page(page, base_url, LECTURE)
    before = ready_sequence(page)
    page.check('[data-testid="check-toggle"]')
    wait_for_new_graph(page, before)
    page.click('[data-nudge="f"]')  # a nudge on show before predict mode would give ∂L/∂f away
    page.wait_for_selector('[data-testid="nudge-result"][data-name="f"]')
    page.check('[data-testid="predict-mode"]')
    assert page.locator('[data-testid="nudge-result"]').is_hidden()
    page.click('[data-testid="step-forward"]')
    assert "Predict ∂L/∂d" in page.text_content("#prediction-question")
    # Every variable's gradient is still to come: no nudge can print it, no check shows it.
    for name in ("a", "b", "c", "f"):
        assert page.locator(f'[data-nudge="{name}"]').is_disabled(), name
    assert page.locator("[data-check]").count() == 0
    page.fill('[data-testid="prediction"]', "-2")
    page.press('[data-testid="prediction"]', "Enter")
    assert "Predict ∂L/∂f" in page.text_content("#prediction-question")
    assert page.locator('[data-nudge="f"]').is_disabled()
    assert page.text_content('[data-row="f"] .check') == "numeric check: ?"
    screenshot(page, artifacts, "predict-locked")
    page.fill('[data-testid="prediction"]', "4")
    page.press('[data-testid="prediction"]', "Enter")
    # ∂L/∂f is revealed by the step: its nudge and its check open; a's is still to be asked.
    assert counter(page) == "8 / 10"
    assert page.locator('[data-nudge="f"]').is_enabled()
    assert page.get_attribute('[data-row="f"] [data-check]', "data-check") == "ok"
    assert page.locator('[data-nudge="a"]').is_disabled()
    page.click('[data-nudge="f"]')
    page.wait_for_selector('[data-testid="nudge-result"][data-name="f"]')
    # Predict mode off: every nudge works again.
    page.uncheck('[data-testid="predict-mode"]')
    assert page.locator('[data-nudge="a"]').is_enabled()
