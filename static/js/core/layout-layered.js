// The page's own layered layout, without dagre (layers, dummy nodes for long edges, barycenter
// order, heights by least squares): a few tens of milliseconds where dagre takes half a second. Pure.

import { ports } from "./layout-edges.js";
import { barycenterLayers, withinBudget } from "./layout-order.js";
import { EDGE_SEP, LAYERED_DUMMY_BUDGET, NODE_SEP, OWN_LAYOUT_ABOVE, layoutPlan, placeNodes, rankGap, routeEdges } from "./layout-plan.js";

/**
 * The order-keeping placement nearest to `wanted`: centres y[i] ≥ y[i-1] + gaps[i-1], as close to
 * wanted[i] as least squares allows (isotonic regression by pooling adjacent violators).
 */
export function placeInOrder(wanted, gaps) {
  const count = wanted.length;
  const offset = new Float64Array(count);
  for (let i = 1; i < count; i++) offset[i] = offset[i - 1] + gaps[i - 1];
  const values = [];
  const sizes = [];
  for (let i = 0; i < count; i++) {
    let value = wanted[i] - offset[i];
    let size = 1;
    while (values.length && values[values.length - 1] > value) {
      const before = sizes.pop();
      value = (values.pop() * before + value * size) / (before + size);
      size += before;
    }
    values.push(value);
    sizes.push(size);
  }
  const placed = new Float64Array(count);
  let i = 0;
  values.forEach((value, block) => {
    for (let k = 0; k < sizes[block]; k++, i++) placed[i] = value + offset[i];
  });
  return placed;
}

/**
 * The page's own layered layout, without dagre: a few tens of milliseconds for a graph dagre takes
 * half a second over. Graphs of more than OWN_LAYOUT_ABOVE nodes get it as their layout
 * (layoutGraph); smaller ones are shown with it while dagre's is on its way (layout-worker.js).
 * Layers: each node one layer before its first user (as dagre's longest-path ranker). Long edges: a
 * dummy node in every layer they cross (within a budget, as chooseLayoutPairs: past it the longest
 * are drawn as free curves), so they take a slot of their own beside the nodes instead of running
 * over them. Order: barycenterLayers, dummies included. Heights: each node pulled towards its
 * neighbours, order and spacing kept (placeInOrder), in sweeps down and up. Edges: curves through
 * their dummies' places.
 * `options`: `labels` (as layoutGraph's), `satellites`, `sweeps`, `dummyBudget`.
 */
export function layeredLayout(graph, options = {}) {
  const direction = options.direction === "TB" ? "TB" : "LR";
  const plan = layoutPlan(graph, options.satellites ?? graph.nodes.length > OWN_LAYOUT_ABOVE, options.labels, direction);
  const rankSep = rankGap(direction, options.ranksep);
  const placed = graph.nodes.filter((n) => !plan.riding.has(n.id));
  const count = placed.length;
  const index = new Map(placed.map((n, i) => [n.id, i]));
  const users = placed.map(() => []);
  const pairs = [];
  for (const node of placed) {
    const target = index.get(node.id);
    for (const input of new Set(node.inputs)) {
      const source = index.get(input);
      if (source === undefined) continue; // a satellite: it rides along
      users[source].push(target);
      pairs.push({ source, target, span: 0 });
    }
  }
  // Ranks from the right: a node sits one layer before its earliest user (forward order is topological).
  const depth = new Int32Array(count);
  for (let v = count - 1; v >= 0; v--) {
    let d = 0;
    for (const w of users[v]) d = Math.max(d, depth[w] + 1);
    depth[v] = d;
  }
  let deepest = 0;
  for (const d of depth) deepest = Math.max(deepest, d);
  const rank = Array.from(depth, (d) => deepest - d);
  for (const pair of pairs) pair.span = rank[pair.target] - rank[pair.source];

  // The layered graph: the placed nodes 0..count-1, then the dummies of the long edges kept.
  const { kept } = withinBudget(pairs, options.dummyBudget ?? LAYERED_DUMMY_BUDGET);
  const successors = placed.map(() => []);
  const routes = new Map(); // "source\u0000target" → the dummies along that edge, left to right
  for (const { source, target } of kept) {
    let from = source;
    const dummies = [];
    for (let r = rank[source] + 1; r < rank[target]; r++) {
      const dummy = rank.length;
      rank.push(r);
      successors.push([]);
      successors[from].push(dummy);
      dummies.push(dummy);
      from = dummy;
    }
    successors[from].push(target);
    if (dummies.length) routes.set(`${placed[source].id}\u0000${placed[target].id}`, dummies);
  }
  const total = rank.length;
  const predecessors = Array.from({ length: total }, () => []);
  successors.forEach((next, v) => next.forEach((w) => predecessors[w].push(v)));
  const layers = barycenterLayers(rank, successors, options.sweeps ?? 4);

  const width = new Float64Array(total); // dummies: no size, only the room between edges
  const height = new Float64Array(total);
  placed.forEach((node, v) => {
    const size = plan.size(node.id);
    width[v] = size.width;
    height[v] = size.height;
  });
  const room = (v) => (v < count ? NODE_SEP : EDGE_SEP) / 2;
  const gapsOf = (layer) => layer.slice(1).map((v, i) => (height[layer[i]] + height[v]) / 2 + room(layer[i]) + room(v));
  const layerX = [];
  let left = 24;
  for (const layer of layers) {
    let widest = 0;
    for (const v of layer) widest = Math.max(widest, width[v]);
    layerX.push(left + widest / 2);
    left += widest + rankSep;
  }
  const y = new Float64Array(total);
  for (const layer of layers) {
    const stacked = placeInOrder(new Array(layer.length).fill(0), gapsOf(layer));
    layer.forEach((v, i) => (y[v] = stacked[i]));
  }
  const mean = (ids) => ids.reduce((sum, u) => sum + y[u], 0) / ids.length;
  for (let sweep = 0; sweep < 4; sweep++) {
    const down = sweep % 2 === 0;
    const neighbours = down ? predecessors : successors;
    for (let k = 0; k < layers.length; k++) {
      const layer = layers[down ? k : layers.length - 1 - k];
      const wanted = layer.map((v) => (neighbours[v].length ? mean(neighbours[v]) : y[v]));
      const settled = placeInOrder(wanted, gapsOf(layer));
      layer.forEach((v, i) => (y[v] = settled[i]));
    }
  }
  let top = Infinity;
  for (let v = 0; v < total; v++) top = Math.min(top, y[v] - height[v] / 2);
  const shift = 24 - top;
  const placedNodes = placeNodes(graph, plan, (id) => {
    const v = index.get(id);
    return { x: layerX[rank[v]], y: y[v] + shift };
  });
  const { nodes } = placedNodes;
  let across = 0; // how far the dummies reach across the layers
  for (let v = count; v < total; v++) across = Math.max(across, y[v] + shift + 24);
  const pointsOf = (source, target) => {
    const dummies = routes.get(`${source}\u0000${target}`);
    if (!dummies) return null;
    // In the layers' own coordinates, as the dummies' places (routeEdges turns them top to bottom).
    const ends = [nodes.get(source), nodes.get(target)].map((b) => (plan.transposed ? { ...b, x: b.y, y: b.x, width: b.height, height: b.width } : b));
    const { start, end } = ports(ends[0], ends[1]);
    return [start, ...dummies.map((d) => ({ x: layerX[rank[d]], y: y[d] + shift })), end];
  };
    // Dummies reach as far across the layers as any node: the drawing's height (its width top to bottom).
  const [extentX, extentY] = plan.transposed ? [Math.max(placedNodes.width, across), placedNodes.height] : [placedNodes.width, Math.max(placedNodes.height, across)];
  return { nodes, edges: routeEdges(graph, nodes, pointsOf, direction), width: extentX, height: extentY, direction };
}
