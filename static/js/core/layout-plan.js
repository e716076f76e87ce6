// What every layout of the graph starts from, whichever algorithm places the layers: each node's box,
// the edges to draw, the leaves that ride beside their user, and the boxes and edges made from the
// places the algorithm chose. Pure: no DOM.

import { edgeBounds, edgePath } from "./layout-edges.js";

/** Node box sizes by kind; operation nodes carry a small op circle on their left. */
export const SIZES = Object.freeze({
  opRadius: 13,
  opGap: 8,
  recordHeight: 40,
  labelMin: 30,
  charWidth: 8, // the name's bold 13px (graph.css)
  cellWidth: 62, // "-0.7071" in 13px monospace, with room; two records side by side fit a phone at LEGIBLE_SCALE
  cellChars: 7, // what a cell holds of that monospace (7.8 px a character): numbers are shortened to it
  constantWidth: 48,
  constantHeight: 24,
  foldRoom: 18, // a named statement's fold control, left in its label cell
});

/** Room between nodes of one layer, and between layers. */
export const NODE_SEP = 16;
export const RANK_SEP = 44;

// Long edges cost the layered layout one dummy node per rank they cross: a variable used by every
// one of 250 lines would add ~100,000 of them. Past this budget the longest edges are drawn but
// left out of the layout (each node keeps its shortest edge, so it still sits beside a user).
export const DUMMY_BUDGET = 1500;
// The page's own layered layout places a dummy in microseconds: it routes more (a 16-16-1 network
// needs ~1,900).
export const LAYERED_DUMMY_BUDGET = 2500;
/** Room between two long edges passing through one layer. */
export const EDGE_SEP = 8;

/**
 * Graphs with more nodes than this get the page's own layered layout (layeredLayout) instead of
 * dagre's: on a 1,000-node program dagre takes half a second (most of it placing nodes within their
 * layers and routing long edges through its own graph objects), ours a few tens of milliseconds.
 */
export const OWN_LAYOUT_ABOVE = 300;

/**
 * Left to right, the room between layers holds a backward step's edge label (two lines: the local
 * derivative over the contribution, edge-labels.js), so no label ever sits on a node.
 */
export const LABEL_RANK_SEP = 112;

/** The room between layers: `ranksep` (or the default), widened left to right to hold an edge label. */
export function rankGap(direction, ranksep = RANK_SEP) {
  return direction === "TB" ? ranksep : Math.max(ranksep, LABEL_RANK_SEP);
}

/**
 * The size of one node's box, and where its record (label | data | grad) starts inside it.
 * `labelText` is the name drawn in the label cell (notation.js's label; by default the node's own).
 */
export function nodeBox(node, labelText = node.label || node.id) {
  if (node.kind === "constant") {
    return { width: SIZES.constantWidth, height: SIZES.constantHeight, recordX: 0, labelWidth: 0 };
  }
  const fold = node.foldable ? SIZES.foldRoom : 0;
  const labelWidth = Math.max(SIZES.labelMin, Math.ceil(labelText.length * SIZES.charWidth) + 14) + fold;
  const recordWidth = labelWidth + 2 * SIZES.cellWidth;
  const recordX = node.kind === "operation" ? 2 * SIZES.opRadius + SIZES.opGap : 0;
  return { width: recordX + recordWidth, height: SIZES.recordHeight, recordX, labelWidth };
}

/**
 * One drawn edge per input of every node, repeats kept (`x*x` gives two), keyed by target and
 * input position so stepping can find the same element again.
 */
export function graphEdges(graph) {
  const edges = [];
  for (const node of graph.nodes) {
    const pairCount = new Map();
    node.inputs.forEach((source) => pairCount.set(source, (pairCount.get(source) ?? 0) + 1));
    const seen = new Map();
    node.inputs.forEach((source, position) => {
      const parallel = seen.get(source) ?? 0;
      seen.set(source, parallel + 1);
      edges.push({
        key: `${node.id}:${position}`,
        source,
        target: node.id,
        position,
        parallel, // 0, 1, … among edges between the same two nodes
        parallelCount: pairCount.get(source),
      });
    });
  }
  return edges;
}

/** Room between a node and the inputs drawn beside it (satellites). */
const SATELLITE_GAP = 28;
const SATELLITE_SPACING = 8;

/**
 * Leaves (variables, constants) with exactly one use, grouped by the node that uses them. On a big
 * graph these ride along with their user instead of taking a layer slot of their own: a network's
 * weights are a third of its nodes, and the layout's cost grows with every node it places.
 * @returns {Map<string, string[]>} user id → its satellite leaves, in input order
 */
export function satelliteLeaves(graph) {
  const uses = new Map();
  for (const node of graph.nodes) for (const input of node.inputs) uses.set(input, (uses.get(input) ?? 0) + 1);
  const leaf = new Set(graph.nodes.filter((n) => n.inputs.length === 0 && uses.get(n.id) === 1).map((n) => n.id));
  const satellites = new Map();
  for (const node of graph.nodes) {
    for (const input of node.inputs) {
      if (!leaf.has(input)) continue;
      if (!satellites.has(node.id)) satellites.set(node.id, []);
      satellites.get(node.id).push(input);
    }
  }
  return satellites;
}

/**
 * What every layout of `graph` starts from: each node's box, and on big graphs the satellite leaves
 * and the blocks (a node with its satellites: a column of leaves, a gap, the node) laid out as one.
 */
export function layoutPlan(graph, satellitesOn, labels = null, direction = "LR") {
  const boxes = new Map(graph.nodes.map((node) => [node.id, nodeBox(node, labels?.get(node.id))]));
  // The algorithms place layers left to right; top to bottom is the same placement transposed, so
  // they work with each box's width and height swapped (placeNodes swaps the places back).
  const transposed = direction === "TB";
  // Left to right the gap beside a satellite holds an edge label; top to bottom one line fits the gap.
  const satelliteGap = transposed ? SATELLITE_GAP : Math.max(SATELLITE_GAP, LABEL_RANK_SEP);
  const spans = transposed ? new Map([...boxes].map(([id, b]) => [id, { ...b, width: b.height, height: b.width }])) : boxes;
  const satellites = satellitesOn ? satelliteLeaves(graph) : new Map();
  const riding = new Set([...satellites.values()].flat());
  const blocks = new Map();
  for (const [user, leaves] of satellites) {
    const box = spans.get(user);
    const column = Math.max(...leaves.map((id) => spans.get(id).width));
    const stack = leaves.reduce((sum, id) => sum + spans.get(id).height, 0) + SATELLITE_SPACING * (leaves.length - 1);
    blocks.set(user, { width: column + satelliteGap + box.width, height: Math.max(box.height, stack), column, stack });
  }
  /** The size the layout places for a node (along the layers, across them): its block's, or its own box's. */
  const size = (id) => blocks.get(id) ?? spans.get(id);
  return { boxes, spans, transposed, satelliteGap, direction: transposed ? "TB" : "LR", satellites, riding, blocks, size };
}

/**
 * Every node's box from the centre each placed block (or lone node) got, in the layers' own
 * (left-to-right) coordinates; top to bottom, each box is then put at its transposed place.
 */
export function placeNodes(graph, plan, centreOf) {
  const { boxes, spans: sizes, satellites, riding, blocks, transposed } = plan;
  const nodes = new Map();
  const place = (node, x, y) => nodes.set(node.id, { id: node.id, kind: node.kind, ...(transposed ? { x: y, y: x } : { x, y }), ...boxes.get(node.id) });
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  for (const node of graph.nodes) {
    if (riding.has(node.id)) continue;
    const centre = centreOf(node.id);
    const box = sizes.get(node.id);
    const block = blocks.get(node.id);
    if (!block) {
      place(node, centre.x - box.width / 2, centre.y - box.height / 2);
      continue;
    }
    const left = centre.x - block.width / 2;
    place(node, left + block.column + plan.satelliteGap, centre.y - box.height / 2);
    let y = centre.y - block.stack / 2;
    for (const id of satellites.get(node.id)) {
      const leafBox = sizes.get(id);
      place(byId.get(id), left + block.column - leafBox.width, y); // right-aligned against the gap
      y += leafBox.height + SATELLITE_SPACING;
    }
  }
  let width = 0;
  let height = 0;
  for (const placed of nodes.values()) {
    width = Math.max(width, placed.x + placed.width + 24);
    height = Math.max(height, placed.y + placed.height + 24);
  }
  return { nodes, width, height };
}

/**
 * The drawn edges, each with its SVG path and bounds; `pointsOf` gives a routed edge's bend points
 * (in the layers' own coordinates: transposed here when the layers go top to bottom).
 */
export function routeEdges(graph, nodes, pointsOf = () => null, direction = "LR") {
  const oriented = direction === "TB" ? (points) => points?.map((p) => ({ x: p.y, y: p.x })) ?? null : (points) => points;
  return (graph.edges ?? graphEdges(graph)).map((edge) => {
    const points = edge.parallelCount === 1 ? oriented(pointsOf(edge.source, edge.target)) : null;
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    return { ...edge, path: edgePath(source, target, edge, points, direction), bounds: edgeBounds(source, target, edge, points, direction) };
  });
}
