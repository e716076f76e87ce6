// Layered left-to-right layout of the computation graph: coordinates only, no DOM, no drawing.
// The DAG layout library (dagre) is passed in, so the same module runs in the page (UMD global) and
// in Node's test runner (imported from node_modules).

/** Node box sizes by kind; operation nodes carry a small op circle on their left. */
export const SIZES = Object.freeze({
  opRadius: 13,
  opGap: 12,
  recordHeight: 40,
  labelMin: 30,
  charWidth: 7.5,
  cellWidth: 68,
  constantWidth: 44,
  constantHeight: 22,
});

// Long edges cost the layered layout one dummy node per rank they cross: a variable used by every
// one of 250 lines would add ~100,000 of them. Past this budget the longest edges are drawn but
// left out of the layout (each node keeps its shortest edge, so it still sits beside a user).
const DUMMY_BUDGET = 1500;
const LARGE_DUMMY_BUDGET = 300;

/**
 * The size of one node's box, and where its record (label | data | grad) starts inside it.
 * `labelText` is the name drawn in the label cell (notation.js's label; by default the node's own).
 */
export function nodeBox(node, labelText = node.label || node.id) {
  if (node.kind === "constant") {
    return { width: SIZES.constantWidth, height: SIZES.constantHeight, recordX: 0, labelWidth: 0 };
  }
  const labelWidth = Math.max(SIZES.labelMin, Math.ceil(labelText.length * SIZES.charWidth) + 14);
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

/** Approximate layer of each node: longest path from the leaves, leaves pulled next to their first user. */
function estimateRanks(graph) {
  const rank = new Map();
  for (const id of graph.forward) rank.set(id, 0);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const id of graph.forward) {
    const node = byId.get(id);
    let r = 0;
    for (const input of node.inputs) {
      const inputNode = byId.get(input);
      if (inputNode && inputNode.inputs.length) r = Math.max(r, rank.get(input) + 1);
      else r = Math.max(r, 1);
    }
    rank.set(id, r);
  }
  const leafRank = new Map();
  for (const node of graph.nodes) {
    for (const input of node.inputs) {
      const inputNode = byId.get(input);
      if (inputNode && !inputNode.inputs.length) {
        leafRank.set(input, Math.min(leafRank.get(input) ?? Infinity, rank.get(node.id) - 1));
      }
    }
  }
  for (const [id, r] of leafRank) rank.set(id, r);
  return rank;
}

/** Which source→target pairs go into the layout (the others are drawn as free curves). */
export function chooseLayoutPairs(graph, budget = DUMMY_BUDGET) {
  const rank = estimateRanks(graph);
  const pairs = new Map(); // "s\u0000t" -> {source, target, weight, span}
  for (const node of graph.nodes) {
    for (const source of node.inputs) {
      const key = `${source}\u0000${node.id}`;
      const pair = pairs.get(key);
      if (pair) pair.weight += 1;
      else pairs.set(key, { source, target: node.id, weight: 1, span: rank.get(node.id) - rank.get(source) });
    }
  }
  let dummies = 0;
  for (const pair of pairs.values()) dummies += Math.max(0, pair.span - 1);
  if (dummies <= budget) return { kept: [...pairs.values()], skipped: [] };

  // Keep each source's shortest edge no matter what, then drop the longest edges first.
  const shortest = new Map();
  for (const pair of pairs.values()) {
    const best = shortest.get(pair.source);
    if (!best || pair.span < best.span) shortest.set(pair.source, pair);
  }
  const candidates = [...pairs.values()].filter((p) => shortest.get(p.source) !== p).sort((a, b) => b.span - a.span);
  const skipped = new Set();
  for (const pair of candidates) {
    if (dummies <= budget || pair.span <= 1) break;
    skipped.add(pair);
    dummies -= pair.span - 1;
  }
  return { kept: [...pairs.values()].filter((p) => !skipped.has(p)), skipped: [...skipped] };
}

/**
 * Lay the graph out left to right.
 * @param {object} graph the API answer (nodes with id, kind, label, inputs; forward order)
 * @param {object} dagre the @dagrejs/dagre module
 * @param {object} [options] `labels`: id → the name drawn (sizes the label cells); spacing and ranker
 * @returns {{nodes: Map<string, object>, edges: object[], width: number, height: number}}
 *   nodes: id → {id, x, y (top-left), width, height, recordX, labelWidth}; edges with a `path` (SVG d).
 */
export function layoutGraph(graph, dagre, options = {}) {
  const g = new dagre.graphlib.Graph({ multigraph: false, compound: false });
  const large = graph.nodes.length > 300;
  g.setGraph({
    rankdir: "LR",
    nodesep: options.nodesep ?? 16,
    ranksep: options.ranksep ?? 44,
    edgesep: 8,
    marginx: 24,
    marginy: 24,
    // Network simplex gives the tidiest layers; on big graphs the cheaper ranker keeps it fast.
    ranker: options.ranker ?? (large ? "longest-path" : "network-simplex"),
  });
  g.setDefaultEdgeLabel(() => ({}));
  const boxes = new Map();
  for (const node of graph.nodes) {
    const box = nodeBox(node, options.labels?.get(node.id));
    boxes.set(node.id, box);
    g.setNode(node.id, { width: box.width, height: box.height });
  }
  const { kept } = chooseLayoutPairs(graph, options.dummyBudget ?? (large ? LARGE_DUMMY_BUDGET : DUMMY_BUDGET));
  for (const pair of kept) g.setEdge(pair.source, pair.target, { weight: pair.weight, minlen: 1 });

  // Crossing minimisation sweeps dominate on big graphs; their first ordering is kept instead.
  dagre.layout(g, graph.nodes.length > 500 ? { disableOptimalOrderHeuristic: true } : {});

  const nodes = new Map();
  let width = 0;
  let height = 0;
  for (const node of graph.nodes) {
    const laid = g.node(node.id);
    const box = boxes.get(node.id);
    const placed = { id: node.id, x: laid.x - box.width / 2, y: laid.y - box.height / 2, ...box };
    nodes.set(node.id, placed);
    width = Math.max(width, placed.x + placed.width + 24);
    height = Math.max(height, placed.y + placed.height + 24);
  }

  const edges = graphEdges(graph).map((edge) => {
    const routed = g.edge(edge.source, edge.target);
    const points = routed && routed.points && edge.parallelCount === 1 ? routed.points : null;
    return { ...edge, path: edgePath(nodes.get(edge.source), nodes.get(edge.target), edge, points) };
  });
  return { nodes, edges, width, height };
}

/** Where an edge leaves a node (right middle) and where it enters one (left middle, or its op circle). */
export function ports(sourceBox, targetBox) {
  return {
    start: { x: sourceBox.x + sourceBox.width, y: sourceBox.y + sourceBox.height / 2 },
    end: { x: targetBox.x, y: targetBox.y + targetBox.height / 2 },
  };
}

const round = (v) => Math.round(v * 10) / 10;

/**
 * The SVG path of one edge: a smooth curve through the layout's bend points when it has them,
 * otherwise a cubic curve; parallel edges (`x*x`) bow apart so each one is visible.
 */
export function edgePath(sourceBox, targetBox, edge, points = null) {
  const { start, end } = ports(sourceBox, targetBox);
  const via = points && points.length > 2 ? points.slice(1, -1) : [];
  const all = [start, ...via, end];
  if (all.length === 2) {
    const dx = Math.max(24, (end.x - start.x) / 2);
    const bow = edge.parallelCount > 1 ? (edge.parallel - (edge.parallelCount - 1) / 2) * 26 : 0;
    return (
      `M${round(start.x)},${round(start.y)}` +
      `C${round(start.x + dx)},${round(start.y + bow)} ${round(end.x - dx)},${round(end.y + bow)} ` +
      `${round(end.x)},${round(end.y)}`
    );
  }
  // Horizontal tangents at every bend point read well in a left-to-right layered drawing.
  let d = `M${round(all[0].x)},${round(all[0].y)}`;
  for (let i = 1; i < all.length; i++) {
    const a = all[i - 1];
    const b = all[i];
    const dx = (b.x - a.x) / 2;
    d += `C${round(a.x + dx)},${round(a.y)} ${round(b.x - dx)},${round(b.y)} ${round(b.x)},${round(b.y)}`;
  }
  return d;
}
