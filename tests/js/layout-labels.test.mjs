import { test } from "node:test";
import assert from "node:assert/strict";
import dagre from "@dagrejs/dagre";
import { layoutGraph, nodeBox } from "../../static/js/core/layout.js";

test("a label cell is as wide as the name shown in it, when one is given", () => {
  const variable = { id: "n0", kind: "variable", label: "a", inputs: [] };
  const unnamed = { id: "n7", kind: "operation", op: "mul", label: null, inputs: ["n0", "n0"] };
  assert.equal(nodeBox(unnamed).labelWidth, nodeBox(unnamed, "n7").labelWidth);
  assert.ok(nodeBox(unnamed, "x1w1 + x2w2").labelWidth > nodeBox(unnamed).labelWidth + 50);
  const graph = { output: "n7", nodes: [variable, unnamed], forward: ["n0", "n7"], backward: [] };
  const layout = layoutGraph(graph, dagre, { labels: new Map([["n0", "a"], ["n7", "x1w1 + x2w2"]]) });
  assert.equal(layout.nodes.get("n7").labelWidth, nodeBox(unnamed, "x1w1 + x2w2").labelWidth);
});
