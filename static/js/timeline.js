// The timeline: the API's trace turned into numbered steps, and the state of the graph at any step.
// Pure data: no DOM. Step 0 is "before the forward pass"; steps 1..F are forward steps (one per node
// in `forward` order); steps F+1..F+B are backward steps (one per entry in `backward`). The front end
// never recomputes math: values, gradients and contributions are the API's numbers, only summed in
// the API's order to show the running totals.

/**
 * Build the timeline of one API answer.
 * @param {object} graph the JSON body of POST /api/graph
 */
export function buildTimeline(graph) {
  const nodeById = new Map(graph.nodes.map((node) => [node.id, node]));
  const steps = graph.forward.map((id) => ({ phase: "forward", node: id }));
  const forwardCount = steps.length;

  let backward = graph.backward;
  if (backward.length === 0) {
    // No operation at all (e.g. `L = 3`): the backward pass is just the seed dL/dL = 1.
    backward = [{ node: graph.output, grad: 1, contributions: [] }];
  }
  // How many gradient contributions each node receives in the whole pass: more than one means reuse.
  const contributionTotals = new Map();
  for (const entry of backward) {
    for (const c of entry.contributions) {
      if (c.contribution === null || isConstant(nodeById.get(c.input))) continue;
      contributionTotals.set(c.input, (contributionTotals.get(c.input) ?? 0) + 1);
    }
  }
  backward.forEach((entry, i) => {
    steps.push({ phase: "backward", node: entry.node, grad: entry.grad, contributions: entry.contributions, seed: i === 0 });
  });
  return {
    graph,
    nodeById,
    steps,
    forwardCount,
    backwardCount: steps.length - forwardCount,
    total: steps.length,
    contributionTotals,
  };
}

function isConstant(node) {
  return node !== undefined && node.kind === "constant";
}

/** Clamp any requested step into [0, total]. */
export function clampStep(timeline, index) {
  const n = Number.isFinite(index) ? Math.trunc(index) : 0;
  return Math.min(Math.max(n, 0), timeline.total);
}

/**
 * The graph as it looks after `index` steps.
 * Returns values and gradients reached so far, the active node, the edges it lights up, which
 * nodes' gradients changed at this very step and whether that was a `+=` onto a reused node.
 */
export function stateAt(timeline, index) {
  const at = clampStep(timeline, index);
  const { graph, nodeById, steps, forwardCount } = timeline;
  const values = new Map();
  const grads = new Map();
  const received = new Map(); // contributions received so far, per node

  for (let i = 0; i < Math.min(at, forwardCount); i++) {
    const id = steps[i].node;
    values.set(id, nodeById.get(id).value);
  }

  const changed = new Set();
  const accumulated = new Set(); // nodes that got a `+=` on top of an earlier contribution at this step
  for (let i = forwardCount; i < at; i++) {
    const step = steps[i];
    const last = i === at - 1;
    if (step.seed) {
      grads.set(graph.output, 1);
      if (last) changed.add(graph.output);
    }
    // The processed node's full gradient, as the API recorded it when it processed the node.
    if (!isConstant(nodeById.get(step.node))) grads.set(step.node, step.grad);
    for (const c of step.contributions) {
      if (c.contribution === null || isConstant(nodeById.get(c.input))) continue;
      const before = received.get(c.input) ?? 0;
      received.set(c.input, before + 1);
      grads.set(c.input, (grads.get(c.input) ?? 0) + c.contribution);
      if (last) {
        changed.add(c.input);
        if (before > 0) accumulated.add(c.input);
      }
    }
  }

  if (at === timeline.total && timeline.total > forwardCount) {
    // The end of the backward pass: every node shows its final gradient exactly as the API has it.
    for (const node of graph.nodes) {
      if (node.kind !== "constant" && node.grad !== null && node.grad !== undefined) grads.set(node.id, node.grad);
    }
  }

  const step = at > 0 ? steps[at - 1] : null;
  const activeEdges = [];
  if (step) {
    const node = nodeById.get(step.node);
    node.inputs.forEach((input, position) => activeEdges.push({ source: input, target: node.id, position }));
  }
  return {
    index: at,
    total: timeline.total,
    phase: step ? step.phase : "start",
    step,
    active: step ? step.node : null,
    activeEdges,
    values,
    grads,
    received,
    changed,
    accumulated,
  };
}
