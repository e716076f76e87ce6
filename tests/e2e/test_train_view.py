"""The Train view as a person uses it: train, watch, stop, step, reset; open a point's loss in the
explorer, step its backward pass, see each parameter's update and one parameter's batch gradient
point by point; come back to the run as it was; share it by its URL. Numbers are checked against the
API's own answers (/api/train, /api/train/example, /api/graph, /api/train/gradients), never against
the clock: every wait is on the page's state."""

from __future__ import annotations

import json
import re
import time
import urllib.parse
import urllib.request

import pytest

from tests.e2e.conftest import SIZES, PageWatch
from tests.e2e.test_accessibility import AXE, serious_violations

pytestmark = pytest.mark.e2e

MINITORCH = {"preset": "minitorch", "dataset": "simple", "points": 50, "hidden": 2, "activation": "relu",
             "learning_rate": 0.5, "epochs": 500, "seed": 0}  # fmt: skip
URL_KEYS = {"learning_rate": "lr"}
WAIT = 60.0  # seconds: generous, the machine is shared; nothing here measures time


def train_url(base_url: str, settings: dict | None = None, **extra) -> str:
    params = {"view": "train"}
    for field, value in (settings or {}).items():
        params[URL_KEYS.get(field, field)] = str(value)
    params.update({key: str(value) for key, value in extra.items()})
    return f"{base_url}/#" + urllib.parse.urlencode(params)


def wait_until(page, condition, message: str, timeout: float = WAIT) -> None:
    """Poll `condition()` (the page's state, read through Playwright) until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        page.wait_for_timeout(50)


def status(page) -> str:
    return page.get_attribute('[data-testid="train-status"]', "data-status")


def epoch(page) -> int:
    return int(page.text_content('[data-testid="train-epoch"]'))


def open_train(page, url: str, points: int) -> None:
    """Open the Train view at `url` and wait until its points and their boundary are drawn, at rest."""
    page.goto(url)
    page.wait_for_selector('[data-testid="train-plot"][data-boundary-epoch]')
    wait_until(
        page, lambda: page.locator("[data-point-index]").count() == points, "the points were not drawn"
    )
    wait_until(page, lambda: status(page) in ("ready", "paused", "done"), "the run did not come to rest")


def table_parameters(page) -> dict[str, float]:
    """The parameter table's full numbers, by name."""
    pairs = page.eval_on_selector_all(
        "#train-parameters tr[data-param]", "rows => rows.map(r => [r.dataset.param, r.dataset.value])"
    )
    return {name: float(value) for name, value in pairs}


def step(page) -> int:
    """Press Step and wait for its epoch; the epoch reached."""
    before = epoch(page)
    page.click('[data-testid="train-step"]')
    wait_until(
        page, lambda: epoch(page) == before + 1 and status(page) in ("paused", "done"), "Step did not run"
    )
    return before + 1


def stream(base_url: str, body: dict) -> list[dict]:
    """POST /api/train and read its whole NDJSON answer."""
    request = urllib.request.Request(
        f"{base_url}/api/train", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=WAIT) as response:
        return [json.loads(line) for line in response.read().decode().splitlines() if line.strip()]


def trained(base_url: str, settings: dict, epochs: int) -> dict[str, float]:
    """The parameters after `epochs` epochs of a run that never stopped (0: the initial ones)."""
    lines = stream(base_url, {**settings, "steps": max(1, epochs)})
    return lines[0]["parameters"] if epochs == 0 else lines[-1]["parameters"]


def clickable_points(page) -> list[int]:
    """The points whose centre is not covered by another point: a click there lands on them."""
    page.locator('[data-testid="train-plot"]').scroll_into_view_if_needed()
    return page.eval_on_selector_all(
        "[data-point-index]",
        """els => els.filter(e => {
             const r = e.getBoundingClientRect();
             const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
             return hit === e || e.contains(hit);
           }).map(e => Number(e.dataset.pointIndex))""",
    )


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_train_watch_stop_step_and_reset(sized_page, base_url, artifacts):
    page = sized_page
    failed_requests = []
    page.on("requestfailed", lambda request: failed_requests.append((request.url, request.failure)))
    settings = {**MINITORCH, "epochs": 2000}
    open_train(page, train_url(base_url, settings, speed=30), points=50)
    assert status(page) == "ready" and epoch(page) == 0
    assert page.text_content('[data-testid="train-loss"]') == "—"

    # The points are the API's, in its order, with their labels.
    start = stream(base_url, {**settings, "steps": 1})[0]
    drawn = page.eval_on_selector_all(
        "[data-point-index]",
        "els => els.map(e => [+e.dataset.pointIndex, +e.dataset.x1, +e.dataset.x2, +e.dataset.label])",
    )
    pairs = enumerate(zip(start["points"], start["labels"], strict=True))
    assert sorted(drawn) == [[i, x1, x2, label] for i, ((x1, x2), label) in pairs]
    initial = table_parameters(page)
    assert initial == start["parameters"]

    # Start: the epoch and the loss move, the curve and the boundary are drawn as it goes.
    page.click('[data-testid="train-start"]')
    wait_until(page, lambda: epoch(page) >= 3, "the epoch did not advance")
    first_epoch, first_loss = epoch(page), page.text_content('[data-testid="train-loss"]')
    float(first_loss)  # a number
    assert page.text_content('[data-testid="train-accuracy"]').endswith("%")
    wait_until(
        page,
        lambda: (
            epoch(page) >= first_epoch + 10 and page.text_content('[data-testid="train-loss"]') != first_loss
        ),
        "the loss did not change as training went on",
    )
    curve = page.locator('[data-testid="train-loss-curve"]')
    wait_until(
        page, lambda: int(curve.get_attribute("data-epochs")) >= first_epoch + 10, "the curve did not grow"
    )
    assert (
        page.locator('[data-testid="train-loss-curve"] path.chart-loss').get_attribute("d").count("L")
        >= first_epoch
    )
    plot = page.locator('[data-testid="train-plot"]')
    wait_until(
        page, lambda: int(plot.get_attribute("data-boundary-epoch")) > 0, "no boundary came with the frames"
    )
    assert (
        page.locator('[data-testid="train-plot"] image.heatmap')
        .get_attribute("href")
        .startswith("data:image/png")
    )
    page.screenshot(path=str(artifacts / "screenshots" / f"train-running-{page.size}.png"))

    # Stop: the request is aborted (the server stops on the disconnect) and the epoch stays.
    def aborted_trainings() -> int:
        return sum(url.endswith("/api/train") and "ABORTED" in (why or "") for url, why in failed_requests)

    aborted_before = aborted_trainings()  # the start-line-only request that loaded the points is one
    page.click('[data-testid="train-stop"]')
    wait_until(page, lambda: status(page) == "paused", "Stop did not stop")
    stopped = epoch(page)
    wait_until(page, lambda: aborted_trainings() == aborted_before + 1, "Stop did not abort the request")
    page.wait_for_timeout(1000)
    assert epoch(page) == stopped, "the epoch went on after Stop"
    # Every epoch is on the curve, none missed between frames.
    assert int(curve.get_attribute("data-epochs")) == stopped
    assert int(curve.get_attribute("data-last-epoch")) == stopped
    assert table_parameters(page) == trained(base_url, settings, stopped)

    # Step: one more epoch, from the stopped run's parameters: the numbers of a run that never stopped.
    assert step(page) == stopped + 1
    assert table_parameters(page) == trained(base_url, settings, stopped + 1)
    assert int(curve.get_attribute("data-epochs")) == stopped + 1

    # Reset: epoch 0 and the same initial parameters (the same seed).
    page.click('[data-testid="train-reset"]')
    wait_until(page, lambda: epoch(page) == 0 and status(page) == "ready", "Reset did not go back to epoch 0")
    assert table_parameters(page) == initial
    assert int(curve.get_attribute("data-epochs")) == 0
    assert page.text_content('[data-testid="train-loss"]') == "—"
    assert no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / "screenshots" / f"train-reset-{page.size}.png"), full_page=True)


def test_a_point_opens_in_the_explorer_and_closes_the_loop(sized_page, base_url, api_post, artifacts):
    page = sized_page
    open_train(page, train_url(base_url, MINITORCH), points=50)
    for _ in range(3):
        step(page)
    parameters = table_parameters(page)
    curve_before = page.get_attribute('[data-testid="train-loss-curve"] path.chart-loss', "d")

    index = clickable_points(page)[0]
    page.click(f'[data-point-index="{index}"]')
    page.wait_for_selector('body[data-view="explorer"]')
    page.wait_for_selector("#graph[data-ready]")

    # The explorer runs the example's loss program at the run's parameters, at the end of its forward pass.
    model = {k: MINITORCH[k] for k in ("preset", "dataset", "points", "hidden", "activation", "seed")}
    example = api_post("/api/train/example", {**model, "parameters": parameters, "index": index})
    assert page.input_value('[data-testid="expression"]') == example["program"]
    answer = api_post("/api/graph", {"expression": example["program"], "default_value": 1.0})
    forward, total = len(answer["forward"]), len(answer["forward"]) + len(answer["backward"])
    assert page.text_content('[data-testid="step-counter"]') == f"{forward} / {total}"
    assert page.get_attribute('[data-testid="phase"]', "data-phase") == "forward"
    context = page.locator('[data-testid="train-context"]')
    assert context.is_visible()
    assert f"Point #{index} of 50" in context.text_content()
    assert page.locator('[data-testid="train-update"]').is_hidden()

    # Step its backward pass: the first steps by hand, then to its end.
    for _ in range(3):
        page.click('[data-testid="step-forward"]')
    assert page.get_attribute('[data-testid="phase"]', "data-phase") == "backward"
    assert page.locator('[data-testid="train-update"]').is_hidden()
    page.click('[data-testid="to-end"]')
    update = page.locator('[data-testid="train-update"]')
    update.wait_for(state="visible")

    # Each parameter's update by this example: w − lr·∂Lₙ/∂w, the explorer's gradients, minitorch's lr.
    learning_rate = float(update.get_attribute("data-learning-rate"))
    assert learning_rate == MINITORCH["learning_rate"]
    rows = page.eval_on_selector_all(
        '[data-testid="train-update"] tr[data-param]',
        "rows => rows.map(r => [r.dataset.param, +r.dataset.value, +r.dataset.grad, +r.dataset.next])",
    )
    assert [name for name, *_ in rows] == list(parameters)
    for name, value, grad, new in rows:
        assert value == example["values"][name] == parameters[name]
        assert grad == answer["gradients"][name]
        assert new == value - learning_rate * grad
    strongest = max(rows, key=lambda row: abs(row[2]))[0]

    # The strongest parameter's batch gradient, point by point, as /api/train/gradients takes it apart.
    batch = page.locator('[data-testid="train-batch"]')
    batch.wait_for(state="visible")
    wait_until(
        page, lambda: batch.get_attribute("data-param") == strongest, "the batch gradient did not show"
    )
    apart = api_post("/api/train/gradients", {**model, "parameters": parameters, "names": [strongest]})
    assert float(batch.get_attribute("data-gradient")) == apart["gradients"][strongest]
    terms = page.eval_on_selector_all(
        '[data-testid="train-batch"] tr[data-term]',
        "rows => rows.map(r => [+r.dataset.index, +r.dataset.term])",
    )
    expected = [w * g for w, g in zip(apart["weights"], apart["example_gradients"][strongest], strict=True)]
    assert terms == [[i, term] for i, term in enumerate(expected)]
    assert abs(sum(expected) - apart["gradients"][strongest]) < 1e-12
    # This point's term is its ∂Lₙ/∂w from the explorer, over N.
    assert terms[index][1] == apart["weights"][index] * answer["gradients"][strongest]
    next_value = float(batch.get_attribute("data-next"))
    assert next_value == parameters[strongest] - learning_rate * apart["gradients"][strongest]
    page.screenshot(path=str(artifacts / "screenshots" / f"train-explained-{page.size}.png"), full_page=True)

    # Another parameter, picked by hand.
    other = next(name for name, *_ in rows if name != strongest)
    page.click(f'[data-testid="train-update"] tr[data-param="{other}"] button')
    wait_until(
        page, lambda: batch.get_attribute("data-param") == other, "picking a parameter did not show its sum"
    )

    # Back: the run is as it was, and its plot shows the chosen parameter's pulls.
    page.click('[data-testid="train-back"]')
    page.wait_for_selector('body[data-view="train"]')
    assert epoch(page) == 3 and status(page) == "paused"
    assert table_parameters(page) == parameters
    assert page.get_attribute('[data-testid="train-loss-curve"] path.chart-loss', "d") == curve_before
    assert page.locator("[data-point-index]").count() == 50
    plot = page.locator('[data-testid="train-plot"]')
    assert plot.get_attribute("data-terms") == other
    assert page.locator(f'[data-point-index="{index}"]').get_attribute("class") == "point marked"
    assert no_sideways_scroll(page)

    # Closing the loop for real: the next epoch moves the strongest parameter to the number shown.
    page.click(f'#train-parameters tr[data-param="{strongest}"] button')
    wait_until(
        page,
        lambda: plot.get_attribute("data-terms") == strongest,
        "the table's pick did not colour the points",
    )
    step(page)
    assert abs(table_parameters(page)[strongest] - next_value) < 1e-12
    page.screenshot(path=str(artifacts / "screenshots" / f"train-terms-{page.size}.png"))


def test_the_url_reopens_the_same_run(watched_page, browser, base_url):
    page = watched_page
    settings = {**MINITORCH, "dataset": "xor", "hidden": 10, "learning_rate": 0.3, "epochs": 300, "seed": 3}
    open_train(page, train_url(base_url, settings, speed=10, discrete=1), points=50)
    assert page.is_checked('[data-testid="train-discrete"]')
    for _ in range(2):
        step(page)
    wait_until(page, lambda: "epoch=2" in page.url, "the URL did not follow the run")
    link = page.url
    parameters = table_parameters(page)

    context = browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        other = context.new_page()
        watch = PageWatch(other, base_url)
        open_train(other, link, points=50)
        assert epoch(other) == 2 and status(other) == "paused"
        assert other.input_value('[data-testid="train-preset"]') == "minitorch"
        assert other.input_value('[data-testid="train-dataset"]') == "xor"
        assert other.input_value('[data-testid="train-hidden"]') == "10"
        assert float(other.input_value('[data-testid="train-lr"]')) == 0.3
        assert other.input_value('[data-testid="train-epochs"]') == "300"
        assert other.input_value('[data-testid="train-seed"]') == "3"
        assert other.input_value('[data-testid="train-speed"]') == "10"
        assert other.is_checked('[data-testid="train-discrete"]')
        assert table_parameters(other) == parameters
        assert int(other.get_attribute('[data-testid="train-loss-curve"]', "data-epochs")) == 2
        assert watch.unexpected_console_errors() == []
    finally:
        context.close()

    # The tabs keep each view's state and URL: the explorer's own program, then the run again.
    page.click('[data-testid="view-explorer"]')
    page.wait_for_selector("#graph[data-ready]")
    wait_until(page, lambda: "#e=" in page.url, "the explorer's URL was not written")
    page.click('[data-testid="view-train"]')
    wait_until(page, lambda: "epoch=2" in page.url, "the Train view's URL did not come back")
    assert table_parameters(page) == parameters


def test_a_preset_brings_its_defaults_and_bad_numbers_are_pointed_out(watched_page, base_url):
    page = watched_page
    open_train(page, train_url(base_url), points=50)
    page.select_option('[data-testid="train-preset"]', "micrograd")
    open_values = {"train-dataset": "moons", "train-points": "100", "train-hidden": "16", "train-lr": "1",
                   "train-epochs": "100", "train-seed": "0"}  # fmt: skip
    for testid, value in open_values.items():
        assert page.input_value(f'[data-testid="{testid}"]') == value, testid
    wait_until(page, lambda: page.locator("[data-point-index]").count() == 100, "the moons were not drawn")
    rows = page.locator("#train-parameters tr[data-param]")
    mlp = 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1  # MLP(2, [16, 16, 1]): weights and biases
    wait_until(page, lambda: rows.count() == mlp, "the parameter table is not MLP(2, [16, 16, 1])'s")

    page.fill('[data-testid="train-hidden"]', "3")
    page.press('[data-testid="train-hidden"]', "Enter")
    smaller = 2 * 3 + 3 + 3 * 3 + 3 + 3 + 1
    wait_until(page, lambda: rows.count() == smaller, "a new hidden size did not make a new model")

    page.fill('[data-testid="train-points"]', "500")
    page.press('[data-testid="train-points"]', "Enter")
    error = page.locator('[data-testid="train-field-error"]')
    error.wait_for(state="visible")
    assert "Points" in error.text_content() and "200" in error.text_content()
    assert page.get_attribute('[data-testid="train-points"]', "aria-invalid") == "true"
    assert page.locator("[data-point-index]").count() == 100  # the run stays as it was
    page.fill('[data-testid="train-points"]', "40")
    page.press('[data-testid="train-points"]', "Enter")
    wait_until(page, lambda: page.locator("[data-point-index]").count() == 40, "a valid number was not taken")
    assert error.is_hidden()


def test_the_curve_shows_its_numbers_on_hover(watched_page, base_url):
    page = watched_page
    open_train(page, train_url(base_url, {**MINITORCH, "epochs": 40}, speed=0), points=50)
    page.click('[data-testid="train-start"]')
    wait_until(page, lambda: status(page) == "done", "the run did not finish")
    lines = stream(base_url, {**MINITORCH, "epochs": 40})
    history = {}
    for line in lines[1:]:
        for e, loss, accuracy in zip(*line["history"].values(), strict=True):
            history[e] = (loss, accuracy)
    assert sorted(history) == list(range(1, 41))
    box = page.locator('[data-testid="train-loss-curve"] .chart-overlay').bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
    hover = page.locator('[data-testid="train-curve-hover"]')
    hover.wait_for(state="visible")
    shown = int(hover.get_attribute("data-epoch"))
    assert 15 <= shown <= 25
    assert float(hover.get_attribute("data-loss")) == history[shown][0]
    assert float(hover.get_attribute("data-accuracy")) == history[shown][1]
    assert f"epoch {shown} · loss" in hover.text_content()
    page.mouse.move(0, 0)
    hover.wait_for(state="hidden")


def named_epochs(page) -> set[int]:
    """Every epoch the Train view's visible text names as one ("epoch N"; "latest N" is not one)."""
    return {int(n) for n in re.findall(r"(?i)\bepoch (\d+)", page.inner_text('[data-testid="train-view"]'))}


def test_looking_back_every_epoch_the_view_names_is_the_one_on_show(sized_page, base_url, artifacts):
    page, line, scrubber = sized_page, '[data-testid="train-status"]', sized_page.locator("#train-scrubber")
    open_train(page, train_url(base_url, {**MINITORCH, "epochs": 2000}, speed=10), points=50)
    page.click('[data-testid="train-start"]')
    wait_until(page, lambda: int(scrubber.get_attribute("data-frames") or 0) >= 4, "the run did not go")
    # Looking back at frame 2 (behind the latest) while it trains: it stays, the line follows the latest.
    scrubber.fill("2")  # drawn at the next animation frame
    wait_until(page, lambda: page.get_attribute(line, "data-looking") is not None, "not looking back")
    shown = int(scrubber.get_attribute("data-epoch"))
    looking = re.compile(rf"Looking back at epoch {shown} — latest (\d+)")
    first = page.text_content(line)
    assert looking.match(first) and "still training; Live returns" in first, first
    wait_until(page, lambda: page.text_content(line) != first, "the latest epoch was not followed")
    assert status(page) == "running" and epoch(page) == shown and looking.match(page.text_content(line))
    page.click('[data-testid="train-stop"]')
    wait_until(page, lambda: status(page) == "paused", "Stop did not stop")
    said = page.text_content(line)
    latest = int(looking.match(said).group(1))
    assert said == f"Looking back at epoch {shown} — latest {latest} (stopped); Live returns"
    assert page.get_attribute(line, "data-looking") == str(shown) and named_epochs(page) == {shown}
    assert page.get_attribute("#train-progress", "aria-valuenow") == str(shown)
    page.screenshot(path=str(artifacts / f"train-look-back-status-{page.size}.png"))
    # Live: the latest again, everywhere.
    page.click('[data-testid="train-live"]')
    wait_until(page, lambda: epoch(page) == latest, "Live did not return")
    assert page.text_content(line) == f"Stopped at epoch {latest}" and named_epochs(page) == {latest}
    assert page.get_attribute(line, "data-looking") is None
    # A new frame (a Step from a look back goes on from the latest) is live too.
    scrubber.fill("1")
    wait_until(page, lambda: "Looking back at epoch" in page.text_content(line), "not looking back")
    step_to = latest + 1
    page.click('[data-testid="train-step"]')
    wait_until(page, lambda: epoch(page) == step_to and status(page) == "paused", "Step did not run")
    assert page.text_content(line) == f"Stopped at epoch {step_to}" and named_epochs(page) == {step_to}


@pytest.mark.parametrize("size", list(SIZES))
def test_no_serious_accessibility_violations_in_the_train_view(browser, base_url, size):
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm ci`", pytrace=False)
    context = browser.new_context(viewport=SIZES[size], bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    watch = PageWatch(page, base_url)
    try:
        open_train(page, train_url(base_url, MINITORCH, epoch=5), points=50)
        assert serious_violations(page) == []
        page.click(f'[data-point-index="{clickable_points(page)[0]}"]')
        page.wait_for_selector("#graph[data-ready]")
        page.click('[data-testid="train-show-update"]')
        page.locator('[data-testid="train-batch"]').wait_for(state="visible")
        assert serious_violations(page) == []
        assert watch.unexpected_console_errors() == []
    finally:
        context.close()
