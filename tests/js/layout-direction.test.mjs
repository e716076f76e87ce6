import { test } from "node:test";
import assert from "node:assert/strict";
import dagre from "@dagrejs/dagre";
import { LABEL_RANK_SEP, layeredLayout, layoutGraph, nodeBox, packLayout, unpackLayout } from "../../static/js/core/layout.js";
import { labelLines, labelSize, placeLabel, pointsAlong } from "../../static/js/core/edge-labels.js";
import { edgeText } from "../../static/js/core/notation.js";
import { fixture, network } from "./helpers.mjs";

const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function checkTopToBottom(graph, layout) {
  assert.equal(layout.direction, "TB");
  assert.equal(layout.nodes.size, graph.nodes.length);
  const boxes = [...layout.nodes.values()];
  for (const node of graph.nodes) {
    const box = layout.nodes.get(node.id);
    // Each box keeps its own size (a record is wide and low whichever way the layers go)…
    const own = nodeBox(node);
    assert.equal(box.width, own.width);
    assert.equal(box.height, own.height);
    // …inputs sit above the nodes that use them, and everything is inside the drawing.
    for (const input of node.inputs) assert.ok(layout.nodes.get(input).y + layout.nodes.get(input).height <= box.y, `${input} above ${node.id}`);
    assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= layout.width + 1e-9 && box.y + box.height <= layout.height + 1e-9);
  }
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlaps(boxes[i], boxes[j]), `${boxes[i].id} ${boxes[j].id}`);
  // Edges leave a node at its bottom and come into the next from above.
  for (const edge of layout.edges) {
    const [x0, y0] = edge.path.slice(1).split(/[C ]/)[0].split(",").map(Number);
    const source = layout.nodes.get(edge.source);
    assert.equal(y0, Math.round((source.y + source.height) * 10) / 10);
    assert.ok(x0 > source.x && x0 < source.x + source.width);
  }
}

test("top to bottom: dagre's layout of a small graph, transposed, with boxes as they are", () => {
  const graph = fixture("lecture");
  const layout = layoutGraph(graph, dagre, { direction: "TB" });
  checkTopToBottom(graph, layout);
  // Narrower than wide left to right: what a phone held upright needs.
  const wide = layoutGraph(graph, dagre);
  assert.equal(wide.direction, "LR");
  assert.ok(layout.width < wide.width && layout.height > wide.height);
});

test("top to bottom: the layered layout of a network, satellites in a row above their user", () => {
  const graph = network(2, [8, 8]);
  const layout = layeredLayout(graph, { direction: "TB", satellites: true });
  checkTopToBottom(graph, layout);
  assert.deepEqual(unpackLayout(packLayout(layout)), layout);
});

test("left to right, the gap between layers holds a two-line edge label", () => {
  for (const layout of [layoutGraph(fixture("lecture"), dagre, { ranksep: 44 }), layeredLayout(network(2, [4]))]) {
    for (const edge of layout.edges) {
      const source = layout.nodes.get(edge.source);
      const gap = layout.nodes.get(edge.target).x - (source.x + source.width);
      assert.ok(gap >= LABEL_RANK_SEP - 1, `${edge.key}: ${gap}`);
    }
  }
  const lines = labelLines(edgeText(-0.70710678, -123.456789), "LR");
  assert.deepEqual(lines, ["×(-0.7071) ", "→ -123.5"]);
  assert.equal(lines.join(""), "×(-0.7071) → -123.5"); // the label's text reads as one line
  assert.equal(labelSize(lines).width, 10 * 7.6 + 10); // the trailing space takes no room
  assert.ok(labelSize(lines).width <= LABEL_RANK_SEP - 10);
  assert.deepEqual(labelLines("×(2) → 4", "TB"), ["×(2) → 4"]);
  // Numbers at any magnitude are shortened so the label still fits the gap.
  for (const [local, contribution] of [[-5.67e20, -6.997e8], [1.234e-12, -1.523e-24], [-0.0012345, -99999.5]]) {
    const long = labelLines(edgeText(local, contribution), "LR");
    assert.ok(labelSize(long).width <= LABEL_RANK_SEP - 10, long.join(""));
  }
  assert.equal(edgeText(-5.67e20, -6.997e8), "×(-5.7e20) → -7e8");
});

test("an edge label goes where its edge runs clear of every node", () => {
  for (const direction of ["LR", "TB"]) {
    const graph = fixture("lecture");
    const layout = layoutGraph(graph, dagre, { direction, ranksep: direction === "TB" ? 44 : 80 });
    const boxes = [...layout.nodes.values()];
    for (const edge of layout.edges) {
      const lines = labelLines(edgeText(-2, 123.25), direction);
      const size = labelSize(lines);
      const corner = placeLabel(edge.path, size, boxes);
      const rect = { ...corner, ...size };
      for (const b of boxes) assert.ok(!overlaps(rect, b), `${direction} ${edge.key} on ${b.id}`);
    }
  }
});

test("points along a curve come middle first", () => {
  const points = pointsAlong("M0,0C10,0 10,0 20,0", 4);
  assert.deepEqual(points[0], { x: 10, y: 0 });
  assert.equal(points.length, 3);
  // With no clear point, the label sits at the middle of the curve.
  const blocked = placeLabel("M0,0C10,0 10,0 20,0", { width: 10, height: 10 }, [{ x: -50, y: -50, width: 200, height: 200 }]);
  assert.deepEqual(blocked, { x: 5, y: -5 });
});
