// Facts about the shape of an API answer, apart from its numbers. Pure: no DOM.

/**
 * Do two answers have the same graph: the same nodes in the same order, each with the same id,
 * kind, label, op and inputs? Their values and gradients may differ. Recomputing a program with new
 * values gives the same graph, so its layout and the current zoom can be kept.
 */
export function sameStructure(a, b) {
  if (!a || !b || a.nodes.length !== b.nodes.length) return false;
  return a.nodes.every((n, i) => {
    const m = b.nodes[i];
    return (
      n.id === m.id &&
      n.kind === m.kind &&
      (n.label ?? "") === (m.label ?? "") &&
      (n.op ?? null) === (m.op ?? null) &&
      n.inputs.length === m.inputs.length &&
      n.inputs.every((input, k) => input === m.inputs[k])
    );
  });
}

/** The names of an answer's free variables (used but never assigned), as the API flags them. */
export function freeVariableNames(answer) {
  const names = new Set();
  for (const node of answer?.nodes ?? []) if (node.kind === "variable" && node.free === true) names.add(node.label);
  return names;
}

/** The names of all an answer's variables, free or declared. */
export function variableNames(answer) {
  const names = new Set();
  for (const node of answer?.nodes ?? []) if (node.kind === "variable" && node.label) names.add(node.label);
  return names;
}
