"""The lessons' API and format: the built-in tracks (every program evaluated, every checkpoint answered
from POST /api/graph's own answer), sanitising, errors by line, size limits, and the published schema."""

from __future__ import annotations

import re
import textwrap
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from app.lessons import MAX_LESSON_CHARS

LESSONS = None


def lessons(client) -> list[dict]:
    global LESSONS
    if LESSONS is None:
        LESSONS = client.get("/api/lessons").json()["lessons"]
    return LESSONS


def lesson(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def parse(client, text: str):
    return client.post("/api/lessons/parse", json={"markdown": lesson(text)})


def graph_answer(client, step: dict, values: dict | None = None) -> dict:
    body = {"expression": step["program"], "values": {**step["values"], **(values or {})}}
    response = client.post("/api/graph", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def named(answer: dict, name: str) -> dict:
    """The node a name stands for: the last one given it (as the page reads it)."""
    return [node for node in answer["nodes"] if node["label"] == name][-1]


def checkpoint_answer(answer: dict, checkpoint: dict):
    kind, names = checkpoint["kind"], checkpoint["names"]
    if kind in ("value", "task-value"):
        return named(answer, names[0])["value"]
    if kind in ("gradient", "task-gradient"):
        return named(answer, names[0])["grad"]
    sizes = {name: abs(named(answer, name)["grad"]) for name in names}
    return max(sizes, key=sizes.get)


# -- the built-in tracks ---------------------------------------------------------------------------------


def test_the_list_has_both_tracks_in_order(client):
    response = client.get("/api/lessons")
    assert response.status_code == 200
    listed = response.json()["lessons"]
    tracks = [entry["track"] for entry in listed]
    assert tracks.count("micrograd") >= 6 and tracks.count("minitorch") >= 4
    assert tracks == sorted(tracks, key=["micrograd", "minitorch"].index)  # track by track
    assert all(entry["id"].startswith(entry["track"] + "-") and entry["steps"] >= 2 for entry in listed)
    assert len({entry["id"] for entry in listed}) == len(listed)


def test_the_micrograd_track_follows_the_lecture_and_ends_training_on_moons(client):
    micrograd = [e for e in lessons(client) if e["track"] == "micrograd"]
    titles = " | ".join(e["title"].lower() for e in micrograd)
    for topic in ("nudging", "graph", "chain rule", "tanh", "+=", "exp", "network", "training"):
        assert topic in titles, topic
    last = client.get(f"/api/lessons/{micrograd[-1]['id']}").json()["steps"][-1]
    assert last["view"] == "train" and last["program"] is None
    assert last["train"]["preset"] == "micrograd" and last["train"]["dataset"] == "moons"


def test_the_minitorch_track_ends_on_a_dataset_with_settings_that_train_it(client):
    minitorch = [e for e in lessons(client) if e["track"] == "minitorch"]
    titles = " | ".join(e["title"].lower() for e in minitorch)
    for topic in ("derivative", "chain rule", "topological", "central difference", "training"):
        assert topic in titles, topic
    text = client.get(f"/api/lessons/{minitorch[0]['id']}").json()
    assert "save_for_backward" in text["steps"][0]["html"] and "apply" in text["steps"][2]["html"]
    last = client.get(f"/api/lessons/{minitorch[-1]['id']}").json()["steps"][-1]
    settings = {key: value for key, value in last["train"].items() if value is not None}
    assert last["view"] == "train" and settings["dataset"] == "xor"
    recommended = next(d for d in client.get("/api/datasets").json()["datasets"] if d["name"] == "xor")
    assert {k: settings[k] for k in recommended["recommended"]} == recommended["recommended"]
    response = client.post("/api/train", json={**settings, "epochs_per_second": None})
    assert response.status_code == 200
    final = [line for line in response.text.splitlines() if '"accuracy"' in line][-1]
    accuracy = float(re.search(r'"accuracy":([0-9.]+)', final).group(1))
    assert accuracy >= 0.9, final[:200]


def builtin_steps():
    from app.lessons import builtin_lessons
    from app.lessons.answer import lesson_answer

    for entry in builtin_lessons():
        for number, step in enumerate(lesson_answer(entry.lesson)["steps"], 1):
            yield pytest.param(step, id=f"{entry.id}#{number}")


@pytest.mark.parametrize("step", list(builtin_steps()))
def test_every_built_in_program_runs_and_every_checkpoint_has_its_answer_from_the_api(client, step):
    if step["program"] is None:
        assert step["view"] == "train" or step["checkpoint"] is None
        return
    answer = graph_answer(client, step)
    if step["at"] is not None:
        assert 0 <= step["at"] <= len(answer["nodes"]) + len(answer["backward"])
    checkpoint = step["checkpoint"]
    if checkpoint is None:
        return
    expected = checkpoint_answer(answer, checkpoint)
    assert expected is not None
    if checkpoint["kind"] == "larger":
        assert expected in checkpoint["names"]
    if checkpoint["kind"].startswith("task"):
        assert abs(expected - checkpoint["target"]) > checkpoint["tolerance"]  # not done before a change
        solved = graph_answer(client, step, checkpoint["solution"])
        assert abs(checkpoint_answer(solved, checkpoint) - checkpoint["target"]) <= checkpoint["tolerance"]


def test_a_built_in_lesson_is_its_file_parsed(client):
    first = lessons(client)[0]
    response = client.get(f"/api/lessons/{first['id']}")
    assert response.status_code == 200
    body = response.json()
    assert (
        body["id"] == first["id"] and body["title"] == first["title"] and len(body["steps"]) == first["steps"]
    )
    step = body["steps"][1]
    assert step["program"].startswith("x = 3") and step["mode"] == "nudge" and step["nudge"] == "x"
    assert "```" not in step["html"] and "mode:" not in step["html"]  # data blocks are not prose


def test_parse_takes_only_post(client):
    response = client.get("/api/lessons/parse")
    assert response.status_code == 405 and response.headers["allow"] == "POST"


def test_an_unknown_lesson_is_a_404_naming_it(client):
    response = client.get("/api/lessons/no-such-lesson")
    assert response.status_code == 404
    assert (
        response.json()["detail"]["code"] == "not_found"
        and "no-such-lesson" in response.json()["detail"]["message"]
    )


# -- the format ------------------------------------------------------------------------------------------

FULL = """
# Gradients of a product

Some words *before* the steps.

## Look

A product: `L = a*b`.

```program
a = 2
b = -3
L = a*b
```

```setup
values: a = 4
at: backward 1
mode: bug
```

```checkpoint
ask: gradient a
question: What is ∂L/∂a?
explain: It is b.
```

## A task

```program
a = 2
b = -3
L = a*b + a
```

```checkpoint
task: gradient a = 0
solution: b = -1
question: Make ∂L/∂a zero.
```

## Train

```setup
train: preset=minitorch dataset=xor hidden=10 learning_rate=0.5
```
"""


def test_a_lesson_parses_into_steps_with_their_setup_and_checkpoints(client):
    response = parse(client, FULL)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title"] == "Gradients of a product" and body["id"] is None
    assert body["intro"] == "<p>Some words <em>before</em> the steps.</p>\n"
    look, task, train = body["steps"]
    assert look == {
        "title": "Look",
        "html": "<p>A product: <code>L = a*b</code>.</p>\n",
        "line": 5,
        "program": "a = 2\nb = -3\nL = a*b\n",
        "values": {"a": 4.0},
        "at": 4,  # three nodes forward, then one backward step
        "mode": "bug",
        "nudge": None,
        "view": "explorer",
        "train": None,
        "checkpoint": {"kind": "gradient", "question": "What is ∂L/∂a?", "names": ["a"], "target": None,
                       "tolerance": None, "solution": None, "explain": "It is b."},
    }  # fmt: skip
    assert task["checkpoint"]["kind"] == "task-gradient" and task["checkpoint"]["solution"] == {"b": -1.0}
    assert task["at"] is None and task["values"] == {}
    assert train["program"] is None and train["view"] == "train"
    assert train["train"] == {"preset": "minitorch", "dataset": "xor", "hidden": 10, "learning_rate": 0.5,
                              "activation": None, "points": None, "epochs": None, "seed": None}  # fmt: skip


def test_recommended_takes_the_datasets_own_settings_and_a_given_key_wins(client):
    response = parse(
        client, "# T\n\n## S\n\n```setup\ntrain: recommended dataset=moons hidden=8 seed=3\n```\n"
    )
    assert response.status_code == 200, response.text
    train = response.json()["steps"][0]["train"]
    moons = next(d for d in client.get("/api/datasets").json()["datasets"] if d["name"] == "moons")
    assert train == {**moons["recommended"], "dataset": "moons", "hidden": 8, "seed": 3, "points": None}


HOSTILE = """
# Hostile

## Step

<script>alert(1)</script>

<img src="x" onerror="alert(2)">

[click](javascript:alert(3)) and [ok](https://example.org/page) and <a href="javascript:alert(4)">raw</a>

[ref]: javascript:alert(5)

[also][ref] and ![pic](http://example.org/p.png)

```program
a = 1
```
"""


class Elements(HTMLParser):
    """Every element of a piece of HTML with its attributes (text, escaped tags included, is not one)."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def test_no_raw_html_scripts_handlers_or_javascript_links_survive(client):
    response = parse(client, HOSTILE)
    assert response.status_code == 200, response.text
    html = response.json()["steps"][0]["html"]
    elements = Elements(html).found
    assert {tag for tag, _ in elements} == {"p", "a"}  # no script, img or raw anchor became an element
    assert not [attrs for _, attrs in elements if any(name.startswith("on") for name in attrs)]
    assert [attrs.get("href") for tag, attrs in elements if tag == "a"] == ["https://example.org/page"]
    assert "&lt;script&gt;" in html  # raw HTML is shown as the text it is


def test_the_sanitiser_removes_what_markdown_would_let_through():
    """The second line of defence on its own: nh3 strips tags, handlers and schemes outside its lists."""
    from app.lessons.parse import sanitise

    dirty = (
        '<p onclick="x()">t<script>bad()</script><a href="javascript:y()">l</a><iframe src="/"></iframe></p>'
    )
    assert sanitise(dirty) == '<p>t<a rel="noopener noreferrer">l</a></p>'


@pytest.mark.parametrize(
    ("text", "lines", "words"),
    [
        ("## No title\n\n```program\na = 1\n```\n", [1], "title"),
        ("# Only a title\n", [1], "at least one step"),
        ("# T\n\n## S\n\n```program\na = 2\nb = a *\n```\n", [7], "line 2, column"),  # the file's line
        ("# T\n\n## S\n\n```program\na = 2\n```\n\n```setup\nvalues: q = 1\n```\n", [10], "q"),
        (
            "# T\n\n## S\n\n```program\na = 1\n```\n\n```setup\nmode: dance\nat: never\n```\n",
            [10, 11],
            "mode",
        ),
        (
            "# T\n\n## S\n\n```program\na = 1\n```\n\n```checkpoint\nask: gradient zz\nquestion: ?\n```\n",
            [10],
            "zz",
        ),
        (
            "# T\n\n## S\n\n```program\na = 1\nb = a*2\n```\n\n```checkpoint\ntask: gradient a = 5\n"
            "solution: a = 3\nquestion: ?\n```\n",
            [11],
            "not 5",
        ),
        (
            "# T\n\n## S\n\n```program\na = 1\nc = 5\nb = a + c\n```\n\n```checkpoint\nask: larger a c\n"
            "question: ?\n```\n",
            [12],
            "as large",
        ),
        ("# T\n\n## S\n\n```setup\ntrain: preset=minitorch hidden=999 dataset=mars\n```\n", [6, 6], "hidden"),
        ("# T\n\n## S\n\n```checkpoint\nask: value a\nquestion: ?\n```\n", [6], "program"),
        ("# T\n\n## S\n\n```setup\ntrain: recommended hidden=3\n```\n", [6], "recommended"),
        ("# T\n\n## S\n\n```program\na = 1\n```\n\n```program\nb = 1\n```\n", [9], "one `program`"),
        ("# T\n\n# Two\n\n## S\n\n```program\na = 1\n```\n", [3], "one `# ` title"),
    ],
)
def test_a_malformed_lesson_gets_every_error_with_its_line(client, text, lines, words):
    response = client.post("/api/lessons/parse", json={"markdown": text})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail["code"] == "invalid_lesson"
    assert [error["line"] for error in detail["errors"]] == lines
    assert detail["line"] == lines[0]
    assert words in " ".join(error["message"] for error in detail["errors"])


def test_a_huge_lesson_is_a_clear_413(client):
    response = client.post("/api/lessons/parse", json={"markdown": "# T\n\n" + "x" * MAX_LESSON_CHARS})
    assert response.status_code == 413
    detail = response.json()["detail"]
    assert detail["code"] == "too_large" and f"{MAX_LESSON_CHARS:,}" in detail["message"]
    many = "# T\n" + "".join(f"\n## Step {i}\n\nwords\n" for i in range(61))
    response = client.post("/api/lessons/parse", json={"markdown": many})
    assert response.status_code == 413 and "steps" in response.json()["detail"]["message"]


@pytest.mark.parametrize("body", [{}, {"markdown": 3}, {"markdown": "# T", "extra": 1}])
def test_a_malformed_body_is_a_422(client, body):
    response = client.post("/api/lessons/parse", json=body)
    assert response.status_code == 422 and isinstance(response.json()["detail"], list)


def test_no_lesson_text_is_ever_evaluated_as_python(client):
    """A program block holding Python is a parse error of our language, not something run."""
    response = parse(client, "# T\n\n## S\n\n```program\n__import__('os').system('true')\n```\n")
    assert response.status_code == 422
    assert response.json()["detail"]["errors"][0]["line"] == 6


# -- the published schema --------------------------------------------------------------------------------


def validator(client, path: str, method: str, status: int) -> Draft202012Validator:
    openapi = client.get("/openapi.json").json()
    schema = openapi["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]
    return Draft202012Validator({"components": openapi["components"], **schema})


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"markdown": lesson(FULL)}, 200),
        ({"markdown": "# T\n\n## S\n\n```program\nb = a *\n```\n"}, 422),
        ({"markdown": "x" * (MAX_LESSON_CHARS + 1)}, 413),
        ({"nothing": 1}, 422),
    ],
    ids=["ok", "invalid", "huge", "malformed"],
)
def test_parse_answers_match_the_published_schema(client, body, status):
    response = client.post("/api/lessons/parse", json=body)
    assert response.status_code == status
    errors = list(validator(client, "/api/lessons/parse", "post", status).iter_errors(response.json()))
    assert not errors, errors[0].message


def test_get_answers_match_the_published_schema(client):
    for entry in lessons(client):
        body = client.get(f"/api/lessons/{entry['id']}").json()
        assert validator(client, "/api/lessons/{lesson_id}", "get", 200).is_valid(body)
    assert validator(client, "/api/lessons/{lesson_id}", "get", 404).is_valid(
        client.get("/api/lessons/x").json()
    )


# -- anything a teacher may paste ------------------------------------------------------------------------

FRAGMENTS = [
    "# T\n", "## S\n", "words\n", "```program\n", "```setup\n", "```checkpoint\n", "```\n", "~~~\n",
    "a = 2\n", "b = a*\n", "L = a*b\n", "values: a = 1, q = 2\n", "values: a\n", "at: backward 9\n",
    "at: end\n", "mode: nudge a\n", "mode: nudge\n", "mode: bug\n", "view: train\n", "train: hidden=x\n",
    "train: preset=micrograd learning_rate=0\n", "ask: gradient a\n", "ask: larger a b\n", "ask: value\n",
    "task: gradient a = 0\n", "task: value L = x\n", "solution: b = 0\n", "solution: a = 1, b = 2\n",
    "question: ?\n", "explain: e\n", "<script>x</script>\n", "[l](javascript:x)\n", ": no key\n", "\n",
]  # fmt: skip


@settings(max_examples=150)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=40))
def test_any_text_gets_a_lesson_or_its_errors_never_a_500(client, parts):
    response = client.post("/api/lessons/parse", json={"markdown": "".join(parts)})
    assert response.status_code in (200, 422), response.text[:300]
    if response.status_code == 422:
        errors = response.json()["detail"]["errors"]
        lines = "".join(parts).replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
        assert errors and all(1 <= error["line"] <= lines for error in errors)
