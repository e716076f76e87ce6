import { test } from "node:test";
import assert from "node:assert/strict";
import {
  edgeText,
  gradientSymbol,
  inputNames,
  localRuleText,
  nodeLabels,
  operationText,
  isShortName,
  shorten,
  sourceLabel,
  wrap,
} from "../../static/js/core/notation.js";
import { indexOps } from "../../static/js/core/ops.js";
import { fixture, program } from "./helpers.mjs";

const OPS = indexOps(fixture("ops").ops);
const labelsOf = (name) => nodeLabels(fixture(name), program(name), OPS);

test("named nodes keep their names; constants are their values; an unnamed output is out", () => {
  assert.deepEqual([...labelsOf("lecture").values()], ["a", "b", "c", "e", "d", "f", "L"]);
  assert.deepEqual([...labelsOf("power").values()], ["x", "y", "x·y", "2", "z"]);
  assert.deepEqual([...labelsOf("unnamed_output").values()], ["x", "out"]);
  assert.deepEqual([...labelsOf("affine").values()], ["2", "x", "2·x", "1", "y"]);
});

test("unnamed nodes are read from their source text", () => {
  const labels = labelsOf("neuron");
  assert.equal(labels.get("n7"), "x1w1 + x2w2");
  assert.equal(sourceLabel("x1 * w1"), "x1·w1");
  assert.equal(sourceLabel("x**2"), "x^2");
  assert.equal(sourceLabel("- 1"), "-1");
  assert.equal(sourceLabel("/y"), "1/y");
  assert.equal(sourceLabel("tanh(a\n  + b)"), "tanh(a + b)");
});

test("an unnamed node whose text is too long gets a short stable name, t₁, in forward order", () => {
  const labels = labelsOf("long_names");
  const graph = fixture("long_names");
  const sum = graph.nodes.find((n) => n.op === "add" && n.inputs.length === 2 && labels.get(n.inputs[1]) === "h2·l3_w1_1");
  assert.equal(labels.get(sum.id), "t₁");
  assert.equal(labels.get(sum.inputs[0]), "l3_b0 + h1·l3_w1_0"); // 18 characters: still its text
  assert.ok(![...labels.values()].some((label) => label.includes("…")));
  // The same structure gives the same names (a recompute keeps them).
  assert.deepEqual([...nodeLabels(graph, program("long_names"), OPS)], [...labels]);
  // Without source text: the formula over the inputs' names when short, else a short name too.
  const bare = nodeLabels(graph, null, OPS);
  assert.equal(bare.get(sum.id), "t₁");
  assert.ok(isShortName("t₁₂") && !isShortName("t1") && !isShortName("t"));
});

test("long labels are cut in the middle, to 18 characters", () => {
  assert.equal(shorten("tanh(s_0·w + c_1)"), "tanh(s_0·w + c_1)");
  const long = shorten("-x^2 + exp(x) + z + 2·y");
  assert.equal(long, "-x^2 + ex…z + 2·y"); // 18 characters, less the blank beside the cut
  assert.ok([...shorten("a".repeat(40))].length === 18);
  // A graph whose own names collide with `out` keeps both apart.
  const graph = { output: "n1", forward: ["n0", "n1"], nodes: [
    { id: "n0", kind: "variable", label: "out", value: 1, inputs: [] },
    { id: "n1", kind: "operation", op: "mul", label: null, value: 1, inputs: ["n0", "n0"] },
  ] };
  assert.equal(nodeLabels(graph, "out = 1\nout*out", OPS).get("n1"), "output");
});

test("without source text an unnamed node is its formula over its inputs' names", () => {
  const graph = fixture("power");
  const labels = nodeLabels(graph, null, OPS);
  assert.equal(labels.get("n2"), "x·y");
});

test("total gradients parenthesise compound names", () => {
  assert.equal(gradientSymbol("L", "a"), "∂L/∂a");
  assert.equal(gradientSymbol("z", "x·y"), "∂z/∂(x·y)");
  assert.equal(gradientSymbol("out", "tanh(n)"), "∂out/∂tanh(n)");
  assert.equal(wrap("b₁"), "b₁");
  assert.equal(wrap("1e-7"), "1e-7");
});

test("an input used twice is numbered; local derivatives carry their operation", () => {
  const graph = fixture("reuse_twice");
  const labels = labelsOf("reuse_twice");
  const c = graph.nodes.find((n) => n.label === "c");
  assert.deepEqual(inputNames(c, labels), ["b₁", "b₂"]);
  assert.equal(operationText(c, labels, OPS), "b₁·b₂");
  assert.equal(localRuleText(c, 0, labels, OPS, 6), "∂(b₁·b₂)/∂b₁ = b₂ = 6");
  const b = graph.nodes.find((n) => n.label === "b");
  assert.equal(localRuleText(b, 1, labels, OPS, 1), "∂(a₁ + a₂)/∂a₂ = 1");
});

test("formulas parenthesise only where the reading needs it", () => {
  const labels = new Map([["p", "x·y"], ["s", "a + b"], ["m", "-1"], ["k", "2"], ["t", "tanh(n)"], ["q", "q"]]);
  const node = (op, ...inputs) => ({ id: "r", kind: "operation", op, inputs });
  assert.equal(operationText(node("pow", "p", "k"), labels, OPS), "(x·y)^2");
  assert.equal(operationText(node("mul", "p", "q"), labels, OPS), "x·y·q");
  assert.equal(operationText(node("mul", "s", "q"), labels, OPS), "(a + b)·q");
  assert.equal(operationText(node("add", "p", "m"), labels, OPS), "x·y + (-1)");
  assert.equal(operationText(node("add", "s", "q"), labels, OPS), "a + b + q");
  assert.equal(operationText(node("tanh", "p"), labels, OPS), "tanh(x·y)");
  assert.equal(operationText(node("exp", "t"), labels, OPS), "e^tanh(n)");
  assert.equal(operationText(node("neg", "s"), labels, OPS), "-(a + b)");
  assert.equal(localRuleText(node("tanh", "q"), 0, labels, OPS, 0.5), "∂tanh(q)/∂q = 1 - tanh²q = 0.5");
  assert.equal(operationText(node("nosuchop", "q", "k"), labels, OPS), "nosuchop(q, 2)");
});

test("an edge in a backward step carries its local derivative and contribution", () => {
  assert.equal(edgeText(-3, 6), "×(-3) → 6");
  assert.equal(edgeText(0.5, 0.25), "×(0.5) → 0.25");
});

test("the DOT export names unnamed nodes as the page does", async () => {
  const { relabelDot } = await import("../../static/js/core/notation.js");
  const dot = [
    "digraph backprop {",
    '  n0 [shape=record, label="{ x | data 1.5000 | grad 12.0000 }"];',
    '  n2 [shape=record, label="{  | data -3.0000 | grad -6.0000 }"];',
    '  n3 [shape=record, style=dashed, label="{ const | data 2.0000 }"];',
    "}",
  ].join("\n");
  const labels = new Map([["n0", "x"], ["n2", "x·y"], ["n3", "2"], ["n9", "a|b"]]);
  const out = relabelDot(dot, labels).split("\n");
  assert.equal(out[1], '  n0 [shape=record, label="{ x | data 1.5000 | grad 12.0000 }"];');
  assert.equal(out[2], '  n2 [shape=record, label="{ x·y | data -3.0000 | grad -6.0000 }"];');
  assert.equal(out[3], '  n3 [shape=record, style=dashed, label="{ const | data 2.0000 }"];');
  assert.equal(relabelDot('  n9 [shape=record, label="{  | data 1 }"];', labels), '  n9 [shape=record, label="{ a\\|b | data 1 }"];');
});

test("a difference and a quotient read as typed: sub and div nodes, negative constants", () => {
  // The table's rows for sub and div as GET /api/ops serves an operation (formula and rules).
  const ops = indexOps([
    ...fixture("ops").ops,
    { name: "sub", symbol: "-", formula: "a - b", rules: ["∂/∂a = 1", "∂/∂b = -1"], arity: 2 },
    { name: "div", symbol: "/", formula: "a / b", rules: ["∂/∂a = 1/b", "∂/∂b = -a/b²"], arity: 2 },
  ]);
  const labels = new Map([["out", "out"], ["one", "1"], ["x", "x"], ["four", "4"], ["s", "a + b"], ["p", "x·y"], ["m", "-1"], ["s2", "c + d"], ["p2", "u·v"]]);
  const node = (op, ...inputs) => ({ id: "r", kind: "operation", op, inputs });
  const L = node("sub", "out", "one");
  assert.equal(operationText(L, labels, ops), "out - 1");
  assert.equal(localRuleText(L, 0, labels, ops, 1), "∂(out - 1)/∂out = 1");
  const y = node("div", "x", "four");
  assert.equal(operationText(y, labels, ops), "x / 4");
  assert.equal(localRuleText(y, 0, labels, ops, 0.25), "∂(x / 4)/∂x = 1/4 = 0.25");
  assert.equal(operationText(node("sub", "s", "s2"), labels, ops), "a + b - (c + d)");
  assert.equal(operationText(node("sub", "p", "p2"), labels, ops), "x·y - u·v");
  assert.equal(operationText(node("div", "p", "s"), labels, ops), "x·y / (a + b)");
  assert.equal(operationText(node("mul", "x", "m"), labels, ops), "x·(-1)");
  assert.equal(localRuleText(node("sub", "x", "s"), 1, labels, ops, -1), "∂(x - (a + b))/∂(a + b) = -1");
});
