import { test } from "node:test";
import assert from "node:assert/strict";
import dagre from "@dagrejs/dagre";
import {
  chooseLayoutPairs,
  graphEdges,
  LABEL_RANK_SEP,
  layoutGraph,
  OWN_LAYOUT_ABOVE,
  orderLayers,
  packLayout,
  placeInOrder,
  layeredLayout,
  satelliteLeaves,
  unpackLayout,
} from "../../static/js/core/layout.js";
import { fixture, network, tanhChain } from "./helpers.mjs";

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

test("on a big graph, leaves with one use ride beside their user and stay out of the layers", () => {
  const graph = tanhChain(250);
  const satellites = satelliteLeaves(graph);
  // Each c_i is used once (by a_i); s_0 once (by m_1); w by every m_i: not a satellite.
  assert.equal(satellites.size, 251);
  assert.deepEqual(satellites.get("a1"), ["c1"]);
  assert.deepEqual(satellites.get("m1"), ["s0"]);
  assert.ok(![...satellites.values()].flat().includes("w"));
  const layout = layoutGraph(graph, dagre);
  const boxes = [...layout.nodes.values()];
  for (const [user, leaves] of satellites) {
    const target = layout.nodes.get(user);
    for (const id of leaves) {
      const leaf = layout.nodes.get(id);
      assert.ok(leaf.x + leaf.width <= target.x, `${id} left of ${user}`);
      // Beside it: only the room an edge label needs between them (no layer of its own).
      assert.ok(target.x - (leaf.x + leaf.width) <= LABEL_RANK_SEP + 1e-9, `${id} beside ${user}`);
    }
  }
  // Still no overlaps, checked where it matters: each box against its neighbours in x.
  boxes.sort((a, b) => a.x - b.x);
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length && boxes[j].x < boxes[i].x + boxes[i].width; j++)
      assert.ok(!overlaps(boxes[i], boxes[j]), `${boxes[i].id} ${boxes[j].id}`);
  // A chain laid out like this runs straight: no staircase.
  assert.ok(layout.height < 400, `height ${layout.height}`);
});

test("small graphs keep dagre's own layout: no satellites unless asked", () => {
  const graph = fixture("lecture");
  const plain = layoutGraph(graph, dagre);
  const a = plain.nodes.get(graph.nodes.find((n) => n.label === "a").id);
  const e = plain.nodes.get(graph.nodes.find((n) => n.label === "e").id);
  assert.ok(e.x - (a.x + a.width) >= 44); // a whole layer gap
  const riding = layoutGraph(graph, dagre, { satellites: true });
  const a2 = riding.nodes.get(graph.nodes.find((n) => n.label === "a").id);
  const e2 = riding.nodes.get(graph.nodes.find((n) => n.label === "e").id);
  assert.equal(e2.x - (a2.x + a2.width), LABEL_RANK_SEP); // room for an edge label
  // Top to bottom a satellite sits in a row above its user, one label line's room between them.
  const upright = layoutGraph(graph, dagre, { satellites: true, direction: "TB" });
  const a3 = upright.nodes.get(graph.nodes.find((n) => n.label === "a").id);
  const e3 = upright.nodes.get(graph.nodes.find((n) => n.label === "e").id);
  assert.equal(e3.y - (a3.y + a3.height), 28);
});

test("the layer order sweeps leave fewer crossings than the first depth-first order", () => {
  // Two rows of four nodes wired as a reversal: the first order crosses every pair, sweeps undo it.
  const g = new dagre.graphlib.Graph();
  g.setGraph({});
  const top = ["a", "b", "c", "d"];
  const bottom = ["p", "q", "r", "s"];
  for (const v of top) g.setNode(v, { rank: 0 });
  for (const v of bottom) g.setNode(v, { rank: 1 });
  top.forEach((v, i) => g.setEdge(v, bottom[3 - i]));
  // The depth-first first order (from a: s, then p; then r, q) crosses; the sweeps untangle it.
  g.setEdge("a", "p");
  const crossings = () => {
    const edges = g.edges().map((e) => [g.node(e.v).order, g.node(e.w).order]);
    let count = 0;
    for (let i = 0; i < edges.length; i++)
      for (let j = i + 1; j < edges.length; j++)
        if ((edges[i][0] - edges[j][0]) * (edges[i][1] - edges[j][1]) < 0) count++;
    return count;
  };
  orderLayers(g, 0);
  const first = crossings();
  orderLayers(g, 4);
  const swept = crossings();
  assert.ok(swept < first, `${swept} < ${first}`);
  for (const layer of [top, bottom]) assert.deepEqual(layer.map((v) => g.node(v).order).sort(), [0, 1, 2, 3]);
});

test("each edge's bounds hold its whole curve", () => {
  const layout = layoutGraph(fixture("lecture"), dagre);
  for (const edge of layout.edges) {
    const numbers = edge.path.match(/-?[\d.]+/g).map(Number);
    for (let i = 0; i < numbers.length; i += 2) {
      const [x, y] = [numbers[i], numbers[i + 1]];
      const { x0, y0, x1, y1 } = edge.bounds;
      assert.ok(x >= x0 && x <= x1 && y >= y0 && y <= y1, `${edge.key}: ${x},${y}`);
    }
  }
});

test("a layout packed into flat arrays for the worker's message unpacks to the same layout", () => {
  for (const graph of [fixture("lecture"), fixture("square"), tanhChain(40)]) {
    const layout = layoutGraph(graph, dagre);
    const packed = packLayout(layout);
    assert.ok(packed.numbers instanceof Float64Array && packed.edgeNumbers instanceof Float64Array);
    assert.deepEqual(unpackLayout(structuredClone(packed)), layout);
  }
});

test("placeInOrder keeps the order and the gaps, as near the wanted places as it can", () => {
  assert.deepEqual([...placeInOrder([0, 100, 200], [10, 10])], [0, 100, 200]); // nothing to change
  assert.deepEqual([...placeInOrder([5, 5, 5], [10, 10])], [-5, 5, 15]); // spread evenly around 5
  assert.deepEqual([...placeInOrder([30, 0], [10])], [10, 20]); // an inversion pooled: mean 15, ±5
  const placed = placeInOrder([3, 1, 4, 1, 5, 9, 2, 6], [2, 2, 2, 2, 2, 2, 2]);
  for (let i = 1; i < placed.length; i++) assert.ok(placed[i] - placed[i - 1] >= 2 - 1e-9);
});

test("the layered layout: inputs left of their users, no overlaps, a chain in a straight line", () => {
  for (const graph of [fixture("lecture"), fixture("neuron_statement"), tanhChain(250)]) {
    const layout = layeredLayout(graph);
    assert.equal(layout.nodes.size, graph.nodes.length);
    assert.equal(layout.edges.length, graphEdges(graph).length);
    for (const node of graph.nodes) {
      const box = layout.nodes.get(node.id);
      for (const input of node.inputs) assert.ok(layout.nodes.get(input).x + layout.nodes.get(input).width <= box.x, `${input} → ${node.id}`);
    }
    const boxes = [...layout.nodes.values()].sort((a, b) => a.x - b.x);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length && boxes[j].x < boxes[i].x + boxes[i].width; j++)
        assert.ok(!overlaps(boxes[i], boxes[j]), `${boxes[i].id} ${boxes[j].id}`);
  }
  // The chain's line: s_{i-1} → m_i → a_i → s_i all at one height.
  const chain = layeredLayout(tanhChain(250));
  const heights = new Set(["s1", "m2", "a2", "s2", "m250", "s250"].map((id) => chain.nodes.get(id).y));
  assert.equal(heights.size, 1);
});

/** The bend points of an edge's path (its curve's end points but the first and the last). */
function bendPoints(path) {
  const ends = [...path.matchAll(/ (-?[\d.]+),(-?[\d.]+)(?=C|$)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
  return ends.slice(0, -1);
}

test("big graphs get the page's own layered layout; small ones dagre's", () => {
  const big = tanhChain(80); // 322 nodes
  assert.ok(big.nodes.length > OWN_LAYOUT_ABOVE);
  assert.deepEqual(layoutGraph(big, dagre), layeredLayout(big));
  const small = tanhChain(70); // 282 nodes: dagre's (its edges bend at dagre's points, ours are plain here)
  assert.ok(small.nodes.length <= OWN_LAYOUT_ABOVE);
  assert.notDeepEqual(layoutGraph(small, dagre), layeredLayout(small));
});

test("the layered layout routes a network's long edges between the nodes, never over them", () => {
  const graph = network();
  const layout = layeredLayout(graph);
  assert.equal(layout.nodes.size, graph.nodes.length);
  assert.equal(layout.edges.length, graphEdges(graph).length);
  const boxes = [...layout.nodes.values()];
  for (const box of boxes) assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= layout.width && box.y + box.height <= layout.height, box.id);
  for (const node of graph.nodes) {
    for (const input of node.inputs) assert.ok(layout.nodes.get(input).x + layout.nodes.get(input).width <= layout.nodes.get(node.id).x, `${input} → ${node.id}`);
  }
  let routed = 0;
  for (const edge of layout.edges) {
    const bends = bendPoints(edge.path);
    if (!bends.length) continue;
    routed += 1;
    for (const point of bends) {
      assert.ok(point.y <= layout.height, `${edge.key} inside the drawing`);
      const { x0, y0, x1, y1 } = edge.bounds;
      assert.ok(point.x >= x0 && point.x <= x1 && point.y >= y0 && point.y <= y1, `${edge.key}: bounds hold ${point.x},${point.y}`);
      for (const box of boxes) {
        const inside = point.x > box.x && point.x < box.x + box.width && point.y > box.y && point.y < box.y + box.height;
        assert.ok(!inside, `${edge.key} passes over ${box.id} at ${point.x},${point.y}`);
      }
    }
  }
  // Every hidden value feeds 16 products at as many depths: hundreds of edges cross layers.
  assert.ok(routed > 200, `${routed} routed`);
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlaps(boxes[i], boxes[j]), `${boxes[i].id} ${boxes[j].id}`);
});

test("past the budget, the sources whose long edges need the most room lose them first, all of them", () => {
  // The chain's w feeds every line: routing its edges would take ~93,000 dummies. It keeps only its
  // shortest edge in the layout, and the chain runs straight.
  const graph = tanhChain(250);
  const layout = layeredLayout(graph, { dummyBudget: 50 });
  const fromW = layout.edges.filter((e) => e.source === "w");
  assert.equal(fromW.filter((e) => bendPoints(e.path).length).length, 0);
  assert.ok(layout.height < 200, `height ${layout.height}`);
  // A network's sources need about as much each: with room for some, those that fit keep theirs.
  const net = network();
  const all = layeredLayout(net).edges.filter((e) => bendPoints(e.path).length).length;
  const some = layeredLayout(net, { dummyBudget: 600 }).edges.filter((e) => bendPoints(e.path).length).length;
  const none = layeredLayout(net, { dummyBudget: 0 }).edges.filter((e) => bendPoints(e.path).length).length;
  assert.ok(all > some && some > none, `${all} > ${some} > ${none}`);
  assert.equal(none, 0);
});
