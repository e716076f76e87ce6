import { test } from "node:test";
import assert from "node:assert/strict";
import { buildTimeline, clampStep, stateAt } from "../../static/js/core/timeline.js";
import { fixture } from "./helpers.mjs";

test("the timeline is one step per forward node, then one per backward entry", () => {
  const graph = fixture("lecture");
  const timeline = buildTimeline(graph);
  assert.equal(timeline.forwardCount, 7);
  assert.equal(timeline.backwardCount, 3);
  assert.equal(timeline.total, 10);
  assert.deepEqual(timeline.steps.slice(0, 7).map((s) => s.node), graph.forward);
  assert.ok(timeline.steps[7].seed);
});

test("step 0 shows nothing; forward steps reveal values in order", () => {
  const graph = fixture("lecture");
  const timeline = buildTimeline(graph);
  const start = stateAt(timeline, 0);
  assert.equal(start.phase, "start");
  assert.equal(start.values.size, 0);
  assert.equal(start.grads.size, 0);
  const third = stateAt(timeline, 3);
  assert.equal(third.phase, "forward");
  assert.deepEqual([...third.values.keys()], graph.forward.slice(0, 3));
  assert.equal(third.active, graph.forward[2]);
  assert.equal(third.grads.size, 0);
});

test("backward: the output gets 1 first, inputs receive their contributions", () => {
  const graph = fixture("lecture");
  const timeline = buildTimeline(graph);
  const first = stateAt(timeline, 8);
  assert.equal(first.phase, "backward");
  assert.equal(first.grads.get(graph.output), 1);
  assert.equal(first.grads.get("n4"), -2); // d
  assert.equal(first.grads.get("n5"), 4); // f
  assert.equal(first.grads.has("n0"), false); // a: not reached yet
  assert.deepEqual(first.activeEdges.map((e) => e.source), ["n4", "n5"]);
  assert.deepEqual([...first.changed].sort(), ["n4", "n5", "n6"]);
});

test("the end shows every non-constant node's final gradient exactly as the API has it", () => {
  for (const name of ["lecture", "reuse", "square", "affine", "constant_only"]) {
    const graph = fixture(name);
    const timeline = buildTimeline(graph);
    const end = stateAt(timeline, timeline.total);
    for (const node of graph.nodes) {
      assert.equal(end.values.get(node.id), node.value, `${name} ${node.id} value`);
      if (node.kind === "constant") assert.equal(end.grads.has(node.id), false, `${name} ${node.id}`);
      else assert.equal(end.grads.get(node.id), node.grad, `${name} ${node.id} grad`);
    }
  }
});

test("a reused input accumulates: partial sum, then +=", () => {
  const graph = fixture("reuse"); // a = 3; b = a + a
  const timeline = buildTimeline(graph);
  assert.equal(timeline.contributionTotals.get("n0"), 2);
  const end = stateAt(timeline, timeline.total);
  assert.equal(end.grads.get("n0"), 2);
  assert.ok(end.accumulated.has("n0"));
  assert.equal(end.received.get("n0"), 2);
});

test("a program with no operation still seeds the output with gradient 1", () => {
  const graph = fixture("constant_only");
  const timeline = buildTimeline(graph);
  assert.equal(timeline.total, 2);
  const end = stateAt(timeline, timeline.total);
  assert.equal(end.phase, "backward");
  assert.equal(end.grads.get(graph.output), 1);
});

test("constants never get a gradient", () => {
  const graph = fixture("affine");
  const timeline = buildTimeline(graph);
  const constants = graph.nodes.filter((n) => n.kind === "constant").map((n) => n.id);
  assert.ok(constants.length > 0);
  for (let i = 0; i <= timeline.total; i++) {
    const state = stateAt(timeline, i);
    for (const id of constants) assert.equal(state.grads.has(id), false);
  }
});

test("steps are clamped", () => {
  const timeline = buildTimeline(fixture("lecture"));
  assert.equal(clampStep(timeline, -3), 0);
  assert.equal(clampStep(timeline, 99), 10);
  assert.equal(clampStep(timeline, Number.NaN), 0);
  assert.equal(stateAt(timeline, 99).index, 10);
});

test("each node's contributions so far are kept in order, and a gradient is complete once all arrived", async () => {
  const { completeGradients } = await import("../../static/js/core/timeline.js");
  const graph = fixture("reuse_twice"); // a = 3; b = a + a; c = b*b: 3 forward steps, 2 backward
  const timeline = buildTimeline(graph);
  const first = stateAt(timeline, 4);
  assert.deepEqual(first.parts.get("n1"), [6, 6]);
  assert.deepEqual([...completeGradients(timeline, first)].sort(), ["n1", "n2"]);
  const end = stateAt(timeline, 5);
  assert.deepEqual(end.parts.get("n0"), [12, 12]);
  assert.ok(completeGradients(timeline, end).has("n0"));
  // The lecture's a: not reached until the last step.
  const lecture = buildTimeline(fixture("lecture"));
  assert.equal(completeGradients(lecture, stateAt(lecture, 9)).has("n0"), false);
  assert.equal(completeGradients(lecture, stateAt(lecture, 10)).has("n0"), true);
});

test("a partial graph (a math error) has only its forward pass, and a failed value is never shown", () => {
  const graph = {
    output: null,
    nodes: [
      { id: "n0", kind: "variable", op: null, label: "a", value: 0, grad: null, inputs: [] },
      { id: "n1", kind: "operation", op: "log", label: null, value: null, grad: null, inputs: ["n0"] },
    ],
    forward: ["n0", "n1"],
    backward: [],
    failed: "n1",
  };
  const timeline = buildTimeline(graph);
  assert.deepEqual([timeline.forwardCount, timeline.backwardCount, timeline.total], [2, 0, 2]);
  const end = stateAt(timeline, 2);
  assert.deepEqual([...end.values.keys()], ["n0"]);
  assert.equal(end.active, "n1");
  assert.equal(end.grads.size, 0);
});

test("a backward failure: the forward pass, the steps that succeeded, then the failing node's step", () => {
  // The contract's partial answer (DESIGN.md, "Request partial"): nodes without gradients, the steps
  // that succeeded before the failure in `backward`, the failing node in `failed`.
  const answer = fixture("lecture");
  const nodes = answer.nodes.map((n) => ({ ...n, grad: null }));
  const e = answer.nodes.find((n) => n.label === "e").id;
  const graph = { output: answer.output, nodes, forward: answer.forward, backward: answer.backward.slice(0, 2), failed: e, phase: "backward" };
  const timeline = buildTimeline(graph);
  assert.equal(timeline.forwardCount, 7);
  assert.equal(timeline.total, 7 + 2 + 1);
  const last = timeline.steps.at(-1);
  assert.deepEqual([last.phase, last.node, last.failed, last.contributions.length], ["backward", e, true, 0]);
  // At the failing step the node shows the gradient it received; its inputs none.
  const state = stateAt(timeline, timeline.total);
  assert.equal(state.active, e);
  assert.equal(state.grads.get(e), -2);
  const a = answer.nodes.find((n) => n.label === "a").id;
  assert.equal(state.grads.has(a), false);
  // The steps before it are the API's: L's and d's.
  assert.deepEqual(timeline.steps.slice(7, 9).map((s) => s.node), answer.backward.slice(0, 2).map((b) => b.node));
  // A forward failure has no backward steps at all.
  const forwardFailure = buildTimeline({ ...graph, phase: "forward", backward: [] });
  assert.equal(forwardFailure.total, 7);
});
