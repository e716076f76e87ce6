import { test } from "node:test";
import assert from "node:assert/strict";
import { findNodes, nodeNames } from "../../static/js/graph/find.js";
import { fixture } from "./helpers.mjs";

const graph = {
  nodes: [
    { id: "n0", label: "w1" },
    { id: "n1", label: "W1" },
    { id: "n2", label: "w10" },
    { id: "n3", label: "bw1" },
    { id: "n4", label: "" },
    { id: "n5", label: "w1" }, // rebound: a later node with the same name
  ],
};

test("exact names first, then the id, any case, prefixes, substrings; program order within each", () => {
  assert.deepEqual(findNodes(graph, "w1"), ["n0", "n5", "n1", "n2", "n3"]);
  assert.deepEqual(findNodes(graph, "  n4 "), ["n4"]);
  assert.deepEqual(findNodes(graph, "W"), ["n0", "n1", "n2", "n5", "n3"]); // prefixes (any case), then bw1
  assert.deepEqual(findNodes(graph, "zzz"), []);
  assert.deepEqual(findNodes(graph, "   "), []);
});

test("the names offered are each label once, in program order", () => {
  assert.deepEqual(nodeNames(graph), ["w1", "W1", "w10", "bw1"]);
  assert.deepEqual(nodeNames(fixture("lecture")), ["a", "b", "c", "e", "d", "f", "L"]);
});
