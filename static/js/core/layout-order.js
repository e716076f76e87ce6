// The order of the layers' nodes and which edges the layout routes: rank estimates, the dummy-node
// budget, barycenter sweeps and crossing counts. Shared by dagre's layout and the page's own. Pure.

import { DUMMY_BUDGET } from "./layout-plan.js";

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
export function withinBudget(pairs, budget) {
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
