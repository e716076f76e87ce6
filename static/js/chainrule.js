// The chain rule written out for one step, with the step's numbers: pure text, no DOM.
// Rules come from GET /api/ops as display text with placeholders (`∂/∂a = b`, `∂/∂x = 1/x`), indexed
// by ops.js; they are rewritten with the names of the node's actual inputs.

import { formatFactor, formatNumber, nodeName } from "./format.js";

/** The placeholders an op's text uses, in input order (`a`, `b` or `x`, `y`). */
function placeholders(op, arity) {
  const names = op.parsedRules.map((rule) => rule.placeholder);
  if (names.every(Boolean) && names.length === arity) return names;
  return arity === 1 ? ["x"] : ["a", "b"].slice(0, arity);
}

/** Rewrite placeholder names (whole words only: `tanh` keeps its `a`) with the input names. */
function substitute(text, names, replacements) {
  if (!names.length) return text;
  const pattern = new RegExp(`\\b(${names.join("|")})\\b`, "g");
  return text.replace(pattern, (word) => replacements[names.indexOf(word)] ?? word);
}

/** The formula of an operation node written with its inputs' names: `a · b`, `tanh n5`. */
export function describeOperation(node, nodeById, opsByName) {
  const op = opsByName.get(node.op);
  const inputNames = node.inputs.map((id) => nodeName(nodeById.get(id)));
  if (!op) return `${node.op}(${inputNames.join(", ")})`;
  // A formula that defines itself (`σ(x) = 1/(1 + e^-x)`) is shown by its short left side.
  const formula = op.formula.split(" = ")[0];
  return substitute(formula, placeholders(op, node.inputs.length), inputNames);
}

/** The local derivative rule of an operation node for input `position`: `∂e/∂a = b`. */
export function describeRule(node, position, nodeById, opsByName) {
  const op = opsByName.get(node.op);
  const input = nodeById.get(node.inputs[position]);
  const head = `∂${nodeName(node)}/∂${nodeName(input)}`;
  if (!op || !op.parsedRules[position]) return head;
  const names = placeholders(op, node.inputs.length);
  const inputNames = node.inputs.map((id) => nodeName(nodeById.get(id)));
  return `${head} = ${substitute(op.parsedRules[position].expression, names, inputNames)}`;
}

/**
 * The lines explaining the step a state is at (see timeline.stateAt), each `{kind, text}`:
 * kind is `title`, `equation`, `rule` or `note`.
 */
export function chainRuleLines(timeline, state, opsByName) {
  const { graph, nodeById, contributionTotals } = timeline;
  const output = nodeById.get(graph.output);
  const L = nodeName(output);
  const step = state.step;
  if (!step) {
    return [
      { kind: "title", text: "Before the forward pass" },
      { kind: "note", text: `Step forward to compute values from the inputs to ${L}, then gradients back.` },
    ];
  }
  const node = nodeById.get(step.node);
  const name = nodeName(node);

  if (step.phase === "forward") {
    if (node.kind === "variable") {
      return [
        { kind: "title", text: `Forward: variable ${name}` },
        { kind: "equation", text: `${name} = ${formatNumber(node.value)}` },
      ];
    }
    if (node.kind === "constant") {
      return [
        { kind: "title", text: "Forward: constant" },
        { kind: "equation", text: `${formatNumber(node.value)} (a constant: it has a value, no gradient)` },
      ];
    }
    const inputs = [...new Set(node.inputs)].map((id) => nodeById.get(id));
    return [
      { kind: "title", text: `Forward: ${name} = ${describeOperation(node, nodeById, opsByName)}` },
      { kind: "equation", text: `${name} = ${describeOperation(node, nodeById, opsByName)} = ${formatNumber(node.value)}` },
      { kind: "note", text: `with ${inputs.map((n) => `${nodeName(n)} = ${formatNumber(n.value)}`).join(", ")}` },
    ];
  }

  const lines = [];
  if (step.seed) {
    lines.push({ kind: "equation", text: `∂${L}/∂${L} = 1` });
    lines.push({ kind: "note", text: `The backward pass starts at the output ${L}: its gradient with respect to itself is 1.` });
  }
  if (node.kind !== "operation") {
    lines.unshift({ kind: "title", text: `Backward: seed the output ${L}` });
    return lines;
  }
  lines.unshift({
    kind: "title",
    text: `Backward through ${name} = ${describeOperation(node, nodeById, opsByName)}, ∂${L}/∂${name} = ${formatNumber(step.grad)}`,
  });
  const seen = new Map(); // repeated inputs (x*x) count their own contributions within the step
  step.contributions.forEach((c, position) => {
    const input = nodeById.get(c.input);
    const inName = nodeName(input);
    const rule = describeRule(node, position, nodeById, opsByName);
    if (input.kind === "constant") {
      lines.push({ kind: "note", text: `${formatNumber(input.value)} is a constant: no gradient flows into it.` });
      return;
    }
    if (c.contribution === null) {
      lines.push({ kind: "note", text: `${rule}: undefined here.` });
      return;
    }
    lines.push({
      kind: "equation",
      text:
        `∂${L}/∂${inName} += ∂${L}/∂${name} · ∂${name}/∂${inName} = ` +
        `${formatFactor(step.grad)}·${formatFactor(c.local)} = ${formatNumber(c.contribution)}`,
    });
    // `∂d/∂e = 1` needs no `= 1` after it; `∂e/∂a = b` gets its number.
    const ruleIsNumber = /=\s*-?\d+(\.\d+)?$/.test(rule) && Number(rule.split("=").pop()) === c.local;
    lines.push({ kind: "rule", text: ruleIsNumber ? rule : `${rule} = ${formatNumber(c.local)}` });
    const total = contributionTotals.get(c.input) ?? 0;
    if (total > 1) {
      seen.set(c.input, (seen.get(c.input) ?? 0) + 1);
      const sofar = state.received.get(c.input) ?? 0;
      const countHere = step.contributions.filter((d) => d.input === c.input).length;
      const k = sofar - countHere + seen.get(c.input);
      lines.push({
        kind: "note",
        text: `${inName} is used ${total} times: contribution ${k} of ${total} is added (+=).`,
      });
    }
  });
  // After all contributions, the running totals of reused inputs.
  for (const id of seen.keys()) {
    const n = nodeById.get(id);
    lines.push({ kind: "note", text: `∂${L}/∂${nodeName(n)} so far: ${formatNumber(state.grads.get(id))}` });
  }
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
