// The chain rule written out for one step, with the step's numbers: pure text, no DOM.
// Names and derivatives are written as notation.js says: the total gradient `∂L/∂d`, the local
// derivative with its operation `∂(d·f)/∂d = f = -2`, repeated inputs numbered, the running total of a
// reused node on a line of its own ("so far").

import { formatFactor, formatNumber } from "./format.js";
import { equationChain, gradientSymbol, localRuleText, localDerivative, operationText, operationWithValues, sameText } from "./notation.js";

/** `e = a·b`, or just `x·y` for an unnamed node whose name is its formula. */
export function definition(node, labels, opsByName) {
  const name = labels.get(node.id);
  const formula = operationText(node, labels, opsByName);
  return sameText(name, formula) ? name : `${name} = ${formula}`;
}

/**
 * The equation of one contribution: `∂L/∂a += ∂L/∂e · ∂(a·b)/∂a = (-2)·(-3) = 6`; in the bug's
 * timeline the `+=` is the bug's `=`.
 */
export function contributionEquation(timeline, step, position, opsByName) {
  const { graph, nodeById, labels } = timeline;
  const node = nodeById.get(step.node);
  const c = step.contributions[position];
  const L = labels.get(graph.output);
  const { head } = localDerivative(node, position, labels, opsByName);
  const assign = timeline.mode === "set" ? "=" : "+=";
  return (
    `${gradientSymbol(L, labels.get(c.input))} ${assign} ${gradientSymbol(L, labels.get(node.id))} · ${head} = ` +
    `${formatFactor(step.grad)}·${formatFactor(c.local)} = ${formatNumber(c.contribution)}`
  );
}

/** The running total of a node that receives more than one contribution, after the current step. */
export function runningTotalLine(timeline, state, id) {
  const { graph, labels, contributionTotals } = timeline;
  const symbol = gradientSymbol(labels.get(graph.output), labels.get(id));
  const parts = state.parts.get(id) ?? [];
  const total = contributionTotals.get(id) ?? parts.length;
  const grad = state.grads.get(id);
  const done = parts.length >= total;
  if (timeline.mode === "set") {
    const lost = parts.slice(0, -1).map(formatNumber).join(", ");
    const right = state.rightGrads?.get(id);
    const rightText = right === undefined ? "" : `; with += it would be ${formatNumber(right)}`;
    return `${symbol} = ${formatNumber(grad)}: set, not added${lost ? ` (${lost} overwritten)` : ""}${rightText}`;
  }
  const sum = parts.length > 1 ? `${parts.map((p, i) => (i > 0 && p < 0 ? formatFactor(p) : formatNumber(p))).join(" + ")} = ` : "";
  return `so far: ${symbol} = ${sum}${formatNumber(grad)}  (${parts.length} of ${total} contributions${done ? ", complete" : ""})`;
}

/**
 * The lines explaining the step a state is at (see timeline.stateAt), each `{kind, text}`:
 * kind is `title`, `equation`, `rule`, `total` (a reused node's running total) or `note`.
 */
export function chainRuleLines(timeline, state, opsByName) {
  const { graph, labels } = timeline;
  const L = labels.get(graph.output);
  const step = state.step;
  if (!step) {
    return [
      { kind: "title", text: "Before the forward pass" },
      { kind: "note", text: `Step forward to compute values from the inputs to ${L}, then gradients back.` },
    ];
  }
  const lines = stepLines(timeline, state, opsByName);
  // A partial graph: the forward pass stopped at a math error, or the backward pass could not start.
  if (graph.failed && state.index === timeline.total && graph.failedMessage) {
    lines.push({ kind: "note", text: `The math failed at ${labels.get(graph.failed)}: ${graph.failedMessage}` });
  }
  return lines;
}

/** The values of a node's inputs, in input order. */
export function inputValues(node, nodeById) {
  return node.inputs.map((id) => nodeById.get(id)?.value);
}

function stepLines(timeline, state, opsByName) {
  const { graph, nodeById, labels, contributionTotals } = timeline;
  const L = labels.get(graph.output);
  const step = state.step;
  const node = nodeById.get(step.node);
  const name = labels.get(node.id);

  if (step.phase === "forward") {
    if (node.kind === "variable") {
      return [
        { kind: "title", text: `Forward: variable ${name}` },
        { kind: "equation", text: `${name} = ${formatNumber(node.value)}` },
      ];
    }
    if (node.kind === "constant") {
      return [
        { kind: "title", text: `Forward: constant ${name}` },
        { kind: "equation", text: `${name} (a constant: it has a value, no gradient)` },
      ];
    }
    const head = definition(node, labels, opsByName);
    const failed = graph.failed === node.id && (node.value === null || node.value === undefined);
    const result = failed ? "not a finite number" : formatNumber(node.value);
    return [
      { kind: "title", text: `Forward: ${head}` },
      { kind: "equation", text: equationChain([head, operationWithValues(node, nodeById, labels, opsByName), result]) },
    ];
  }

  const lines = [];
  if (step.seed) {
    lines.push({ kind: "equation", text: `${gradientSymbol(L, L)} = 1` });
    lines.push({ kind: "note", text: `The backward pass starts at the output ${L}: its gradient with respect to itself is 1.` });
  }
  if (node.kind !== "operation") {
    lines.unshift({ kind: "title", text: `Backward: seed the output ${L}` });
    return lines;
  }
  if (step.failed) return failedStepLines(timeline, state, opsByName, lines);
  lines.unshift({
    kind: "title",
    text: `Backward through ${definition(node, labels, opsByName)}, ${gradientSymbol(L, name)} = ${formatNumber(step.grad)}`,
  });
  const reused = new Set();
  const countHere = new Map(); // repeated inputs (x*x) count their own contributions within the step
  step.contributions.forEach((c, position) => {
    const input = nodeById.get(c.input);
    if (input.kind === "constant") {
      lines.push({ kind: "note", text: `${labels.get(c.input)} is a constant: no gradient flows into it.` });
      return;
    }
    if (c.contribution === null) {
      lines.push({ kind: "note", text: `${localRuleText(node, position, labels, opsByName)}: undefined here.` });
      return;
    }
    lines.push({ kind: "equation", text: contributionEquation(timeline, step, position, opsByName) });
    lines.push({ kind: "rule", text: localRuleText(node, position, labels, opsByName, c.local, inputValues(node, nodeById)) });
    const total = contributionTotals.get(c.input) ?? 0;
    if (total > 1) {
      reused.add(c.input);
      countHere.set(c.input, (countHere.get(c.input) ?? 0) + 1);
      const inStep = step.contributions.filter((d) => d.input === c.input).length;
      const k = (state.received.get(c.input) ?? 0) - inStep + countHere.get(c.input);
      const verb = timeline.mode !== "set" ? "is added (+=)" : k === 1 ? "is set (=)" : "overwrites the one before (=): the bug, += belongs here";
      lines.push({ kind: "note", text: `${labels.get(c.input)} is used ${total} times: contribution ${k} of ${total} ${verb}.` });
    }
  });
  // After all contributions, the running totals of reused inputs, apart from the equations.
  for (const id of reused) lines.push({ kind: "total", text: runningTotalLine(timeline, state, id) });
  return lines;
}

/**
 * The step where the backward pass failed: the node's gradient as far as it got, and each local
 * derivative that would carry it on, at the inputs' values (one of them is not a finite number; the
 * API's message, added after, says which).
 */
function failedStepLines(timeline, state, opsByName, lines) {
  const { graph, nodeById, labels } = timeline;
  const node = nodeById.get(state.step.node);
  const L = labels.get(graph.output);
  const grad = state.grads.get(node.id);
  const title = `Backward through ${definition(node, labels, opsByName)}: the math fails here`;
  lines.unshift({ kind: "title", text: title });
  if (grad !== undefined) lines.push({ kind: "equation", text: `${gradientSymbol(L, labels.get(node.id))} = ${formatNumber(grad)}` });
  const values = inputValues(node, nodeById);
  node.inputs.forEach((input, position) => {
    if (nodeById.get(input)?.kind === "constant") return;
    const { head, expression } = localDerivative(node, position, labels, opsByName);
    const at = node.inputs.map((id, i) => `${labels.get(id)} = ${formatNumber(values[i])}`).filter((_, i) => nodeById.get(node.inputs[i])?.kind !== "constant");
    lines.push({ kind: "rule", text: `${equationChain([head, expression])} at ${[...new Set(at)].join(", ")}: not a finite number` });
  });
  return lines;
}

/** One sentence for the ARIA live region. */
export function announce(timeline, state, opsByName) {
  const where = `Step ${state.index} of ${state.total}`;
  if (!state.step) return `${where}: before the forward pass.`;
  const lines = chainRuleLines(timeline, state, opsByName);
  const equation = lines.find((line) => line.kind === "equation");
  const phase = state.phase === "forward" ? "forward pass" : "backward pass";
  return `${where}, ${phase}: ${equation ? equation.text : lines[0].text}`;
}
