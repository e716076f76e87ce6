// Micrograd's and minitorch's code beside the numbers: a backward step's lines of micrograd's
// `_backward` (one per input) and minitorch's `backward` return, each as the library writes it and
// with the step's numbers in it (`self.grad += other.data * out.grad` → `a.grad += (-3)·(-2)`). The
// code comes from the table of operations (GET /api/ops: `micrograd`, `minitorch`, their `_native`
// flags, `code_note`); nothing here knows an operation by name. Pure: no DOM.

import { formatNumber } from "./format.js";
import { inputValues } from "./chainrule.js";
import { wrap } from "./notation.js";

/** A number as filled into code: negative ones in parentheses, `(-3)`. */
function filled(x) {
  const text = formatNumber(x);
  return text.startsWith("-") ? `(${text})` : text;
}

/** A placeholder-filled line, its products written `·` as on the blackboard (`**` stays a power). */
function fill(template, values) {
  return template.replace(/\{([A-Za-z_.]+)\}/g, (whole, key) => (key in values ? values[key] : whole)).replace(/ \* /g, "·");
}

/** The code itself: the braces dropped. */
function bare(template) {
  return template.replace(/\{([A-Za-z_.]+)\}/g, "$1");
}

/** The names an op's rules give its inputs (`a`, `b` or `x`, `y`), as minitorch's placeholders. */
function ruleNames(op, arity) {
  const names = (op.parsedRules ?? []).map((rule) => rule.placeholder);
  if (names.length === arity && names.every(Boolean)) return names;
  return arity === 1 ? ["x"] : ["a", "b"].slice(0, arity);
}

/**
 * The code of backward step `step` of `timeline`, or [] when its op has none (or it is not an
 * operation's step, or the step failed): lines `{kind: "code", library, code, filled, native}` and,
 * when the code is not the library's own, one `{kind: "code-note", text}`.
 */
export function codeLines(timeline, step, opsByName) {
  if (!step || step.phase !== "backward" || step.failed) return [];
  const { nodeById, labels } = timeline;
  const node = nodeById.get(step.node);
  const op = node?.kind === "operation" ? opsByName.get(node.op) : null;
  if (!op || (!op.micrograd && !op.minitorch)) return [];
  const values = inputValues(node, nodeById).map(filled);
  const names = node.inputs.map((id) => wrap(labels.get(id) ?? id));
  const micrograd = {
    self: names[0],
    other: names[1],
    "self.data": values[0],
    "other.data": values[1],
    "out.data": filled(node.value),
    "out.grad": filled(step.grad),
  };
  const minitorch = { out: filled(node.value), d_output: filled(step.grad) };
  ruleNames(op, node.inputs.length).forEach((name, i) => {
    minitorch[name] = values[i];
  });
  const lines = [];
  (op.micrograd ?? []).forEach((template, position) => {
    if (nodeById.get(node.inputs[position])?.kind === "constant") return; // no gradient goes into a constant
    lines.push({ kind: "code", library: "micrograd", code: bare(template), filled: fill(template, micrograd), native: Boolean(op.micrograd_native) });
  });
  if (op.minitorch) {
    lines.push({ kind: "code", library: "minitorch", code: bare(op.minitorch), filled: fill(op.minitorch, minitorch), native: Boolean(op.minitorch_native) });
  }
  if (op.code_note) lines.push({ kind: "code-note", text: op.code_note });
  return lines;
}
