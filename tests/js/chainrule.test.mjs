import { test } from "node:test";
import assert from "node:assert/strict";
import { announce, chainRuleLines } from "../../static/js/core/chainrule.js";
import { setInsteadOfAccumulate } from "../../static/js/core/bug-replay.js";
import { nodeLabels } from "../../static/js/core/notation.js";
import { indexOps } from "../../static/js/core/ops.js";
import { buildTimeline, stateAt } from "../../static/js/core/timeline.js";
import { fixture, program } from "./helpers.mjs";

const OPS = indexOps(fixture("ops").ops);

/** The timeline of a fixture as the page builds it: labels from its program text. */
function timelineOf(name, { bug = false } = {}) {
  const graph = fixture(name);
  const labels = nodeLabels(graph, program(name), OPS);
  return buildTimeline(graph, { labels, bug: bug ? setInsteadOfAccumulate(graph) : undefined });
}

const lines = (timeline, index) => chainRuleLines(timeline, stateAt(timeline, index), OPS);
const texts = (timeline, index) => lines(timeline, index).map((line) => line.text);

test("the lecture's last backward step: total gradients ∂L/∂x, local derivatives with their operation", () => {
  const t = texts(timelineOf("lecture"), 10);
  assert.deepEqual(t, [
    "Backward through e = a·b, ∂L/∂e = -2",
    "∂L/∂a += ∂L/∂e · ∂(a·b)/∂a = (-2)·(-3) = 6",
    "∂(a·b)/∂a = b = -3",
    "∂L/∂b += ∂L/∂e · ∂(a·b)/∂b = (-2)·(2) = -4",
    "∂(a·b)/∂b = a = 2",
  ]);
});

test("the lecture's first backward step is no longer circular: the local derivative is ∂(d·f)/∂d", () => {
  const t = texts(timelineOf("lecture"), 8);
  assert.ok(t.includes("∂L/∂L = 1"));
  assert.ok(t.includes("∂L/∂d += ∂L/∂L · ∂(d·f)/∂d = (1)·(-2) = -2"), t.join("\n"));
  assert.ok(t.includes("∂(d·f)/∂d = f = -2"), t.join("\n"));
  assert.ok(!t.some((line) => line.includes("∂L/∂L · ∂L/∂d")), t.join("\n"));
});

test("a = 3; b = a + a; c = b*b at step 4: numbered inputs, each local derivative once, the total apart", () => {
  const timeline = timelineOf("reuse_twice");
  const all = lines(timeline, 4);
  const t = all.map((line) => line.text);
  assert.equal(t[0], "Backward through c = b₁·b₂, ∂c/∂c = 1");
  assert.ok(t.includes("∂c/∂b += ∂c/∂c · ∂(b₁·b₂)/∂b₁ = (1)·(6) = 6"), t.join("\n"));
  assert.ok(t.includes("∂(b₁·b₂)/∂b₁ = b₂ = 6"), t.join("\n"));
  assert.ok(t.includes("∂(b₁·b₂)/∂b₂ = b₁ = 6"), t.join("\n"));
  assert.ok(!t.some((line) => line.startsWith("∂c/∂b = b")), "the local derivative never reads as the total");
  const totals = all.filter((line) => line.kind === "total").map((line) => line.text);
  assert.deepEqual(totals, ["so far: ∂c/∂b = 6 + 6 = 12  (2 of 2 contributions, complete)"]);
  // The next step: b passes 12 back twice.
  assert.ok(texts(timeline, 5).includes("so far: ∂c/∂a = 12 + 12 = 24  (2 of 2 contributions, complete)"));
});

test("(x·y)^2: the unnamed product is named by its text, the constant by its value, never n2 or n3", () => {
  const timeline = timelineOf("power");
  const all = [];
  for (let i = 0; i <= timeline.total; i++) all.push(...texts(timeline, i));
  const text = all.join("\n");
  assert.ok(!/\bn\d+\b/.test(text), text);
  assert.ok(all.includes("z = (x·y)^2 = (-3)^2 = 9"), text);
  assert.ok(all.includes("∂z/∂(x·y) += ∂z/∂z · ∂((x·y)^2)/∂(x·y) = (1)·(-6) = -6"), text);
  assert.ok(all.includes("∂((x·y)^2)/∂(x·y) = 2·(x·y)^(2-1) = -6"), text);
  assert.ok(all.includes("2 is a constant: no gradient flows into it."), text);
  assert.ok(all.includes("Backward through x·y, ∂z/∂(x·y) = -6"), text);
});

test("an unnamed output is `out`; a square is x₁·x₂", () => {
  const t = texts(timelineOf("unnamed_output"), 3);
  assert.equal(t[0], "Backward through out = x₁·x₂, ∂out/∂out = 1");
  assert.ok(t.includes("∂out/∂x += ∂out/∂out · ∂(x₁·x₂)/∂x₁ = (1)·(1.5) = 1.5"), t.join("\n"));
});

test("forward steps show the formula with the input values", () => {
  const timeline = timelineOf("lecture");
  assert.deepEqual(texts(timeline, 4), ["Forward: e = a·b", "e = a·b = 2·(-3) = -6"]);
  assert.deepEqual(texts(timeline, 1), ["Forward: variable a", "a = 2"]);
  assert.match(texts(timeline, 0)[0], /Before/);
  assert.deepEqual(texts(timelineOf("neuron"), 10), ["Forward: o = tanh(n)", "o = tanh(n) = tanh(0.8814) = 0.7071"]);
});

test("a reused input says += and which contribution it is", () => {
  const t = texts(timelineOf("reuse"), 3);
  assert.ok(t.includes("a is used 2 times: contribution 1 of 2 is added (+=)."), t.join("\n"));
  assert.ok(t.includes("a is used 2 times: contribution 2 of 2 is added (+=)."), t.join("\n"));
  assert.ok(t.includes("so far: ∂b/∂a = 1 + 1 = 2  (2 of 2 contributions, complete)"), t.join("\n"));
});

test("with the += bug the equations say = and the total says what was overwritten", () => {
  const timeline = timelineOf("reuse", { bug: true });
  const state = stateAt(timeline, 3);
  state.rightGrads = stateAt(timelineOf("reuse"), 3).grads;
  const t = chainRuleLines(timeline, state, OPS).map((line) => line.text);
  assert.ok(t.includes("∂b/∂a = ∂b/∂b · ∂(a₁ + a₂)/∂a₂ = (1)·(1) = 1"), t.join("\n"));
  assert.ok(t.includes("a is used 2 times: contribution 2 of 2 overwrites the one before (=): the bug, += belongs here."), t.join("\n"));
  assert.ok(t.includes("∂b/∂a = 1: set, not added (1 overwritten); with += it would be 2"), t.join("\n"));
});

test("a partial graph ends with what failed", () => {
  const graph = {
    output: null,
    nodes: [
      { id: "n0", kind: "variable", op: null, label: "a", value: 0, grad: null, inputs: [], span: { line: 1, column: 1, end_line: 1, end_column: 6, offset: 0, end_offset: 5 } },
      { id: "n1", kind: "operation", op: "log", label: null, value: null, grad: null, inputs: ["n0"], span: { line: 2, column: 5, end_line: 2, end_column: 11, offset: 10, end_offset: 16 } },
    ],
    forward: ["n0", "n1"],
    backward: [],
    failed: "n1",
    failedMessage: "line 2, column 5: log(0.0): value is not a finite number",
  };
  const expression = "a = 0\nb = log(a) + 1";
  const timeline = buildTimeline(graph, { labels: nodeLabels(graph, expression, OPS) });
  assert.equal(timeline.total, 2);
  const t = texts(timeline, 2);
  assert.deepEqual(t, [
    "Forward: log(a) = ln(a)",
    "log(a) = ln(a) = ln(0) = not a finite number",
    "The math failed at log(a): line 2, column 5: log(0.0): value is not a finite number",
  ]);
  assert.equal(stateAt(timeline, 2).values.has("n1"), false, "a failed value is never shown");
});

test("constants and an op-less program are explained, and every step can be announced", () => {
  for (const name of ["affine", "constant_only", "square", "power", "neuron", "typo"]) {
    const timeline = timelineOf(name);
    for (let i = 0; i <= timeline.total; i++) {
      const state = stateAt(timeline, i);
      assert.ok(chainRuleLines(timeline, state, OPS).length > 0);
      assert.match(announce(timeline, state, OPS), new RegExp(`^Step ${i} of ${timeline.total}`));
    }
  }
});

test("a rule by cases says the case it took and why, with the numbers", () => {
  const timeline = timelineOf("cases");
  const all = Array.from({ length: timeline.total }, (_, i) => texts(timeline, i + 1)).flat();
  // max(0, 1 − y·s) with 1 − y·s = 0.3: the first case; relu(s − 2) with s − 2 = −1.3: the else case.
  assert.ok(all.includes("∂max(0, 1 - y·s)/∂(1 - y·s) = 1, since 1 - y·s = 0.3 > 0"), all.join("\n"));
  assert.ok(all.includes("∂max(0, s - 2)/∂(s - 2) = 0, since s - 2 = -1.3 ≤ 0"), all.join("\n"));
  assert.ok(!all.some((line) => /\bif\b|else/.test(line)), "no rule is left with its cases unresolved");
});

test("no line says the same number twice in a row", () => {
  for (const name of ["cases", "long_names", "lecture", "neuron", "power", "affine", "reuse_twice"]) {
    const timeline = timelineOf(name);
    for (let i = 1; i <= timeline.total; i++) {
      for (const text of texts(timeline, i)) {
        assert.doesNotMatch(text, /= (\(?-?[\d.e-]+\)?) = \1(?![\d.])/, `${name} step ${i}: ${text}`);
      }
    }
  }
});

test("a node with a short name is defined where it is computed and called by it after", () => {
  const timeline = timelineOf("long_names");
  const all = Array.from({ length: timeline.total }, (_, i) => texts(timeline, i + 1));
  const forward = all.find((t) => t[0].startsWith("Forward: t₁"));
  assert.deepEqual(forward, ["Forward: t₁ = l3_b0 + h1·l3_w1_0 + h2·l3_w1_1", "t₁ = l3_b0 + h1·l3_w1_0 + h2·l3_w1_1 = 3 + (-1) = 2"]);
  const backward = all.find((t) => t[0].startsWith("Backward through t₁"));
  assert.equal(backward[0], "Backward through t₁ = l3_b0 + h1·l3_w1_0 + h2·l3_w1_1, ∂loss/∂t₁ = 4");
  assert.ok(backward.includes("∂t₁/∂(h2·l3_w1_1) = 1"), backward.join("\n"));
  assert.ok(!all.flat().some((line) => line.includes("…")), "nothing is cut");
});

test("the failing step of a backward failure says where it failed, with what it had", () => {
  const answer = fixture("lecture");
  const e = answer.nodes.find((n) => n.label === "e").id;
  const graph = {
    output: answer.output, nodes: answer.nodes.map((n) => ({ ...n, grad: null })), forward: answer.forward,
    backward: answer.backward.slice(0, 2), failed: e, phase: "backward", failedMessage: "line 4, column 5: not finite",
  };
  const labels = nodeLabels(graph, program("lecture"), OPS);
  const timeline = buildTimeline(graph, { labels });
  assert.deepEqual(texts(timeline, timeline.total), [
    "Backward through e = a·b: the math fails here",
    "∂L/∂e = -2",
    "∂(a·b)/∂a = b at a = 2, b = -3: not a finite number",
    "∂(a·b)/∂b = a at a = 2, b = -3: not a finite number",
    "The math failed at e: line 4, column 5: not finite",
  ]);
  // The steps before it read as in a whole answer.
  assert.equal(texts(timeline, 8)[0], "Backward through L = d·f, ∂L/∂L = 1");
});
