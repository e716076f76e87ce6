"""The REST contract (v1), field by field, with the numbers a learner checks by hand."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NEURON = "o = tanh(x1*w1 + x2*w2 + b)"
NEURON_VALUES = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}


def post(client, expression, **extra):
    return client.post("/api/graph", json={"expression": expression, **extra})


def test_lecture_graph_exact_numbers(client, lecture):
    response = post(client, lecture.one_line)
    assert response.status_code == 200
    body = response.json()
    assert body["value"] == lecture.value == -8.0
    assert body["gradients"] == lecture.gradients == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}
    nodes = {n["id"]: n for n in body["nodes"]}
    assert body["output"] == body["forward"][-1]
    out = nodes[body["output"]]
    assert (out["label"], out["op"], out["kind"], out["grad"]) == ("L", "mul", "operation", 1.0)
    by_label = {n["label"]: n for n in body["nodes"]}
    assert by_label["e"]["value"] == -6.0 and by_label["e"]["grad"] == -2.0
    assert by_label["d"]["value"] == 4.0 and by_label["d"]["grad"] == -2.0
    assert by_label["a"]["kind"] == "variable" and by_label["a"]["op"] is None
    assert by_label["a"]["span"] == {"line": 1, "column": 1, "end_line": 1, "end_column": 6,
                                     "offset": 0, "end_offset": 5}  # fmt: skip
    assert by_label["e"]["inputs"] == [by_label["a"]["id"], by_label["b"]["id"]]
    first = body["backward"][0]
    assert first["node"] == body["output"] and first["grad"] == 1.0
    assert first["contributions"] == [
        {"input": by_label["d"]["id"], "local": -2.0, "contribution": -2.0},
        {"input": by_label["f"]["id"], "local": 4.0, "contribution": 4.0},
    ]
    assert "check" not in body


def test_neuron_numbers(client):
    body = post(client, NEURON, values=NEURON_VALUES).json()
    assert body["value"] == pytest.approx(0.7071067811865476, abs=1e-12)
    grads = body["gradients"]
    assert grads["x1"] == pytest.approx(-1.5) and grads["w1"] == pytest.approx(1.0)
    assert grads["b"] == pytest.approx(0.5) and grads["x2"] == pytest.approx(0.5) and grads["w2"] == 0.0


def test_reuse_keeps_repeats_and_both_contributions(client):
    body = post(client, "x = 3; y = x*x").json()
    (mul,) = [n for n in body["nodes"] if n["kind"] == "operation"]
    assert mul["inputs"] == ["n0", "n0"]
    (step,) = body["backward"]
    assert [c["contribution"] for c in step["contributions"]] == [3.0, 3.0]
    assert body["gradients"] == {"x": 6.0}
    body = post(client, "a = 1; b = a + a; c = b + b").json()
    assert body["gradients"] == {"a": 4.0}


def test_constants_have_null_grad_and_a_contribution_entry(client):
    body = post(client, "x = 2; y = x * 3").json()
    constant = next(n for n in body["nodes"] if n["kind"] == "constant")
    assert constant["grad"] is None and constant["label"] is None and constant["value"] == 3.0
    (step,) = body["backward"]
    assert step["contributions"][1] == {"input": constant["id"], "local": 2.0, "contribution": 2.0}


def test_free_variables_and_values(client, lecture):
    body = post(client, "x*y", values={"x": 2, "y": 5}).json()
    assert body["gradients"] == {"x": 5.0, "y": 2.0}
    body = post(client, lecture.source, values={"a": 3}).json()
    assert body["gradients"]["b"] == -6.0


def test_forward_and_backward_orders(client):
    body = post(client, "a = 2; u = a * 10; b = sin(a) + exp(a) / a; b").json()
    ids = [n["id"] for n in body["nodes"]]
    assert sorted(body["forward"]) == sorted(ids) and len(set(body["forward"])) == len(ids)
    position = {node_id: i for i, node_id in enumerate(body["forward"])}
    for node in body["nodes"]:
        assert all(position[i] < position[node["id"]] for i in node["inputs"])
    operations = [n["id"] for n in body["nodes"] if n["kind"] == "operation"]
    steps = [s["node"] for s in body["backward"]]
    assert sorted(steps) == sorted(operations)
    assert steps == [i for i in reversed(body["forward"]) if i in set(operations)]
    assert steps[0] == body["output"]
    grads = {n["id"]: n["grad"] for n in body["nodes"]}
    for step in body["backward"]:
        assert step["grad"] == grads[step["node"]]
        for c in step["contributions"]:
            assert c["contribution"] == step["grad"] * c["local"]


def test_check_is_there_only_when_asked(client):
    body = post(client, NEURON, values=NEURON_VALUES, check=True).json()
    assert set(body["check"]) == set(NEURON_VALUES)
    for entry in body["check"].values():
        assert entry["ok"] is True
        assert entry["numeric"] == pytest.approx(entry["analytic"], abs=1e-6)


def test_dot_looks_like_micrograd(client, lecture):
    response = client.post("/api/graph/dot", json={"expression": lecture.source})
    assert response.status_code == 200
    dot = response.json()["dot"]
    assert dot.startswith("digraph") and "rankdir=LR" in dot
    assert "{ a | data 2.0000 | grad 6.0000 }" in dot
    assert 'label="mul"' in dot


def test_ops_list_every_function_with_rules(client):
    ops = {op["name"]: op for op in client.get("/api/ops").json()["ops"]}
    for name in ["add", "mul", "neg", "inv", "pow", "exp", "log", "tanh", "sigmoid", "relu", "sin", "cos",
                 "sqrt", "abs", "lt", "eq"]:  # fmt: skip
        assert ops[name]["rules"]
    assert ops["mul"]["rules"] == ["∂/∂a = b", "∂/∂b = a"]


def test_examples_all_run(client):
    examples = client.get("/api/examples").json()["examples"]
    ids = {e["id"] for e in examples}
    assert {"lecture", "neuron", "minitorch", "sine", "square", "reuse"} <= ids
    for example in examples:
        response = post(client, example["expression"])
        assert response.status_code == 200, example
    lecture = next(e for e in examples if e["id"] == "lecture")
    assert post(client, lecture["expression"]).json()["gradients"] == {
        "a": 6.0,
        "b": -4.0,
        "c": -2.0,
        "f": 4.0,
    }


def test_health_docs_and_page(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/openapi.json").json()["paths"]["/api/graph"]["post"]
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"expression": "a = 2\nb = a * * 3"}, 422, "parse_error", ("line", 2)),
        ({"expression": "x * y"}, 422, "unbound_variable", ("names", ["x", "y"])),
        ({"expression": "x", "values": {"x": 1, "q": 2}}, 422, "unknown_variable", ("names", ["q"])),
        ({"expression": "log = 1"}, 422, "reserved_name", ("names", ["log"])),
        ({"expression": "x = 0; log(x)"}, 422, "math_error", ("column", 8)),
        ({"expression": "1/0"}, 422, "math_error", ("line", 1)),
        ({"expression": "exp(1000)"}, 422, "math_error", ("line", 1)),
        ({"expression": "(-8) ** y", "values": {"y": 2}}, 422, "math_error", ("line", 1)),
        ({"expression": "x = 0; sqrt(x)"}, 422, "math_error", ("line", 1)),
        ({"expression": "9**9**9**9"}, 422, "math_error", ("line", 1)),
        ({"expression": "(" * 5000 + "x" + ")" * 5000}, 413, "too_large", ("line", 1)),
        ({"expression": "x" * 200_001}, 413, "too_large", ("line", None)),
        ({"expression": "x = 1\n" + "x = x + 1\n" * 25_001}, 413, "too_large", ("names", [])),
        ({"expression": "__import__('os').system('true')"}, 422, "parse_error", ("column", 12)),
        ({"expression": "x\x00 + 1"}, 422, "parse_error", ("column", 2)),
        ({"expression": ""}, 422, "parse_error", ("line", 1)),
    ],
)
def test_bad_programs_get_a_clear_4xx(client, body, status, code, field):
    response = client.post("/api/graph", json=body)
    assert response.status_code == status
    detail = response.json()["detail"]
    assert detail["code"] == code
    assert detail[field[0]] == field[1]
    assert detail["message"]


def test_lone_surrogates_are_a_parse_error(client):
    raw = b'{"expression": "a = \\ud800"}'
    response = client.post("/api/graph", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"]["code"] == "parse_error"
    assert response.json()["detail"]["column"] == 5


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b'{"expression": 5}',
        b'{"values": {}}',
        b'{"expression": "x", "values": {"x": NaN}}',
        b'{"expression": "x", "values": {"x": Infinity}}',
        b'{"expression": "x", "values": {"x": 1e999}}',
        b'{"expression": "x", "values": {"x": "one"}}',
        b'{"expression": "x", "values": [1]}',
        b'{"expression": "x", "extra": 1}',
        b"[]",
    ],
)
def test_malformed_bodies_get_422(client, raw):
    response = client.post("/api/graph", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


# -- generated programs: the API's gradients match central differences -----------------------------

FUNCS = ["tanh", "sigmoid", "sin", "cos", "exp"]


@st.composite
def programs(draw):
    names = ["x", "y", "z"][: draw(st.integers(1, 3))]
    values = {n: draw(st.floats(-1.5, 1.5).filter(lambda v: abs(v) > 1e-3)) for n in names}

    def expr(depth):
        if depth == 0 or draw(st.booleans()):
            return draw(st.sampled_from([*names, "0.5", "2"]))
        kind = draw(st.sampled_from(["bin", "func", "neg", "pow"]))
        if kind == "bin":
            return f"({expr(depth - 1)} {draw(st.sampled_from(['+', '-', '*']))} {expr(depth - 1)})"
        if kind == "func":
            return f"{draw(st.sampled_from(FUNCS))}({expr(depth - 1)})"
        if kind == "neg":
            return f"-{expr(depth - 1)}"
        return f"({expr(depth - 1)})^2"

    lines = [f"t{i} = {expr(3)}" for i in range(draw(st.integers(0, 2)))]
    pool = [f"t{i}" for i in range(len(lines))] + names
    lines.append(" + ".join(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4))) + f" + {expr(3)}")
    source = "\n".join(lines)
    return source, {n: v for n, v in values.items() if re.search(rf"\b{n}\b", source)}


def _float_eval(source: str, values: dict) -> float:
    from engine.language import evaluate

    return evaluate(source, values).output.value


@given(programs())
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_generated_programs_match_central_differences(client, program):
    source, values = program
    response = post(client, source, values=values)
    if response.status_code != 200:  # e.g. exp overflow: must be a documented error
        assert response.status_code == 422 and response.json()["detail"]["code"] == "math_error"
        return
    body = response.json()
    values = {n["label"]: n["value"] for n in body["nodes"] if n["kind"] == "variable"}
    assert set(values) == set(body["gradients"])
    for name, analytic in body["gradients"].items():
        h = 1e-6
        up, down = dict(values), dict(values)
        up[name] += h
        down[name] -= h
        numeric = (_float_eval(source, up) - _float_eval(source, down)) / (2 * h)
        assert math.isclose(analytic, numeric, rel_tol=1e-4, abs_tol=1e-4 * max(1.0, abs(body["value"]))), (
            source, name, analytic, numeric,
        )  # fmt: skip


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_arbitrary_text_never_gets_a_5xx(client, text):
    response = post(client, text)
    assert response.status_code in (200, 413, 422)
    if response.status_code != 200:
        assert response.json()["detail"]["code"]


def test_the_cycle_collector_stays_on_with_a_larger_first_threshold(client, lecture):
    import gc

    from app.settings import get_settings

    post(client, lecture.source)
    post(client, "log(0)")
    assert gc.isenabled()
    assert gc.get_threshold()[0] == get_settings().gc_threshold


# -- contract extensions: default_value, free, warnings, duplicate_variable -------------------------------


def test_default_value_gives_free_variables_a_value_and_nodes_say_which_are_free(client):
    body = post(client, "a = 2; e = a*x + y", values={"y": 5}, default_value=1.5).json()
    variables = {n["label"]: (n["value"], n["free"]) for n in body["nodes"] if n["kind"] == "variable"}
    assert variables == {"a": (2.0, False), "x": (1.5, True), "y": (5.0, True)}
    assert body["value"] == 8.0 and body["gradients"] == {"a": 1.5, "x": 2.0, "y": 1.0}
    assert all("free" not in n for n in body["nodes"] if n["kind"] != "variable")


def test_without_default_value_missing_free_variables_stay_unbound(client):
    response = post(client, "a = 2; a*x")
    assert response.status_code == 422
    assert response.json()["detail"]["code"] == "unbound_variable"
    assert response.json()["detail"]["names"] == ["x"]


@pytest.mark.parametrize("bad", ["1", None, True, "NaN"])
def test_default_value_must_be_a_finite_number(client, bad):
    content = '{"expression": "x", "default_value": %s}' % (
        "NaN" if bad == "NaN" else __import__("json").dumps(bad)
    )
    response = client.post("/api/graph", content=content, headers={"content-type": "application/json"})
    if bad is None:
        assert response.status_code == 422 and response.json()["detail"]["code"] == "unbound_variable"
    else:
        assert response.status_code == 422 and isinstance(response.json()["detail"], list)


def test_warnings_name_the_typo_the_unused_variable_and_the_dead_statement(client, lecture):
    body = post(client, "a = 2\nb = 5\nunused = a*10\ne = a*bb\ne", default_value=1.0).json()
    assert [(w["code"], w["line"], w["column"], w["names"]) for w in body["warnings"]] == [
        ("unused_variable", 2, 1, ["b"]),
        ("unreachable_statement", 3, 1, ["unused"]),
        ("possible_typo", 4, 7, ["bb", "b"]),
    ]
    assert "did you mean 'b'?" in body["warnings"][2]["message"]
    assert post(client, lecture.source).json()["warnings"] == []


def test_a_variable_declared_twice_has_its_own_code(client):
    response = post(client, "x = 1\ny = x*2\nx = 3\ny")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert (detail["code"], detail["line"], detail["column"], detail["names"]) == (
        "duplicate_variable",
        3,
        1,
        ["x"],
    )


def test_a_math_error_can_carry_the_graph_built_so_far(client):
    source = "x = 2\ny = x*3\nz = log(y - 6) + y"
    plain = post(client, source)
    assert plain.status_code == 422 and set(plain.json()) == {"detail"}
    answer = post(client, source, partial=True)
    assert answer.status_code == 422
    body = answer.json()
    assert body["detail"]["code"] == "math_error" and (body["detail"]["line"], body["detail"]["column"]) == (
        3,
        5,
    )
    partial = body["partial"]
    assert partial["phase"] == "forward"
    assert partial["forward"] == [n["id"] for n in partial["nodes"]]
    by_id = {n["id"]: n for n in partial["nodes"]}
    failed = by_id[partial["failed"]]
    assert (failed["op"], failed["value"], failed["grad"]) == ("log", None, None)
    (argument,) = failed["inputs"]
    assert by_id[argument]["value"] == 0.0  # y - 6
    assert [n["value"] for n in partial["nodes"][:3]] == [2.0, 3.0, 6.0]
    assert all(n["grad"] is None for n in partial["nodes"])
    assert "backward" not in partial  # nothing of the backward pass ran


def test_a_backward_math_error_carries_the_steps_that_succeeded_before_it(client):
    answer = post(client, "x = 2; y = sqrt(x - 2); L = y*x", partial=True)
    assert answer.status_code == 422 and answer.json()["detail"]["code"] == "math_error"
    partial = answer.json()["partial"]
    # x, the constant 2, x - 2 (one sub node), sqrt, L
    assert [n["op"] for n in partial["nodes"]] == [None, None, "sub", "sqrt", "mul"]
    assert partial["phase"] == "backward" and partial["failed"] == "n3"  # sqrt: ∂√u/∂u is infinite at 0
    # L = y*x went through (∂L/∂y = x = 2, ∂L/∂x = y = 0); then sqrt's step failed: no step for it
    assert partial["backward"] == [
        {"node": "n4", "grad": 1.0, "contributions": [{"input": "n3", "local": 2.0, "contribution": 2.0},
                                                      {"input": "n0", "local": 0.0, "contribution": 0.0}]},
    ]  # fmt: skip
    assert all(n["grad"] is None for n in partial["nodes"])


def test_a_gradient_that_adds_up_to_infinity_fails_after_every_step_into_it(client):
    partial = post(client, "x = 1; t = x*x; L = t*1e308", partial=True).json()["partial"]
    # each share into x is 1e308, their sum is not finite: x fails once both steps have run
    assert (partial["phase"], partial["failed"]) == ("backward", "n0")
    share = {"input": "n0", "local": 1.0, "contribution": 1e308}
    assert partial["backward"] == [
        {"node": "n3", "grad": 1.0, "contributions": [{"input": "n1", "local": 1e308, "contribution": 1e308},
                                                      {"input": "n2", "local": 1.0, "contribution": 1.0}]},
        {"node": "n1", "grad": 1e308, "contributions": [share, share]},
    ]  # fmt: skip


def test_a_step_that_fails_half_way_is_not_among_the_steps(client):
    # ∂(x**y)/∂x is finite, ∂(x**y)/∂y = x**y·ln x is not for x < 0: the step fails at its second input.
    partial = post(client, "x = -2; y = 3; L = x ** y", partial=True).json()["partial"]
    assert (partial["phase"], partial["failed"], partial["backward"]) == ("backward", "n2", [])
    partial = post(client, "x = 0; sqrt(x)", partial=True).json()["partial"]  # the very first step fails
    assert (partial["phase"], partial["failed"], partial["backward"]) == ("backward", "n1", [])


def test_a_backward_math_error_carries_the_whole_forward_graph(client):
    body = post(client, "x = 0\ny = sqrt(x)*2", partial=True).json()
    partial = body["partial"]
    assert partial["phase"] == "backward"
    by_id = {n["id"]: n for n in partial["nodes"]}
    assert by_id[partial["failed"]]["op"] == "sqrt" and by_id[partial["failed"]]["value"] == 0.0
    assert [n["label"] for n in partial["nodes"]] == ["x", None, None, "y"]


def test_other_errors_never_carry_a_partial_graph(client):
    for source in ["a +", "x * y", "exp = 2"]:
        assert set(post(client, source, partial=True).json()) == {"detail"}
