// The computation graph's layout: coordinates only, no DOM, no drawing. dagre's layout for small
// graphs (here), the page's own layered layout for big ones (layout-layered.js); one concern a file:
// boxes and placement (layout-plan.js), layer order (layout-order.js), edge curves (layout-edges.js),
// the worker's flat form (layout-pack.js). The DAG layout library (dagre) is passed in, so the same
// module runs in the page (UMD global) and in Node's test runner (imported from node_modules).

import { layeredLayout } from "./layout-layered.js";
import { chooseLayoutPairs, orderLayers } from "./layout-order.js";
import { EDGE_SEP, NODE_SEP, OWN_LAYOUT_ABOVE, DUMMY_BUDGET, layoutPlan, placeNodes, rankGap, routeEdges } from "./layout-plan.js";

export { placeInOrder, layeredLayout } from "./layout-layered.js";
export { barycenterLayers, chooseLayoutPairs, orderLayers } from "./layout-order.js";
export { edgeBounds, edgePath, ports } from "./layout-edges.js";
export { packLayout, unpackLayout } from "./layout-pack.js";
export { LABEL_RANK_SEP, OWN_LAYOUT_ABOVE, SIZES, graphEdges, nodeBox, rankGap, satelliteLeaves } from "./layout-plan.js";

/**
 * Lay the graph out left to right (or, `options.direction` "TB", top to bottom): with dagre up to OWN_LAYOUT_ABOVE nodes (network simplex ranks
 * and dagre's own crossing minimisation below 200 nodes give small graphs the tidiest drawing),
 * with layeredLayout above.
 * @param {object} graph the API answer, or a view of it (collapse.js): nodes with id, kind, label,
 *   inputs, in forward order; `edges` when the view brings its own (keys of the answer's edges)
 * @param {object} dagre the @dagrejs/dagre module
 * @param {object} [options] `labels`: id → the name drawn (sizes the label cells); spacing and ranker;
 *   `direction`: "LR" (the default) or "TB", the way the layers go;
 *   `satellites`: leaves with one use ride beside their user (default: on big graphs)
 * @returns {{nodes: Map<string, object>, edges: object[], width: number, height: number}}
 *   nodes: id → {id, kind, x, y (top-left), width, height, recordX, labelWidth}; edges with a `path`
 *   (SVG d) and `bounds` (a box the drawn curve stays inside); `direction` as laid out.
 */
export function layoutGraph(graph, dagre, options = {}) {
  if (graph.nodes.length > OWN_LAYOUT_ABOVE) return layeredLayout(graph, options);
  const direction = options.direction === "TB" ? "TB" : "LR";
  const g = new dagre.graphlib.Graph({ multigraph: false, compound: false });
  g.setGraph({
    rankdir: "LR",
    nodesep: options.nodesep ?? NODE_SEP,
    ranksep: rankGap(direction, options.ranksep),
    edgesep: EDGE_SEP,
    marginx: 24,
    marginy: 24,
    ranker: options.ranker ?? "network-simplex",
  });
  g.setDefaultEdgeLabel(() => ({}));
  const plan = layoutPlan(graph, options.satellites ?? false, options.labels, direction);
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
  const edges = routeEdges(graph, nodes, (source, target) => g.edge(source, target)?.points ?? null, direction);
  return { nodes, edges, width, height, direction };
}
