import { test } from "node:test";
import assert from "node:assert/strict";
import { agreesWithCheck, sameNumber, setInsteadOfAccumulate } from "../../static/js/core/bug-replay.js";
import { buildTimeline, stateAt } from "../../static/js/core/timeline.js";
import { fixture } from "./helpers.mjs";

const byLabel = (graph, grads) => Object.fromEntries(graph.nodes.filter((n) => n.label).map((n) => [n.label, grads.get(n.id)]));

test("the lecture's b = a + a: set instead of +=, a gets 1 where 2 is right", () => {
  const graph = fixture("reuse"); // a = 3; b = a + a
  const bug = setInsteadOfAccumulate(graph);
  assert.deepEqual(byLabel(graph, bug.grads), { a: 1, b: 1 });
  assert.deepEqual([...bug.wrong], ["n0"]);
  assert.equal(graph.nodes[0].grad, 2);
});

test("the error travels upstream: every contribution is the buggy grad times the API's local", () => {
  const graph = fixture("reuse_twice"); // a = 3; b = a + a; c = b*b
  const bug = setInsteadOfAccumulate(graph);
  // c: b gets 6 (not 6 + 6); then a gets 6·1, overwritten by 6·1 (not 4 × 6).
  assert.deepEqual(byLabel(graph, bug.grads), { a: 6, b: 6, c: 1 });
  assert.deepEqual(bug.backward.map((entry) => entry.grad), [1, 6]);
  assert.deepEqual(bug.backward[1].contributions.map((c) => [c.local, c.contribution]), [[1, 6], [1, 6]]);
  assert.deepEqual([...bug.wrong].sort(), ["n0", "n1"]);
});

test("a graph where nothing is reused is the same under the bug", () => {
  for (const name of ["lecture", "power", "neuron", "affine", "constant_only"]) {
    const graph = fixture(name);
    const bug = setInsteadOfAccumulate(graph);
    assert.equal(bug.wrong.size, 0, name);
    for (const node of graph.nodes) if (node.kind !== "constant") assert.ok(sameNumber(bug.grads.get(node.id), node.grad), `${name} ${node.id}`);
  }
});

test("the bug's timeline sets, and ends at the bug's gradients", () => {
  const graph = fixture("reuse");
  const right = buildTimeline(graph);
  const buggy = buildTimeline(graph, { bug: setInsteadOfAccumulate(graph) });
  assert.equal(buggy.mode, "set");
  assert.equal(buggy.total, right.total);
  const end = stateAt(buggy, buggy.total);
  assert.equal(end.grads.get("n0"), 1);
  assert.ok(end.accumulated.has("n0"), "the second contribution is marked: here it overwrote");
  assert.deepEqual(end.parts.get("n0"), [1, 1]);
  assert.equal(stateAt(right, right.total).grads.get("n0"), 2);
});

test("the numeric check is compared with the API's own tolerance", () => {
  assert.equal(agreesWithCheck(2, 2.0000000001, 6), true);
  assert.equal(agreesWithCheck(1, 2.0000000001, 6), false);
  assert.equal(agreesWithCheck(1, null, 6), false);
  assert.equal(agreesWithCheck(0, 1e-7, 1), true); // within 1e-6 of 0
});
