import { test } from "node:test";
import assert from "node:assert/strict";
import { collapsedView } from "../../static/js/core/collapse.js";
import { LayoutCache, structureKey } from "../../static/js/core/layout-cache.js";
import { fixture } from "./helpers.mjs";

test("the same program with other values has the same key; another structure or fold another", () => {
  const graph = fixture("neuron_statement");
  const other = structuredClone(graph);
  for (const node of other.nodes) {
    node.value += 1;
    node.grad = 7;
  }
  assert.equal(structureKey(collapsedView(graph, [])), structureKey(collapsedView(other, [])));
  assert.notEqual(structureKey(collapsedView(graph, [])), structureKey(collapsedView(graph, ["n8"])));
  const renamed = structuredClone(graph);
  renamed.nodes[0].label = "x9";
  assert.notEqual(structureKey(collapsedView(graph, [])), structureKey(collapsedView(renamed, [])));
  const rewired = structuredClone(graph);
  rewired.nodes[5].inputs = ["n2", "n0"]; // w1*x1 instead of x1*w1
  assert.notEqual(structureKey(collapsedView(graph, [])), structureKey(collapsedView(rewired, [])));
});

test("the cache keeps the most recently used layouts", () => {
  const cache = new LayoutCache(2);
  cache.set("a", 1);
  cache.set("b", 2);
  assert.equal(cache.get("a"), 1); // a is now the most recent
  cache.set("c", 3); // b goes
  assert.equal(cache.get("b"), null);
  assert.equal(cache.get("a"), 1);
  assert.equal(cache.get("c"), 3);
  assert.equal(cache.size, 2);
});
