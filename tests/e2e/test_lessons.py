"""The Lessons in Chromium at 1366×768 and 400×800: both tracks walked end to end with every checkpoint
answered wrong once and right once, a hostile lesson that renders no script, handler or javascript:
link, a reload that keeps lesson and step, and a teacher's lesson previewed, played and shared."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import axe_page, serious_violations  # noqa: F401 (a fixture)

pytestmark = pytest.mark.e2e

HOSTILE = """# Hostile

## Step one

<script>window.__bpxHacked = 1</script>

<img src="x" onerror="window.__bpxHacked = 2">

[click me](javascript:window.__bpxHacked=3) and <a href="javascript:alert(4)">raw</a> and [fine](https://example.org/)

```program
a = 2
b = a*3
```
"""


def api_get(base_url: str, path: str) -> dict:
    with urllib.request.urlopen(f"{base_url}{path}", timeout=10) as response:
        return json.loads(response.read())


def named(answer: dict, name: str) -> dict:
    return [node for node in answer["nodes"] if node["label"] == name][-1]


def right_answer(answer: dict, checkpoint: dict):
    """The checkpoint's answer from POST /api/graph's answer (the page reads the same)."""
    kind, names = checkpoint["kind"], checkpoint["names"]
    if kind == "value":
        return named(answer, names[0])["value"]
    if kind == "gradient":
        return named(answer, names[0])["grad"]
    return max(names, key=lambda name: abs(named(answer, name)["grad"]))


def screenshot(page, artifacts, name: str) -> None:
    path = artifacts / "screenshots" / f"lessons-{name}-{page.size}.png"
    page.screenshot(path=str(path), full_page=page.size == "400x800")


def open_library(page, base_url: str) -> None:
    if not page.url.startswith(base_url):
        page.goto(f"{base_url}/")
    page.get_by_test_id("view-lessons").click()
    expect(page.locator("[data-lesson-id]").first).to_be_visible()


def answer_checkpoint(page, api_post, step: dict) -> None:
    """Wrong once (Next stays held), then right (Next is free)."""
    checkpoint = step["checkpoint"]
    box = page.get_by_test_id("lesson-checkpoint")
    nxt = page.get_by_test_id("lesson-next")
    expect(box).to_be_visible()
    expect(box).to_have_attribute("data-ready", "true")
    expect(nxt).to_be_disabled()
    kind = checkpoint["kind"]
    if kind.startswith("task"):
        name, solution = next(iter(checkpoint["solution"].items()))
        wrong = solution + 1.5
        values = {**step["values"], name: wrong}
        check = api_post("/api/graph", {"expression": step["program"], "values": values})
        got = named(check, checkpoint["names"][0])["value" if kind == "task-value" else "grad"]
        assert abs(got - checkpoint["target"]) > checkpoint["tolerance"]  # the wrong value is wrong
        verdict = page.get_by_test_id("lesson-verdict")
        page.fill(f'[data-variable="{name}"]', str(wrong))
        expect(verdict).to_have_attribute("data-result", "wrong")
        expect(verdict).to_contain_text("✗")
        expect(nxt).to_be_disabled()
        page.fill(f'[data-variable="{name}"]', str(solution))
        expect(verdict).to_have_attribute("data-result", "right")
    else:
        answer = api_post("/api/graph", {"expression": step["program"], "values": step["values"]})
        expected = right_answer(answer, checkpoint)
        if kind == "larger":
            verdict = page.get_by_test_id("lesson-verdict")
            wrong = next(name for name in checkpoint["names"] if name != expected)
            page.locator(f'[data-choice="{wrong}"]').click()
            expect(verdict).to_have_attribute("data-result", "wrong")
            expect(nxt).to_be_disabled()
            page.locator(f'[data-choice="{expected}"]').click()
            expect(verdict).to_have_attribute("data-result", "right")
        else:
            field = page.get_by_test_id("prediction")
            result = page.get_by_test_id("prediction-result")
            expect(field).to_be_visible()
            assert (
                box.locator('[data-testid="prediction"]').count() == 1
            )  # the page's own input, in the lesson
            field.fill(str(expected * 2 + 10))
            page.get_by_test_id("lesson-check").click()
            expect(result).to_have_attribute("data-result", "wrong")
            expect(nxt).to_be_disabled()
            field.fill(repr(round(expected, 4)))
            field.press("Enter")
            expect(result).to_have_attribute("data-result", "right")
            expect(result).to_contain_text("✓")
    expect(box).to_be_hidden()
    expect(nxt).to_be_enabled()


def walk(page, base_url, api_post, entry: dict, artifacts) -> None:
    lesson = api_get(base_url, f"/api/lessons/{entry['id']}")
    page.locator(f'[data-lesson-id="{entry["id"]}"]').click()
    total = len(lesson["steps"])
    for number, step in enumerate(lesson["steps"], 1):
        expect(page.get_by_test_id("lesson-progress")).to_have_text(f"{number} / {total}")
        text = page.get_by_test_id("lesson-text")
        expect(page.locator("#lesson-step-title")).to_have_text(step["title"])
        assert text.inner_html() == step["html"]
        if step["view"] == "train":
            expect(page.get_by_test_id("train-view")).to_be_visible()
            expect(page.get_by_test_id("train-dataset")).to_have_value(step["train"]["dataset"])
            expect(page.get_by_test_id("train-preset")).to_have_value(step["train"]["preset"])
            expect(page.get_by_test_id("train-hidden")).to_have_value(str(step["train"]["hidden"]))
        elif step["program"] is not None:
            expect(page.get_by_test_id("expression")).to_have_value(step["program"])
            if step["mode"] in ("predict", "bug"):
                expect(page.get_by_test_id(f"{step['mode']}-mode")).to_be_checked()
            if step["mode"] == "bug":  # the numeric check disagreeing is how the bug is told
                expect(page.get_by_test_id("check-toggle")).to_be_checked()
            else:
                expect(page.get_by_test_id("bug-mode")).not_to_be_checked()
            if step["mode"] == "nudge":
                expect(page.get_by_test_id("nudge-result")).to_contain_text(step["nudge"])
        if step["checkpoint"]:
            answer_checkpoint(page, api_post, step)
        if number == 2 and entry["id"].endswith(("03-chain-rule", "05-training")):
            screenshot(page, artifacts, entry["id"])
        page.get_by_test_id("lesson-next").click()
    expect(page.get_by_test_id("lessons-view")).to_be_visible()  # Finish: back to the list
    expect(page.locator(f'[data-lesson-id="{entry["id"]}"]')).to_have_attribute("data-progress", "done")


@pytest.mark.parametrize("track", ["micrograd", "minitorch"])
def test_a_track_is_walked_end_to_end_with_every_checkpoint_wrong_then_right(sized_page, base_url, api_post,
                                                                             artifacts, track):  # fmt: skip
    page = sized_page
    open_library(page, base_url)
    screenshot(page, artifacts, "library")
    entries = [e for e in api_get(base_url, "/api/lessons")["lessons"] if e["track"] == track]
    for entry in entries:
        walk(page, base_url, api_post, entry, artifacts)
    # Progress is kept by the browser: a new page of the same browser lists every lesson done.
    again = page.context.new_page()
    open_library(again, base_url)
    for entry in entries:
        expect(again.locator(f'[data-lesson-id="{entry["id"]}"]')).to_have_attribute("data-progress", "done")


def test_a_hostile_lesson_renders_no_script_handler_or_javascript_link(sized_page, base_url):
    page = sized_page
    open_library(page, base_url)
    page.get_by_test_id("lesson-source").fill(HOSTILE)
    page.get_by_test_id("lesson-preview").click()
    expect(page.get_by_test_id("lesson-preview-title")).to_contain_text("1 step, no errors")
    page.get_by_test_id("lesson-play").click()
    text = page.get_by_test_id("lesson-text")
    expect(text).to_contain_text("click me")
    assert text.locator("script, img, iframe").count() == 0
    handlers = text.evaluate(
        "el => [...el.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))"
        "  .filter(n => n.startsWith('on'))"
    )
    assert handlers == []
    hrefs = text.evaluate("el => [...el.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert hrefs == ["https://example.org/"]
    text.get_by_text("click me").click()  # a link no more: nothing runs
    assert page.evaluate("window.__bpxHacked") is None
    assert page.get_by_test_id("lesson-progress").text_content() == "1 / 1"


def test_a_reload_keeps_the_lesson_and_the_step(sized_page, base_url):
    page = sized_page
    open_library(page, base_url)
    page.locator('[data-lesson-id="micrograd-03-chain-rule"]').click()
    for _ in range(2):  # step 2 and 3 have checkpoints: skipping lets Next go on
        page.get_by_test_id("lesson-next").click()
        expect(page.get_by_test_id("lesson-checkpoint")).to_have_attribute("data-ready", "true")
        page.get_by_test_id("lesson-skip").click()
        expect(page.get_by_test_id("prediction-result")).to_have_attribute("data-result", "skipped")
    page.get_by_test_id("lesson-next").click()
    expect(page.get_by_test_id("lesson-progress")).to_have_text("4 / 5")
    assert re.search(r"#lesson=micrograd-03-chain-rule&step=4$", page.url)
    title = page.locator("#lesson-step-title").text_content()
    page.reload()
    expect(page.get_by_test_id("lesson-progress")).to_have_text("4 / 5")
    expect(page.locator("#lesson-step-title")).to_have_text(title)
    expect(page.get_by_test_id("expression")).to_have_value(re.compile(r"^a = 2\nb = -3"))
    # Steps answered before do not hold Next again.
    page.get_by_test_id("lesson-back").click()
    expect(page.get_by_test_id("lesson-progress")).to_have_text("3 / 5")
    expect(page.get_by_test_id("lesson-next")).to_be_enabled()


def test_a_teachers_lesson_is_previewed_with_errors_by_line_then_shared_as_a_link(
    sized_page, base_url, tmp_path, artifacts
):
    page = sized_page
    page.watch.http_errors_expected = True  # the broken lesson's 422
    open_library(page, base_url)
    broken = tmp_path / "broken.md"
    broken.write_text("# Mine\n\n## First\n\nWords.\n\n```program\na = 2\nb = a *\n```\n", encoding="utf-8")
    page.get_by_test_id("lesson-open").set_input_files(str(broken))
    errors = page.get_by_test_id("lesson-errors")
    expect(errors).to_contain_text("line 9: program: line 2, column")
    screenshot(page, artifacts, "errors")
    source = page.get_by_test_id("lesson-source")
    source.fill(source.input_value().replace("b = a *", "b = a * 3"))
    page.get_by_test_id("lesson-share").click()
    link = page.get_by_test_id("lesson-share-link")
    expect(link).to_have_value(re.compile(r"#lesson-text=[A-Za-z0-9_-]+&step=1$"))
    url = link.input_value()
    assert len(url) < 32_000
    # The link carries the lesson itself: a fresh browser context (no storage) plays it.
    other = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        shared = other.new_page()
        shared.goto(url)
        expect(shared.get_by_test_id("lesson-progress")).to_have_text("1 / 1")
        expect(shared.get_by_test_id("lesson-text")).to_have_text("Words.")
        expect(shared.get_by_test_id("expression")).to_have_value("a = 2\nb = a * 3\n")
    finally:
        other.close()
    # Too long for a link: said so, and no link is handed out.
    noise = page.evaluate(
        "() => Array.from(crypto.getRandomValues(new Uint8Array(48000)),"
        "  b => String.fromCharCode(97 + b % 26)).join('')"
    )
    source.fill(f"# Long\n\n## One\n\n{noise}\n")
    page.get_by_test_id("lesson-share").click()
    message = page.get_by_test_id("lesson-share-message")
    expect(message).to_contain_text("Too long to share as a link")
    expect(link).to_be_hidden()


OWN = """# Our class

## Nudge it

Words.

```program
a = 2
b = -3
L = a*b
```

```checkpoint
ask: gradient a
question: What is ∂L/∂a?
```

## Then

More words.

## Last

The end.
"""


def test_a_shared_lessons_progress_is_kept_apart_listed_and_reset(sized_page, base_url, artifacts):
    page = sized_page
    sent = []
    page.on("request", lambda request: sent.append(f"{request.url} {request.post_data or ''}"))
    open_library(page, base_url)
    own, source = page.get_by_test_id("lesson-own-progress"), page.get_by_test_id("lesson-source")
    checkpoint, nxt = page.get_by_test_id("lesson-checkpoint"), page.get_by_test_id("lesson-next")
    expect(own).to_be_hidden()  # none played yet
    source.fill(OWN)
    page.get_by_test_id("lesson-share").click()
    link = page.get_by_test_id("lesson-share-link")
    expect(link).to_have_value(re.compile(r"#lesson-text="))
    # A learner opens the link, skips the checkpoint and goes on to step 2.
    page.goto(link.input_value())
    expect(checkpoint).to_have_attribute("data-ready", "true")
    expect(nxt).to_be_disabled()
    page.get_by_test_id("lesson-skip").click()
    nxt.click()
    expect(page.get_by_test_id("lesson-progress")).to_have_text("2 / 3")
    # The library lists it with where the learner is, as it lists the built-in lessons.
    page.get_by_test_id("lesson-library").click()
    item = own.locator("[data-lesson-key]")
    expect(item).to_have_attribute("data-progress", "started")
    expect(item).to_have_text(re.compile(r"^Our class\s*step 2 / 3$"))
    key = item.get_attribute("data-lesson-key")
    assert re.fullmatch(r"text:[0-9a-f]{16}", key)
    first = own.locator(f'[data-lesson-key="{key}"]')
    # Another lesson (here: the same one edited) starts fresh: its checkpoint holds Next.
    source.fill(OWN.replace("More words.", "Other words."))
    page.get_by_test_id("lesson-preview").click()
    page.get_by_test_id("lesson-play").click()
    expect(checkpoint).to_have_attribute("data-ready", "true")
    expect(nxt).to_be_disabled()
    page.get_by_test_id("lesson-library").click()
    expect(own.locator("[data-lesson-key]")).to_have_count(2)
    expect(own.locator("[data-lesson-key]").first).to_have_text(re.compile(r"^Our class\s*step 1 / 3$"))
    expect(first).to_have_text(re.compile(r"step 2 / 3$"))
    edited = own.locator("[data-lesson-key]").first.get_attribute("data-lesson-key")
    screenshot(page, artifacts, "own-progress")
    # After a reload, without the link: still listed; played again, a step answered does not hold Next.
    page.reload()
    page.get_by_test_id("view-lessons").click()
    source.fill("# A draft\n")
    first.click()
    expect(checkpoint).to_have_attribute("data-ready", "true")
    expect(nxt).to_be_enabled()
    # Reset forgets this lesson's progress only: it reads as new, and its checkpoint holds Next again.
    page.get_by_test_id("lesson-library").click()
    expect(source).to_have_value("# A draft\n")  # played from the list: the editor's draft stays
    own.locator(f'[data-reset-key="{key}"]').click()
    expect(first).to_have_attribute("data-progress", "new")
    expect(first).to_have_text(re.compile(r"3 steps$"))
    expect(own).to_contain_text("Your progress in “Our class” is reset.")
    expect(own.locator(f'[data-reset-key="{key}"]')).to_be_disabled()
    expect(own.locator(f'[data-lesson-key="{edited}"]')).to_have_text(re.compile(r"step 1 / 3$"))  # untouched
    first.click()
    expect(checkpoint).to_have_attribute("data-ready", "true")
    expect(nxt).to_be_disabled()
    assert not [line for line in sent if key[5:] in line]  # the progress never left the browser


def test_the_lessons_have_no_serious_accessibility_violations_nor_sideways_scrolling(axe_page, base_url):  # noqa: F811
    page = axe_page
    width = page.viewport_size["width"]
    open_library(page, base_url)
    assert serious_violations(page) == []
    page.locator('[data-lesson-id="micrograd-04-tanh-neuron"]').click()
    expect(page.get_by_test_id("lesson-checkpoint")).to_have_attribute("data-ready", "true")  # a number asked
    assert serious_violations(page) == []
    page.get_by_test_id("lesson-skip").click()
    page.get_by_test_id("lesson-next").click()
    page.get_by_test_id("lesson-next").wait_for()
    page.get_by_test_id("lesson-skip").click()
    page.get_by_test_id("lesson-next").click()
    expect(page.locator("[data-choice]").first).to_be_enabled()  # which is larger: a button each
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The step's text is as large as the page's body text, and inside the window.
    box = page.get_by_test_id("lesson-text").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    size = page.get_by_test_id("lesson-text").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 14
