import { test } from "node:test";
import assert from "node:assert/strict";
import { freeVariableNames, sameStructure, variableNames } from "../../static/js/core/graph-structure.js";
import { fixture } from "./helpers.mjs";

const copy = (value) => structuredClone(value);

test("an answer recomputed with other numbers has the same structure", () => {
  const answer = fixture("lecture");
  const other = copy(answer);
  for (const node of other.nodes) {
    node.value += 1;
    node.grad = node.grad === null ? null : node.grad * 2;
  }
  assert.equal(sameStructure(answer, other), true);
});

test("a different name, op, kind, input or node count is a different structure", () => {
  const answer = fixture("lecture");
  const changes = [
    (a) => (a.nodes[3].label = "g"),
    (a) => (a.nodes[3].op = "add"),
    (a) => (a.nodes[0].kind = "constant"),
    (a) => (a.nodes[3].inputs = ["n1", "n0"]),
    (a) => (a.nodes[3].inputs = ["n0"]),
    (a) => a.nodes.pop(),
    (a) => (a.nodes[6].id = "n7"),
  ];
  for (const change of changes) {
    const other = copy(answer);
    change(other);
    assert.equal(sameStructure(answer, other), false, change.toString());
  }
  assert.equal(sameStructure(null, answer), false);
  assert.equal(sameStructure(answer, undefined), false);
  assert.equal(sameStructure(fixture("square"), fixture("reuse")), false);
});

test("free variables are the ones the API flags free", () => {
  assert.deepEqual([...freeVariableNames(fixture("affine"))], ["x"]);
  assert.deepEqual([...freeVariableNames(fixture("lecture"))], []);
  assert.deepEqual([...variableNames(fixture("lecture"))], ["a", "b", "c", "f"]);
  assert.deepEqual([...freeVariableNames(null)], []);
});
