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
  foldRoom: 18, // a named statement's fold control, left in its label cell
});

/** Room between nodes of one layer, and between layers. */
const NODE_SEP = 16;
const RANK_SEP = 44;

// Long edges cost the layered layout one dummy node per rank they cross: a variable used by every
// one of 250 lines would add ~100,000 of them. Past this budget the longest edges are drawn but
// left out of the layout (each node keeps its shortest edge, so it still sits beside a user).
const DUMMY_BUDGET = 1500;
// The page's own layered layout places a dummy in microseconds: it routes more (a 16-16-1 network
// needs ~1,900).
const LAYERED_DUMMY_BUDGET = 2500;
/** Room between two long edges passing through one layer. */
const EDGE_SEP = 8;

/**
 * Graphs with more nodes than this get the page's own layered layout (layeredLayout) instead of
 * dagre's: on a 1,000-node program dagre takes half a second (most of it placing nodes within their
 * layers and routing long edges through its own graph objects), ours a few tens of milliseconds.
 */
export const OWN_LAYOUT_ABOVE = 300;

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
  return withinBudget([...pairs.values()], budget);
}

/**
 * Pairs `{source, span}` (span: layers crossed + 1) split into those kept in the layout and those
 * skipped (drawn as free curves), so that the kept ones need at most `budget` dummy nodes. Each
 * source keeps its shortest pair no matter what; the sources whose long edges need the most dummies
 * lose theirs first, all of them: a variable used by every line of a long program would otherwise
 * have a few of its hundreds of edges routed, a band of lines that pushes the program's own chain
 * aside, and the rest over it anyway.
 */
function withinBudget(pairs, budget) {
  let dummies = 0;
  const demand = new Map(); // source → the dummies its pairs but the shortest need
  const shortest = new Map();
  for (const pair of pairs) {
    dummies += Math.max(0, pair.span - 1);
    const best = shortest.get(pair.source);
    if (!best || pair.span < best.span) shortest.set(pair.source, pair);
  }
  if (dummies <= budget) return { kept: pairs, skipped: [] };
  for (const pair of pairs) {
    if (shortest.get(pair.source) !== pair) demand.set(pair.source, (demand.get(pair.source) ?? 0) + Math.max(0, pair.span - 1));
  }
  const dropped = new Set();
  for (const [source, need] of [...demand].sort((a, b) => b[1] - a[1])) {
    if (dummies <= budget || need === 0) break;
    dropped.add(source);
    dummies -= need;
  }
  const skip = (p) => dropped.has(p.source) && shortest.get(p.source) !== p && p.span > 1;
  return { kept: pairs.filter((p) => !skip(p)), skipped: pairs.filter(skip) };
}

/**
 * The order of the nodes within each layer, written into dagre's own layered graph (its `customOrder`
 * hook). dagre's built-in crossing minimisation builds a compound graph per layer and sweep, which on
 * a 1,000-node program costs more than the rest of the layout together; the same idea, the barycenter
 * heuristic, runs here on plain arrays: a depth-first first order, then sweeps down and up that sort
 * each layer by the mean position of its neighbours in the layer before, keeping the order with the
 * fewest crossings.
 * @param {object} g dagre's layered graph (ranks assigned, long edges already split into dummy nodes)
 * @param {number} sweeps how many down/up sweeps to try
 */
export function orderLayers(g, sweeps = 4) {
  // Plain arrays first: dagre's graph lookups cost more than the sorting itself.
  const ids = g.nodes().filter((v) => !(g.children(v) ?? []).length && g.node(v).rank !== undefined);
  const index = new Map(ids.map((v, i) => [v, i]));
  const rank = ids.map((v) => g.node(v).rank);
  const successors = ids.map((v) => (g.successors(v) ?? []).map((w) => index.get(w)).filter((w) => w !== undefined));
  const layers = barycenterLayers(rank, successors, sweeps);
  layers.forEach((layer) => layer.forEach((v, i) => (g.node(ids[v]).order = i)));
}

/**
 * Nodes 0..n-1 with a layer each (`rank`) and their `successors`, ordered within their layers: a
 * depth-first first order (a chain stays on one line), then barycenter sweeps down and up, keeping
 * the order with the fewest crossings between neighbouring layers. Edges may skip layers (they count
 * for the barycenters, not the crossings).
 * @returns {number[][]} the nodes of each layer, in order
 */
export function barycenterLayers(rank, successors, sweeps = 4) {
  const count = rank.length;
  const predecessors = Array.from({ length: count }, () => []);
  successors.forEach((next, v) => next.forEach((w) => predecessors[w].push(v)));
  const layers = [];
  const seen = new Uint8Array(count);
  const byRank = Array.from({ length: count }, (_, i) => i).sort((a, b) => rank[a] - rank[b]);
  for (const start of byRank) {
    const stack = [start];
    while (stack.length) {
      const v = stack.pop();
      if (seen[v]) continue;
      seen[v] = 1;
      (layers[rank[v]] ??= []).push(v);
      const next = successors[v];
      for (let i = next.length - 1; i >= 0; i--) if (!seen[next[i]]) stack.push(next[i]);
    }
  }
  for (let r = 0; r < layers.length; r++) layers[r] ??= [];

  const position = new Float64Array(count);
  layers.forEach((layer) => layer.forEach((v, i) => (position[v] = i)));
  let best = layers.map((layer) => layer.slice());
  let bestCrossings = countCrossings(layers, successors, position, rank);
  const key = new Float64Array(count);
  for (let sweep = 0; sweep < sweeps && bestCrossings > 0; sweep++) {
    const down = sweep % 2 === 0;
    const neighbours = down ? predecessors : successors;
    for (let k = 1; k < layers.length; k++) {
      const layer = layers[down ? k : layers.length - 1 - k];
      for (const v of layer) {
        const around = neighbours[v];
        let sum = 0;
        for (const u of around) sum += position[u];
        key[v] = around.length ? sum / around.length : position[v];
      }
      layer.sort((a, b) => key[a] - key[b] || position[a] - position[b]);
      layer.forEach((v, i) => (position[v] = i));
    }
    const crossings = countCrossings(layers, successors, position, rank);
    if (crossings < bestCrossings) {
      bestCrossings = crossings;
      best = layers.map((layer) => layer.slice());
    }
  }
  return best;
}

/** Edge crossings between neighbouring layers (counted as inversions, by merge sort). */
function countCrossings(layers, successors, position, rank) {
  let total = 0;
  const ends = [];
  for (let r = 1; r < layers.length; r++) {
    // The positions of the edges' ends in layer r, in the order of their starts in layer r - 1.
    ends.length = 0;
    for (const v of layers[r - 1]) {
      const first = ends.length;
      for (const w of successors[v]) {
        if (rank[w] !== r) continue;
        // Insertion sort among this node's own few edges.
        const at = position[w];
        let i = ends.length;
        while (i > first && ends[i - 1] > at) {
          ends[i] = ends[i - 1];
          i -= 1;
        }
        ends[i] = at;
      }
    }
    total += inversions(ends);
  }
  return total;
}

/** How many pairs of `values` are out of order (merge sort; `values` is left as it was). */
function inversions(values) {
  const length = values.length;
  if (length < 2) return 0;
  let count = 0;
  let run = Float64Array.from(values);
  let buffer = new Float64Array(length);
  for (let width = 1; width < length; width *= 2) {
    for (let lo = 0; lo < length; lo += 2 * width) {
      const mid = Math.min(lo + width, length);
      const hi = Math.min(lo + 2 * width, length);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (run[j] < run[i]) {
          count += mid - i;
          buffer[k++] = run[j++];
        } else buffer[k++] = run[i++];
      }
      while (i < mid) buffer[k++] = run[i++];
      while (j < hi) buffer[k++] = run[j++];
    }
    [run, buffer] = [buffer, run];
  }
  return count;
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
function layoutPlan(graph, satellitesOn, labels = null) {
  const boxes = new Map(graph.nodes.map((node) => [node.id, nodeBox(node, labels?.get(node.id))]));
  const satellites = satellitesOn ? satelliteLeaves(graph) : new Map();
  const riding = new Set([...satellites.values()].flat());
  const blocks = new Map();
  for (const [user, leaves] of satellites) {
    const box = boxes.get(user);
    const column = Math.max(...leaves.map((id) => boxes.get(id).width));
    const stack = leaves.reduce((sum, id) => sum + boxes.get(id).height, 0) + SATELLITE_SPACING * (leaves.length - 1);
    blocks.set(user, { width: column + SATELLITE_GAP + box.width, height: Math.max(box.height, stack), column, stack });
  }
  /** The size the layout places for a node: its block's, or its own box's. */
  const size = (id) => blocks.get(id) ?? boxes.get(id);
  return { boxes, satellites, riding, blocks, size };
}

/** Every node's box from the centre each placed block (or lone node) got. */
function placeNodes(graph, plan, centreOf) {
  const { boxes, satellites, riding, blocks } = plan;
  const nodes = new Map();
  const place = (node, x, y) => nodes.set(node.id, { id: node.id, kind: node.kind, x, y, ...boxes.get(node.id) });
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  for (const node of graph.nodes) {
    if (riding.has(node.id)) continue;
    const centre = centreOf(node.id);
    const box = boxes.get(node.id);
    const block = blocks.get(node.id);
    if (!block) {
      place(node, centre.x - box.width / 2, centre.y - box.height / 2);
      continue;
    }
    const left = centre.x - block.width / 2;
    place(node, left + block.column + SATELLITE_GAP, centre.y - box.height / 2);
    let y = centre.y - block.stack / 2;
    for (const id of satellites.get(node.id)) {
      const leafBox = boxes.get(id);
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

/** The drawn edges, each with its SVG path and bounds; `pointsOf` gives a routed edge's bend points. */
function routeEdges(graph, nodes, pointsOf = () => null) {
  return (graph.edges ?? graphEdges(graph)).map((edge) => {
    const points = edge.parallelCount === 1 ? pointsOf(edge.source, edge.target) : null;
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    return { ...edge, path: edgePath(source, target, edge, points), bounds: edgeBounds(source, target, edge, points) };
  });
}

/**
 * Lay the graph out left to right: with dagre up to OWN_LAYOUT_ABOVE nodes (network simplex ranks
 * and dagre's own crossing minimisation below 200 nodes give small graphs the tidiest drawing),
 * with layeredLayout above.
 * @param {object} graph the API answer, or a view of it (collapse.js): nodes with id, kind, label,
 *   inputs, in forward order; `edges` when the view brings its own (keys of the answer's edges)
 * @param {object} dagre the @dagrejs/dagre module
 * @param {object} [options] `labels`: id → the name drawn (sizes the label cells); spacing and ranker;
 *   `satellites`: leaves with one use ride beside their user (default: on big graphs)
 * @returns {{nodes: Map<string, object>, edges: object[], width: number, height: number}}
 *   nodes: id → {id, kind, x, y (top-left), width, height, recordX, labelWidth}; edges with a `path`
 *   (SVG d) and `bounds` (a box the drawn curve stays inside).
 */
export function layoutGraph(graph, dagre, options = {}) {
  if (graph.nodes.length > OWN_LAYOUT_ABOVE) return layeredLayout(graph, options);
  const g = new dagre.graphlib.Graph({ multigraph: false, compound: false });
  g.setGraph({
    rankdir: "LR",
    nodesep: options.nodesep ?? NODE_SEP,
    ranksep: options.ranksep ?? RANK_SEP,
    edgesep: EDGE_SEP,
    marginx: 24,
    marginy: 24,
    ranker: options.ranker ?? "network-simplex",
  });
  g.setDefaultEdgeLabel(() => ({}));
  const plan = layoutPlan(graph, options.satellites ?? false, options.labels);
  for (const node of graph.nodes) {
    if (plan.riding.has(node.id)) continue;
    const { width, height } = plan.size(node.id);
    g.setNode(node.id, { width, height });
  }
  const { kept } = chooseLayoutPairs(graph, options.dummyBudget ?? DUMMY_BUDGET);
  for (const pair of kept) if (!plan.riding.has(pair.source)) g.setEdge(pair.source, pair.target, { weight: pair.weight, minlen: 1 });

  // Small graphs get dagre's own crossing minimisation; from a few hundred nodes on, ours (orderLayers).
  dagre.layout(g, graph.nodes.length > 200 ? { customOrder: (layered) => orderLayers(layered, options.sweeps ?? 4) } : {});

  const { nodes, width, height } = placeNodes(graph, plan, (id) => g.node(id));
  const edges = routeEdges(graph, nodes, (source, target) => g.edge(source, target)?.points ?? null);
  return { nodes, edges, width, height };
}

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
  const plan = layoutPlan(graph, options.satellites ?? graph.nodes.length > OWN_LAYOUT_ABOVE, options.labels);
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
    left += widest + RANK_SEP;
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
  let bottom = placedNodes.height;
  for (let v = count; v < total; v++) bottom = Math.max(bottom, y[v] + shift + 24);
  const pointsOf = (source, target) => {
    const dummies = routes.get(`${source}\u0000${target}`);
    if (!dummies) return null;
    const { start, end } = ports(nodes.get(source), nodes.get(target));
    return [start, ...dummies.map((d) => ({ x: layerX[rank[d]], y: y[d] + shift })), end];
  };
  return { nodes, edges: routeEdges(graph, nodes, pointsOf), width: placedNodes.width, height: bottom };
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
 * A box the drawn edge stays inside: its ends and bend points, widened by as much as a curve's
 * control points reach out (parallel edges bow by up to half their spread). For drawing only what is
 * in view; a little too big is fine, too small is not.
 */
export function edgeBounds(sourceBox, targetBox, edge, points = null) {
  const { start, end } = ports(sourceBox, targetBox);
  let x0 = Math.min(start.x, end.x);
  let x1 = Math.max(start.x, end.x);
  let y0 = Math.min(start.y, end.y);
  let y1 = Math.max(start.y, end.y);
  for (const p of points ?? []) {
    x0 = Math.min(x0, p.x);
    x1 = Math.max(x1, p.x);
    y0 = Math.min(y0, p.y);
    y1 = Math.max(y1, p.y);
  }
  const reach = Math.max(30, Math.abs(end.x - start.x) / 2);
  const bow = 30 + 13 * Math.max(0, (edge.parallelCount ?? 1) - 1);
  return { x0: x0 - reach, y0: y0 - bow, x1: x1 + reach, y1: y1 + bow };
}

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

/**
 * A layout as a few flat arrays, for the worker to post: copying thousands of small objects between
 * threads costs the page's thread more than rebuilding them from numbers (unpackLayout).
 */
export function packLayout(layout) {
  const boxes = [...layout.nodes.values()];
  const numbers = new Float64Array(boxes.length * 6);
  boxes.forEach((b, i) => numbers.set([b.x, b.y, b.width, b.height, b.recordX, b.labelWidth], i * 6));
  const edges = layout.edges;
  const edgeNumbers = new Float64Array(edges.length * 7);
  edges.forEach((e, i) => {
    const { x0, y0, x1, y1 } = e.bounds;
    edgeNumbers.set([e.position, e.parallel, e.parallelCount, x0, y0, x1, y1], i * 7);
  });
  return {
    ids: boxes.map((b) => b.id),
    kinds: boxes.map((b) => b.kind),
    numbers,
    edgeKeys: edges.map((e) => e.key),
    edgeSources: edges.map((e) => e.source),
    edgeTargets: edges.map((e) => e.target),
    edgePaths: edges.map((e) => e.path),
    edgeNumbers,
    width: layout.width,
    height: layout.height,
  };
}

/** The layout packLayout packed, as layoutGraph made it. */
export function unpackLayout(packed) {
  const { ids, kinds, numbers: v, edgeNumbers: w } = packed;
  const nodes = new Map();
  ids.forEach((id, i) => {
    const at = i * 6;
    nodes.set(id, { id, kind: kinds[i], x: v[at], y: v[at + 1], width: v[at + 2], height: v[at + 3], recordX: v[at + 4], labelWidth: v[at + 5] });
  });
  const edges = packed.edgeKeys.map((key, i) => {
    const at = i * 7;
    return {
      key,
      source: packed.edgeSources[i],
      target: packed.edgeTargets[i],
      position: w[at],
      parallel: w[at + 1],
      parallelCount: w[at + 2],
      path: packed.edgePaths[i],
      bounds: { x0: w[at + 3], y0: w[at + 4], x1: w[at + 5], y1: w[at + 6] },
    };
  });
  return { nodes, edges, width: packed.width, height: packed.height };
}
