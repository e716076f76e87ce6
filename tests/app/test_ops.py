"""GET /api/ops: the engine's table of operations, as the page reads it."""

from __future__ import annotations

from engine import BUILTINS, DERIVED


def test_ops_are_the_table_in_its_order(client):
    response = client.get("/api/ops")
    assert response.status_code == 200
    ops = response.json()["ops"]
    assert [op["name"] for op in ops] == [op.name for op in BUILTINS]
    for op, declared in zip(ops, BUILTINS, strict=True):
        assert op["rules"] == list(declared.rules) and op["arity"] == declared.arity == len(op["rules"])
        assert (op["symbol"], op["call"], op["display"]) == (declared.symbol, declared.call, declared.display)
        assert op["description"].startswith("f(") and op["formula"] and op["domain"]


def test_each_op_says_its_glyph_and_how_a_program_calls_it(client):
    ops = {op["name"]: op for op in client.get("/api/ops").json()["ops"]}
    glyphs = {name: op["display"] for name, op in ops.items()}
    assert {k: glyphs[k] for k in ("add", "mul", "neg", "inv", "pow", "lt", "eq", "tanh", "max")} == {
        "add": "+", "mul": "×", "neg": "−", "inv": "1/x", "pow": "^", "lt": "<", "eq": "==", "tanh": "tanh",
        "max": "max",
    }  # fmt: skip
    assert ops["softplus"]["call"] == "softplus" and ops["softplus"]["arity"] == 1
    assert ops["max"]["call"] == "max" and ops["min"]["arity"] == 2
    assert ops["add"]["call"] is None and ops["inv"]["symbol"] is None and ops["inv"]["call"] is None
    assert ops["log"]["domain"] == "x > 0"
    assert ops["max"]["rules"][0] == "∂/∂a = 1 if a > b, ½ if a = b, else 0"


def test_derived_operators_say_what_they_are_built_from(client):
    derived = client.get("/api/ops").json()["derived"]
    assert derived == [
        {"name": d.name, "symbol": d.symbol, "formula": d.formula, "uses": list(d.uses)} for d in DERIVED
    ]
    assert derived == [{"name": "gt", "symbol": ">", "formula": "a > b = b < a", "uses": ["lt"]}]


def test_sub_and_div_are_listed_like_the_other_operators(client):
    ops = {op["name"]: op for op in client.get("/api/ops").json()["ops"]}
    assert (ops["sub"]["symbol"], ops["sub"]["arity"], ops["sub"]["rules"]) == (
        "-",
        2,
        ["∂/∂a = 1", "∂/∂b = -1"],
    )
    assert (ops["div"]["symbol"], ops["div"]["rules"]) == ("/", ["∂/∂a = 1/b", "∂/∂b = -a/b²"])
    assert ops["div"]["domain"] == "b ≠ 0" and ops["sub"]["display"] == "−" and ops["div"]["display"] == "÷"
    for expression, op in [("a = 6; b = 3; a - b", "sub"), ("a = 6; b = 3; a / b", "div")]:
        nodes = client.post("/api/graph", json={"expression": expression}).json()["nodes"]
        assert [n["op"] for n in nodes if n["kind"] == "operation"] == [op]


def test_every_function_the_ops_list_runs_in_a_program(client):
    for op in client.get("/api/ops").json()["ops"]:
        if op["call"] is None:
            continue
        arguments = ", ".join(["0.5", "0.25"][: op["arity"]])
        response = client.post("/api/graph", json={"expression": f"{op['call']}({arguments})"})
        assert response.status_code == 200, op["call"]
        assert response.json()["nodes"][-1]["op"] == op["name"]


def test_each_op_carries_its_backward_step_as_micrograd_and_minitorch_code(client):
    ops = {op["name"]: op for op in client.get("/api/ops").json()["ops"]}
    for name, op in ops.items():
        assert len(op["micrograd"]) == op["arity"] and op["minitorch"].startswith("return "), name
        assert isinstance(op["micrograd_native"], bool) and isinstance(op["minitorch_native"], bool)
    assert ops["mul"]["micrograd"] == [
        "{self}.grad += {other.data} * {out.grad}",
        "{other}.grad += {self.data} * {out.grad}",
    ]
    assert ops["mul"]["minitorch"] == "return {b} * {d_output}, {a} * {d_output}"
    assert (ops["mul"]["micrograd_native"], ops["tanh"]["micrograd_native"]) == (True, False)
    assert (
        "lecture" in ops["tanh"]["code_note"] and ops["sub"]["micrograd"][1] == "{other}.grad += -{out.grad}"
    )
