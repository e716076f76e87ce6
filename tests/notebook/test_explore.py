"""app.notebook without a browser: explore() on program text, engine Scalars and micrograd Values;
the `answer` trait is POST /api/graph's answer; a changed value recomputes; a student's own gradients
are compared with the engine's."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("anywidget", reason="anywidget is not installed (the notebook extra)")
micrograd = pytest.importorskip(
    "micrograd.engine", reason="micrograd is not installed (the notebook-test extra)"
)

from app.notebook import Explorer, explore  # noqa: E402
from engine import Scalar  # noqa: E402

Value = micrograd.Value


def api_answer(client, program: str, values: dict | None = None, **extra) -> dict:
    response = client.post("/api/graph", json={"expression": program, "values": values or {}, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def test_program_text_answers_what_the_api_answers(client, lecture):
    widget = explore(lecture.source)
    assert isinstance(widget, Explorer)
    assert widget.program == lecture.source
    assert widget.answer == api_answer(client, lecture.source)
    assert widget.error is None and widget.mismatches == [] and widget.step is None
    assert widget.ops == client.get("/api/ops").json()["ops"]  # for the glyphs and the chain-rule text


def test_new_values_recompute_in_the_kernel(client, lecture):
    widget = explore(lecture.source)
    widget.values = {"a": 5, "f": -1.5}
    assert widget.values == {"a": 5.0, "f": -1.5}
    assert widget.answer == api_answer(client, lecture.source, {"a": 5.0, "f": -1.5})
    assert widget.answer["value"] == (5 * -3 + 10) * -1.5


def test_free_variables_start_at_one_as_on_the_page(client):
    widget = explore("L = x*y + z", values={"z": 4})
    assert widget.answer == api_answer(client, "L = x*y + z", {"z": 4.0}, default_value=1.0)
    assert widget.answer["value"] == 5.0


def test_a_bad_value_is_refused_with_its_name():
    widget = explore("L = x*x")
    with pytest.raises(Exception, match=r"values\['x'\] must be a number"):
        widget.values = {"x": "two"}
    with pytest.raises(Exception, match="must be a number"):
        widget.values = {"x": True}
    assert widget.values == {}


def test_program_errors_are_the_apis_errors(client):
    widget = explore("a = 2\nb = a **")
    assert widget.answer is None
    detail = client.post("/api/graph", json={"expression": "a = 2\nb = a **"}).json()["detail"]
    assert widget.error == detail and widget.error["code"] == "parse_error" and widget.error["line"] == 2
    widget.program = "a = 2\nb = log(a - 5)"
    assert widget.error["code"] == "math_error" and "log" in widget.error["message"]
    widget.program = "a = 2\nb = a ** 2"
    assert widget.error is None and widget.answer["value"] == 4.0


def test_explore_refuses_what_it_cannot_read():
    with pytest.raises(TypeError, match="program text, an engine Scalar or a micrograd Value, not int"):
        explore(3)


def lecture_values():
    a = Value(2.0)
    b = Value(-3.0)
    c = Value(10.0)
    e = a * b
    d = e + c
    f = Value(-2.0)
    L = d * f
    return a, b, c, d, e, f, L


def test_a_micrograd_value_is_its_graph_with_the_notebooks_names():
    a, b, c, d, e, f, L = lecture_values()  # noqa: RUF059  (the names explore finds)
    widget = explore(L)
    statements = dict(line.split(" = ") for line in widget.program.splitlines())
    assert statements["a"] == "2" and statements["b"] == "-3" and statements["f"] == "-2"
    assert statements["e"] in ("a * b", "b * a") and statements["L"] in ("d * f", "f * d")
    assert widget.answer["value"] == L.data == -8.0
    assert widget.answer["gradients"] == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}
    assert widget.mismatches == []  # no backward() yet: nothing of the student's to compare


def test_microgrands_subtraction_division_powers_and_functions():
    x = Value(0.7)
    y = Value(-1.3)
    out = ((x - y) / (x * x + 1) + (-y) ** 3 + (x * y).relu() + y.relu() + (x * 2) ** 0.5 - 1) * x
    out.backward()
    widget = explore(out)
    assert math.isclose(widget.answer["value"], out.data, rel_tol=1e-12)
    assert math.isclose(widget.answer["gradients"]["x"], x.grad, rel_tol=1e-9)
    assert math.isclose(widget.answer["gradients"]["y"], y.grad, rel_tol=1e-9)
    assert widget.mismatches == []  # micrograd's own backward() agrees with the engine everywhere
    assert "relu(" in widget.program and "** (-1)" in widget.program  # division as micrograd builds it


def test_a_value_used_twice_keeps_both_edges():
    a = Value(3.0)
    out = a * a + a  # micrograd keeps a*a's inputs in a set: one child, used twice
    out.backward()
    widget = explore(out)
    assert widget.answer["gradients"]["a"] == 7.0 == a.grad
    assert widget.mismatches == []


class LectureValue:
    """The lecture's own Value, as a student writes it: labels, + * tanh exp (read duck-typed)."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data, self.grad, self._prev, self._op, self.label = data, 0.0, set(_children), _op, label

    def __add__(self, other):
        return LectureValue(self.data + other.data, (self, other), "+")

    def __mul__(self, other):
        return LectureValue(self.data * other.data, (self, other), "*")

    def tanh(self):
        return LectureValue(math.tanh(self.data), (self,), "tanh")

    def exp(self):
        return LectureValue(math.exp(self.data), (self,), "exp")


def test_tanh_exp_and_labels_from_the_lectures_value():
    w = LectureValue(-3.0, label="w1")
    n = w * LectureValue(2.0, label="x1") + LectureValue(6.8813735870195432, label="b")
    n.label = "n"
    o = n.tanh().exp()
    o.label = "o"
    widget = explore(o)
    assert "n = " in widget.program and "tanh(n)" in widget.program and "o = exp(" in widget.program
    t = math.tanh(-6.0 + 6.8813735870195432)
    assert math.isclose(widget.answer["value"], math.exp(t), rel_tol=1e-12)
    assert math.isclose(widget.answer["gradients"]["w1"], math.exp(t) * (1 - t**2) * 2, rel_tol=1e-9)


def test_a_students_wrong_gradients_are_listed_by_node():
    a, b, c, d, e, f, L = lecture_values()  # noqa: RUF059  (the names explore finds)
    L.backward()
    assert explore(L).mismatches == []
    a.grad = 6.5  # a student's bug in one place
    widget = explore(L)
    by_label = {node["id"]: node["label"] for node in widget.answer["nodes"]}
    assert [(by_label[m["node"]], m["own"], m["engine"]) for m in widget.mismatches] == [("a", 6.5, 6.0)]
    a.grad = 6.0 * (1 + 1e-12)  # within 1e-9 relative: the same gradient
    assert explore(L).mismatches == []
    a.grad = 6.5
    widget = explore(L)
    widget.values = {"a": 4.0}  # other values: the student's gradients are about the old ones
    assert widget.mismatches == []


def test_an_engine_scalar_keeps_its_names_and_agrees_with_itself():
    x = Scalar(2.0, name="x")
    y = Scalar(-0.5, name="y")
    out = (x * y).sigmoid() + x.log()
    out.backward()
    widget = explore(out)
    assert widget.answer["gradients"] == {"x": pytest.approx(x.derivative), "y": pytest.approx(y.derivative)}
    assert widget.mismatches == []
    x.derivative = 0.0
    assert [m["own"] for m in explore(out).mismatches] == [0.0]


def test_an_unknown_micrograd_operation_is_named():
    a = Value(2.0)
    odd = Value(1.0, (a,), "sigmoid")
    with pytest.raises(ValueError, match="'sigmoid'"):
        explore(odd)
