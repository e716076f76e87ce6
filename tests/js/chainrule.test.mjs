import { test } from "node:test";
import assert from "node:assert/strict";
import { announce, chainRuleLines, describeOperation, describeRule } from "../../static/js/chainrule.js";
import { indexOps } from "../../static/js/ops.js";
import { buildTimeline, stateAt } from "../../static/js/timeline.js";
import { fixture } from "./helpers.mjs";

const OPS = indexOps([
  { name: "add", symbol: "+", formula: "a + b", rules: ["∂/∂a = 1", "∂/∂b = 1"], arity: 2 },
  { name: "mul", symbol: "*", formula: "a · b", rules: ["∂/∂a = b", "∂/∂b = a"], arity: 2 },
  { name: "tanh", symbol: null, formula: "tanh x", rules: ["∂/∂x = 1 - tanh²x"], arity: 1 },
  { name: "sigmoid", symbol: null, formula: "σ(x) = 1/(1 + e^-x)", rules: ["∂/∂x = σ(x)·(1 - σ(x))"], arity: 1 },
]);

const texts = (lines) => lines.map((line) => line.text);

test("the lecture's last backward step reads like the lecture", () => {
  const timeline = buildTimeline(fixture("lecture"));
  const lines = texts(chainRuleLines(timeline, stateAt(timeline, 10), OPS));
  assert.ok(lines.includes("∂L/∂a += ∂L/∂e · ∂e/∂a = (-2)·(-3) = 6"), lines.join("\n"));
  assert.ok(lines.includes("∂e/∂a = b = -3"), lines.join("\n"));
  assert.ok(lines.includes("∂L/∂b += ∂L/∂e · ∂e/∂b = (-2)·(2) = -4"), lines.join("\n"));
});

test("the first backward step starts with dL/dL = 1", () => {
  const timeline = buildTimeline(fixture("lecture"));
  const lines = texts(chainRuleLines(timeline, stateAt(timeline, 8), OPS));
  assert.ok(lines.includes("∂L/∂L = 1"));
  assert.ok(lines.includes("∂L/∂d += ∂L/∂L · ∂L/∂d = (1)·(-2) = -2"), lines.join("\n"));
});

test("forward steps show the formula and the value", () => {
  const timeline = buildTimeline(fixture("lecture"));
  const lines = texts(chainRuleLines(timeline, stateAt(timeline, 4), OPS));
  assert.ok(lines.includes("e = a · b = -6"), lines.join("\n"));
  assert.deepEqual(texts(chainRuleLines(timeline, stateAt(timeline, 1), OPS)).slice(1), ["a = 2"]);
  assert.match(texts(chainRuleLines(timeline, stateAt(timeline, 0), OPS))[0], /Before/);
});

test("a reused input says += and how many contributions it has had", () => {
  const timeline = buildTimeline(fixture("reuse"));
  const lines = texts(chainRuleLines(timeline, stateAt(timeline, timeline.total), OPS));
  assert.ok(lines.some((t) => t.includes("contribution 1 of 2")), lines.join("\n"));
  assert.ok(lines.some((t) => t.includes("contribution 2 of 2")), lines.join("\n"));
  assert.ok(lines.includes("∂b/∂a so far: 2"), lines.join("\n"));
});

test("placeholders are replaced as whole words only, unlabeled nodes use ids", () => {
  const nodeById = new Map([
    ["n0", { id: "n0", label: "a", kind: "variable", inputs: [] }],
    ["n1", { id: "n1", label: "", kind: "operation", op: "tanh", inputs: ["n0"] }],
    ["n2", { id: "n2", label: "y", kind: "operation", op: "sigmoid", inputs: ["n1"] }],
  ]);
  assert.equal(describeOperation(nodeById.get("n1"), nodeById, OPS), "tanh a");
  assert.equal(describeRule(nodeById.get("n1"), 0, nodeById, OPS), "∂n1/∂a = 1 - tanh²a");
  assert.equal(describeOperation(nodeById.get("n2"), nodeById, OPS), "σ(n1)");
});

test("constants and an op-less program are explained, and every step can be announced", () => {
  for (const name of ["affine", "constant_only", "square"]) {
    const timeline = buildTimeline(fixture(name));
    for (let i = 0; i <= timeline.total; i++) {
      const state = stateAt(timeline, i);
      assert.ok(chainRuleLines(timeline, state, OPS).length > 0);
      assert.match(announce(timeline, state, OPS), new RegExp(`^Step ${i} of ${timeline.total}`));
    }
  }
});
