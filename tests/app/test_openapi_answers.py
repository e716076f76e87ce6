"""Real answers against the OpenAPI document the app publishes.

POST /api/graph sends pre-serialised bytes, so FastAPI never applies its response_model: nothing but
this test keeps what the API says (the schema at /openapi.json, what /docs shows) and what it sends
the same. Every documented status of every graph path is exercised with real programs, and each
answer is validated against the schema the document gives for that path and status.
"""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from app.examples import EXAMPLES

COLUMNS = {"format": "columns", "default_value": 1.0}
PROGRAMS = [
    ({"expression": "a = 2; b = -3; c = 10; e = a*b; d = e + c; f = -2; L = d*f"}, 200),
    ({"expression": "o = tanh(x1*w1 + x2*w2 + b)", "default_value": 0.5, "check": True}, 200),
    ({"expression": "x = 3; y = x*x - x/2 + (x > 1) + (x == 3) + abs(-x)**0.5"}, 200),
    ({"expression": "a = 2\nb = 5\nunused = a*10\ne = a*bb\ne", "default_value": 1.0}, 200),  # warnings
    ({"expression": "x = 0; relu(x) + sqrt(4)", "check": True}, 200),
    ({"expression": "L = 3"}, 200),
    ({**COLUMNS, "expression": "o = tanh(x1*w1 + x2*w2 + b)", "check": True}, 200),
    ({**COLUMNS, "expression": "a = 2\nb = 5\nunused = a*10\ne = a*bb\ne"}, 200),  # warnings
    ({**COLUMNS, "expression": "L = sqrt(0) + x"}, 200),  # a null local derivative
    ({"expression": "a = 2\nb = a * * 3"}, 422),  # parse_error
    ({"expression": "exp = 2"}, 422),  # reserved_name
    ({"expression": "x = 1; x = 2; x"}, 422),  # duplicate_variable
    ({"expression": "x * y"}, 422),  # unbound_variable
    ({"expression": "a = 1; a", "values": {"zz": 1.0}}, 422),  # unknown_variable
    ({"expression": "x = 0; log(x)"}, 422),  # math_error
    ({"expression": "x = 2; y = x*3; log(y - 6) + y", "partial": True}, 422),  # math_error, the graph so far
    ({"expression": "x = 0; sqrt(x)*2", "partial": True}, 422),  # a backward math_error, the whole graph
    # a backward math_error after a step that succeeded: the steps before it, in both forms
    ({"expression": "x = 2; y = sqrt(x - 2); L = y*x", "partial": True}, 422),
    ({**COLUMNS, "expression": "x = 2; y = sqrt(x - 2); L = y*x", "partial": True}, 422),
    ({"expression": "(" * 201 + "x" + ")" * 201}, 413),  # too_large
    ({"expression": 3}, 422),  # a malformed body: FastAPI's list-shaped detail
    ({"nothing": "here"}, 422),
] + [({"expression": example["expression"], "check": True}, 200) for example in EXAMPLES]


@pytest.fixture(scope="module")
def openapi(client):
    return client.get("/openapi.json").json()


def response_validator(openapi: dict, path: str, status: int) -> Draft202012Validator:
    """A validator for the schema the document gives for one path's answer with one status."""
    documented = openapi["paths"][path]["post"]["responses"]
    assert str(status) in documented, f"{path} does not document status {status}"
    schema = documented[str(status)]["content"]["application/json"]["schema"]
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema", "components": openapi["components"],
            **schema}  # fmt: skip
    Draft202012Validator.check_schema(root)
    return Draft202012Validator(root)


@pytest.mark.parametrize("path", ["/api/graph", "/api/graph/dot"])
@pytest.mark.parametrize(("body", "status"), PROGRAMS, ids=lambda p: str(p)[:40])
def test_answers_match_the_published_schema(client, openapi, path, body, status):
    response = client.post(path, json=body)
    assert response.status_code == status, response.text[:300]
    errors = sorted(response_validator(openapi, path, status).iter_errors(response.json()), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_the_schema_is_strict_enough_to_catch_a_drift(openapi):
    """An answer with an undocumented key, or a node without its span, is refused by the schema."""
    validator = response_validator(openapi, "/api/graph", 200)
    span = {"line": 1, "column": 1, "end_line": 1, "end_column": 6, "offset": 0, "end_offset": 5}
    node = {"id": "n0", "kind": "variable", "op": None, "label": "a", "value": 1.0, "grad": 1.0, "inputs": [],
            "free": False, "span": span}  # fmt: skip
    answer = {"output": "n0", "value": 1.0, "gradients": {"a": 1.0}, "nodes": [node], "forward": ["n0"],
              "backward": [], "warnings": []}  # fmt: skip
    assert validator.is_valid(answer)
    assert not validator.is_valid({**answer, "surprise": 1})
    assert not validator.is_valid({**answer, "nodes": [{k: v for k, v in node.items() if k != "span"}]})
    assert not validator.is_valid({**answer, "warnings": [{"code": "made_up", "message": "m", "line": 1,
                                                           "column": 1, "names": []}]})  # fmt: skip


def test_the_schema_checks_the_steps_of_a_partial_graph(client, openapi):
    validator = response_validator(openapi, "/api/graph", 422)
    answer = client.post(
        "/api/graph", json={"expression": "x = 2; y = sqrt(x - 2); L = y*x", "partial": True}
    )
    body = answer.json()
    assert validator.is_valid(body) and body["partial"]["backward"]
    step = body["partial"]["backward"][0]
    for wrong in (
        {**step, "surprise": 1},
        {k: v for k, v in step.items() if k != "grad"},
        {**step, "grad": None},
    ):
        assert not validator.is_valid({**body, "partial": {**body["partial"], "backward": [wrong]}})


def test_the_schema_holds_the_columns_answer_too(client, openapi):
    validator = response_validator(openapi, "/api/graph", 200)
    answer = client.post("/api/graph", json={**COLUMNS, "expression": "L = sqrt(0) + x"}).json()
    assert answer["backward"]["locals"][-1] is None
    assert validator.is_valid(answer)
    assert not validator.is_valid({**answer, "surprise": 1})
    assert not validator.is_valid({**answer, "spans": {"starts": [0, 0, 0, 0]}})
    assert not validator.is_valid({**answer, "format": "rows"})
