// The timeline: the API's trace turned into numbered steps, and the state of the graph at any step.
// Pure data: no DOM. Step 0 is "before the forward pass"; steps 1..F are forward steps (one per node
// in `forward` order); steps F+1..F+B are backward steps (one per entry in `backward`). The front end
// never recomputes math: values, gradients and contributions are the API's numbers, only summed in
// the API's order to show the running totals. A timeline of the `+=` bug (bug-replay.js) sets each
// gradient to its latest contribution instead.

import { backwardEntries } from "./bug-replay.js";
import { nodeLabels } from "./notation.js";

/**
 * Build the timeline of one API answer.
 * @param {object} graph the JSON body of POST /api/graph (or a partial graph: `failed` set, and
 *   `phase`: "forward" for the forward pass up to a math error, "backward" for a whole forward pass
 *   and `backward` the backward steps that succeeded before it)
 * @param {object} [options]
 * @param {Map<string, string>} [options.labels] the nodes' shown names (notation.js's nodeLabels)
 * @param {{backward: object[], grads: Map<string, number>}} [options.bug] the buggy pass
 *   (bug-replay.js): replayed with `=` instead of `+=`
 */
export function buildTimeline(graph, { labels, bug } = {}) {
  const nodeById = new Map(graph.nodes.map((node) => [node.id, node]));
  const steps = graph.forward.map((id) => ({ phase: "forward", node: id }));
  const forwardCount = steps.length;

  // A partial graph stops where the math failed: in the forward pass there is no backward pass at
  // all; in the backward pass, the steps that succeeded, then the failing node's step.
  const backward = graph.failed ? failedPass(graph) : bug ? bug.backward : backwardEntries(graph);
  // How many gradient contributions each node receives in the whole pass: more than one means reuse.
  const contributionTotals = new Map();
  for (const entry of backward) {
    for (const c of entry.contributions) {
      if (c.contribution === null || isConstant(nodeById.get(c.input))) continue;
      contributionTotals.set(c.input, (contributionTotals.get(c.input) ?? 0) + 1);
    }
  }
  backward.forEach((entry, i) => {
    const step = { phase: "backward", node: entry.node, grad: entry.grad, contributions: entry.contributions, seed: i === 0 };
    if (entry.failed) step.failed = true;
    steps.push(step);
  });
  return {
    graph,
    nodeById,
    labels: labels ?? nodeLabels(graph, null),
    mode: bug ? "set" : "accumulate",
    finalGrads: bug ? bug.grads : null,
    steps,
    forwardCount,
    backwardCount: steps.length - forwardCount,
    total: steps.length,
    contributionTotals,
  };
}

/**
 * The backward pass of a partial graph: none when the forward pass failed; after a failure in the
 * backward pass, the steps that succeeded (the API's `backward`) and a last step at the failing node,
 * with no gradient of its own recorded (it shows what it had received) and no contributions.
 */
function failedPass(graph) {
  if (graph.phase !== "backward") return [];
  return [...(graph.backward ?? []), { node: graph.failed, grad: null, contributions: [], failed: true }];
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
 * nodes' gradients changed at this very step and whether that was a `+=` onto a reused node (or, in
 * the bug's timeline, an `=` that overwrote one), and each node's contributions so far (`parts`).
 */
export function stateAt(timeline, index) {
  const at = clampStep(timeline, index);
  const { graph, nodeById, steps, forwardCount } = timeline;
  const set = timeline.mode === "set";
  const values = new Map();
  const grads = new Map();
  const received = new Map(); // contributions received so far, per node
  const parts = new Map(); // the contributions themselves, in the order received

  for (let i = 0; i < Math.min(at, forwardCount); i++) {
    const id = steps[i].node;
    const value = nodeById.get(id).value;
    if (value !== null && value !== undefined) values.set(id, value);
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
    // The processed node's full gradient, as the API recorded it when it processed the node (a
    // failing step recorded none: the node keeps what it received).
    if (!isConstant(nodeById.get(step.node)) && step.grad !== null) grads.set(step.node, step.grad);
    for (const c of step.contributions) {
      if (c.contribution === null || isConstant(nodeById.get(c.input))) continue;
      const before = received.get(c.input) ?? 0;
      received.set(c.input, before + 1);
      const list = parts.get(c.input);
      if (list) list.push(c.contribution);
      else parts.set(c.input, [c.contribution]);
      grads.set(c.input, set ? c.contribution : (grads.get(c.input) ?? 0) + c.contribution);
      if (last) {
        changed.add(c.input);
        if (before > 0) accumulated.add(c.input);
      }
    }
  }

  if (at === timeline.total && timeline.total > forwardCount) {
    // The end of the backward pass: every node shows its final gradient exactly as the API has it
    // (the bug's timeline: as its replay ends).
    for (const node of graph.nodes) {
      if (node.kind === "constant") continue;
      const grad = timeline.finalGrads ? timeline.finalGrads.get(node.id) : node.grad;
      if (grad !== null && grad !== undefined) grads.set(node.id, grad);
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
    parts,
    changed,
    accumulated,
  };
}

/**
 * The nodes whose gradient is whole at a state: every contribution they get has arrived (or the pass
 * is over). Their numeric check may show; a running sum's would give the rest away.
 */
export function completeGradients(timeline, state) {
  const complete = new Set();
  const ended = state.index === timeline.total && timeline.total > timeline.forwardCount;
  for (const id of state.grads.keys()) {
    if (ended || (state.received.get(id) ?? 0) >= (timeline.contributionTotals.get(id) ?? 0)) complete.add(id);
  }
  return complete;
}
