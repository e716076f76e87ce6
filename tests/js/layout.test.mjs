import { test } from "node:test";
import assert from "node:assert/strict";
import dagre from "@dagrejs/dagre";
import { chooseLayoutPairs, graphEdges, layoutGraph } from "../../static/js/layout.js";
import { fixture, tanhChain } from "./helpers.mjs";

const overlaps = (a, b) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

test("every node gets a box, inputs sit left of the nodes that use them", () => {
  const graph = fixture("lecture");
  const layout = layoutGraph(graph, dagre);
  assert.equal(layout.nodes.size, graph.nodes.length);
  for (const node of graph.nodes) {
    const box = layout.nodes.get(node.id);
    for (const input of node.inputs) assert.ok(layout.nodes.get(input).x + layout.nodes.get(input).width <= box.x);
    assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= layout.width && box.y + box.height <= layout.height);
  }
});

test("no two boxes overlap", () => {
  for (const name of ["lecture", "affine", "reuse"]) {
    const layout = layoutGraph(fixture(name), dagre);
    const boxes = [...layout.nodes.values()];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlaps(boxes[i], boxes[j]), `${name}: ${i} ${j}`);
  }
});

test("repeated inputs are two distinct edges with different curves", () => {
  const graph = fixture("square"); // y = x*x
  const edges = graphEdges(graph);
  assert.equal(edges.length, 2);
  assert.deepEqual(edges.map((e) => e.key), ["n1:0", "n1:1"]);
  const layout = layoutGraph(graph, dagre);
  const [first, second] = layout.edges;
  assert.equal(first.source, second.source);
  assert.notEqual(first.path, second.path);
  assert.match(first.path, /^M[\d.-]+,[\d.-]+C/);
});

test("constants are small, operation nodes leave room for their op circle", () => {
  const graph = fixture("affine");
  const layout = layoutGraph(graph, dagre);
  const constant = graph.nodes.find((n) => n.kind === "constant");
  const op = graph.nodes.find((n) => n.kind === "operation");
  assert.ok(layout.nodes.get(constant.id).width < layout.nodes.get(op.id).width);
  assert.ok(layout.nodes.get(op.id).recordX > 0);
});

test("a variable shared by every line of a long program stays out of the layout's way", () => {
  const graph = tanhChain(250);
  assert.equal(graph.nodes.length, 1002);
  const { kept, skipped } = chooseLayoutPairs(graph);
  assert.ok(skipped.length > 200);
  assert.ok(skipped.every((pair) => pair.source === "w"));
  assert.ok(kept.some((pair) => pair.source === "w"), "w keeps one edge");
});

test("a ~1,000-node program gets a box per node and an edge per input", () => {
  // How long this takes is bench/page.py's business (Run → painted); a test never asserts time.
  const graph = tanhChain(250);
  const layout = layoutGraph(graph, dagre);
  assert.equal(layout.nodes.size, 1002);
  assert.equal(layout.edges.length, 1250);
  // Inputs sit left of their users; w's long edges are left out of the layout (see above), so w is not checked.
  for (const node of graph.nodes) {
    const box = layout.nodes.get(node.id);
    for (const input of node.inputs) {
      if (input !== "w") assert.ok(layout.nodes.get(input).x + layout.nodes.get(input).width <= box.x, `${input} → ${node.id}`);
    }
  }
});
