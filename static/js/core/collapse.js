// Named sub-expressions folded into one box. A statement such as `n = x1*w1 + x2*w2 + b` makes one
// named node (n) and a few unnamed ones that only it uses (the products, the first sum): together
// they are n's group, and collapsing n draws the group as one box fed by the group's outside inputs.
// Pure: no DOM. The view it makes has the shape layout.js and graph-view.js take (nodes in forward
// order, each with its inputs, and the drawn edges keyed as graphEdges keys the answer's).

import { graphEdges } from "./layout.js";

/**
 * The collapsible groups of an answer: named operation node id → the ids of its group (itself first).
 * A group is the named node and every unnamed operation or constant that feeds it without passing a
 * named node or a variable, and whose every user is in the group too: collapsing never hides a node
 * something outside still uses. Groups of one node are left out (nothing to fold). Groups never share
 * a node.
 * @param {{nodes: object[]}} graph
 * @returns {Map<string, string[]>}
 */
export function collapsibleGroups(graph) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const position = new Map(graph.nodes.map((n, i) => [n.id, i]));
  const users = new Map(graph.nodes.map((n) => [n.id, []]));
  for (const node of graph.nodes) for (const input of node.inputs) users.get(input)?.push(node.id);
  const canJoin = (node) => node && !node.label && (node.kind === "operation" || node.kind === "constant");

  const groups = new Map();
  for (const root of graph.nodes) {
    if (root.kind !== "operation" || !root.label) continue;
    // Everything reachable backwards through unnamed nodes…
    const candidates = new Set();
    const stack = [...root.inputs];
    while (stack.length) {
      const id = stack.pop();
      const node = byId.get(id);
      if (candidates.has(id) || !canJoin(node)) continue;
      candidates.add(id);
      stack.push(...node.inputs);
    }
    // …less whatever is also used outside (and then whatever only those fed), until nothing changes.
    let changed = true;
    while (changed) {
      changed = false;
      for (const id of candidates) {
        if (users.get(id).some((user) => user !== root.id && !candidates.has(user))) {
          candidates.delete(id);
          changed = true;
        }
      }
    }
    if (candidates.size) {
      // In forward order (a pass over the whole graph per group would make this quadratic).
      const order = [...candidates].sort((a, b) => position.get(a) - position.get(b));
      groups.set(root.id, [root.id, ...order]);
    }
  }
  return groups;
}

/**
 * What is drawn when the groups rooted at `collapsed` are folded.
 * @param {{nodes: object[], forward: string[]}} graph the API answer
 * @param {Iterable<string>} collapsed ids of named nodes whose groups are folded
 * @param {Map<string, string[]>} [groups] collapsibleGroups(graph), when already known
 * @returns {{nodes: object[], edges: object[], forward: string[], representative: Map<string, string>,
 *   groups: Map<string, string[]>}}
 *   nodes: the drawn nodes in forward order (every group's root carries `foldable: true`; a folded one
 *   also `collapsed: true`, `members` (how many nodes it stands for) and as `inputs` its group's
 *   outside inputs); edges: the answer's edges between
 *   drawn nodes, inner edges left out, each keeping its key (`target:position`) so stepping lights it;
 *   representative: every node id → the id of the drawn node that shows it.
 */
export function collapsedView(graph, collapsed, groups = collapsibleGroups(graph)) {
  const representative = new Map(graph.nodes.map((n) => [n.id, n.id]));
  const folded = new Set();
  for (const root of collapsed) {
    const members = groups.get(root);
    if (!members) continue;
    folded.add(root);
    for (const id of members) representative.set(id, root);
  }

  if (!folded.size) {
    // Nothing folded: the answer's own edges (graphEdges already numbers repeated inputs apart).
    const nodes = graph.nodes.map((node) => (groups.has(node.id) ? { ...node, foldable: true } : node));
    return { nodes, edges: graphEdges(graph), forward: graph.forward, representative, groups };
  }
  const edges = [];
  const inputs = new Map(); // drawn node id → its drawn inputs, in edge order
  for (const edge of graphEdges(graph)) {
    const source = representative.get(edge.source);
    const target = representative.get(edge.target);
    if (source === target) continue; // inside a folded group
    edges.push({ key: edge.key, source, target, position: edge.position });
    if (!inputs.has(target)) inputs.set(target, []);
    inputs.get(target).push(source);
  }
  // Parallel edges (the same two drawn nodes) bow apart, as repeated inputs do.
  const pairCount = new Map();
  for (const edge of edges) pairCount.set(`${edge.source}\u0000${edge.target}`, (pairCount.get(`${edge.source}\u0000${edge.target}`) ?? 0) + 1);
  const seen = new Map();
  for (const edge of edges) {
    const pair = `${edge.source}\u0000${edge.target}`;
    edge.parallel = seen.get(pair) ?? 0;
    edge.parallelCount = pairCount.get(pair);
    seen.set(pair, edge.parallel + 1);
  }

  const nodes = [];
  for (const node of graph.nodes) {
    if (representative.get(node.id) !== node.id) continue;
    if (folded.has(node.id)) {
      nodes.push({ ...node, inputs: inputs.get(node.id) ?? [], foldable: true, collapsed: true, members: groups.get(node.id).length });
    } else if (groups.has(node.id)) nodes.push({ ...node, foldable: true });
    else nodes.push(node);
  }
  const forward = graph.forward.filter((id) => representative.get(id) === id);
  return { nodes, edges, forward, representative, groups };
}

/**
 * The view `view` with the numbers of `graph`, a recompute of the answer `view` was made from (the same
 * structure: collapsedView would give the same nodes, edges and groups). Only the node objects are
 * new: the edges, the representatives and the groups are `view`'s own, so nothing is worked out again.
 * @param {ReturnType<typeof collapsedView>} view
 * @param {{nodes: object[]}} graph
 * @returns {ReturnType<typeof collapsedView>}
 */
export function revaluedView(view, graph) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const nodes = view.nodes.map((drawn) => {
    const node = byId.get(drawn.id);
    if (node === undefined) throw new Error(`revaluedView: ${drawn.id} is not in the new answer`);
    if (!drawn.foldable) return node;
    if (!drawn.collapsed) return { ...node, foldable: true };
    return { ...node, inputs: drawn.inputs, foldable: true, collapsed: true, members: drawn.members };
  });
  return { ...view, nodes };
}
