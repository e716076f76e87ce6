// The `+=` bug of micrograd's lecture, replayed: the backward pass with each gradient SET to the last
// contribution it receives instead of accumulated. A node used once gets the same gradient either way;
// a node used more than once (`b = a + a`) keeps only its last contribution, and everything upstream
// of it inherits the error. Pure: no DOM.
//
// The page does no calculus here: the API's trace gives every local derivative, and each contribution
// is grad × local (the contract's own definition), so the buggy pass is the same trace with the
// node's buggy gradient in place of the right one.

/** The backward steps of an answer as the timeline replays them (the seed alone when there is none). */
export function backwardEntries(graph) {
  return graph.backward.length ? graph.backward : [{ node: graph.output, grad: 1, contributions: [] }];
}

/**
 * The buggy backward pass of an API answer.
 * @param {object} graph the JSON body of POST /api/graph
 * @returns {{backward: object[], grads: Map<string, number>, wrong: Set<string>}} backward: entries
 *   shaped like the API's (`node`, `grad` when processed, `contributions` with `local` and the buggy
 *   `contribution`); grads: every non-constant node's final buggy gradient; wrong: the nodes whose
 *   buggy gradient differs from the API's.
 */
export function setInsteadOfAccumulate(graph) {
  const nodeById = new Map(graph.nodes.map((n) => [n.id, n]));
  const isConstant = (id) => nodeById.get(id)?.kind === "constant";
  const grads = new Map([[graph.output, 1]]);
  const backward = backwardEntries(graph).map((entry) => {
    const grad = grads.get(entry.node) ?? 0;
    const contributions = entry.contributions.map((c) => {
      if (c.contribution === null || c.local === null || c.local === undefined) return { ...c };
      const contribution = grad * c.local;
      if (!isConstant(c.input)) grads.set(c.input, contribution); // the bug: `=` where `+=` belongs
      return { input: c.input, local: c.local, contribution };
    });
    return { node: entry.node, grad, contributions };
  });
  const finals = new Map();
  const wrong = new Set();
  for (const node of graph.nodes) {
    if (node.kind === "constant") continue;
    const grad = grads.get(node.id) ?? 0;
    finals.set(node.id, grad);
    if (node.grad !== null && node.grad !== undefined && !sameNumber(grad, node.grad)) wrong.add(node.id);
  }
  return { backward, grads: finals, wrong };
}

/** Equal up to float rounding: the same products taken in another order may differ in the last bit. */
export function sameNumber(a, b) {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * Does a gradient agree with the API's central difference, by the API's own tolerance (relative 1e-4,
 * absolute 1e-6 scaled by the output's size)? The page compares the bug's gradient this way.
 */
export function agreesWithCheck(analytic, numeric, outputValue) {
  if (numeric === null || numeric === undefined || !Number.isFinite(analytic)) return false;
  const scale = Math.max(1, Math.abs(outputValue ?? 0));
  const tolerance = Math.max(1e-4 * Math.max(Math.abs(analytic), Math.abs(numeric)), 1e-6 * scale);
  return Math.abs(analytic - numeric) <= tolerance;
}
