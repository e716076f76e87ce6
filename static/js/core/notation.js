// How the page writes nodes and derivatives, the same everywhere (chain-rule panel, inspector, graph,
// tooltips, exports). Pure: no DOM.
//
// - A node is called by its name; an unnamed operation by its source text (`x1·w1`, shortened when
//   long); an unnamed output `out`; a constant by its value, never by an id.
// - The total gradient is `∂L/∂x`; a compound name is parenthesised, `∂L/∂(x·y)`.
// - A local derivative is written with its operation, `∂(d·f)/∂d = f`; an input used twice by one
//   operation is numbered, `b₁·b₂`.
// Operation formulas and derivative rules come from GET /api/ops (ops.js) with placeholders (`a`, `b`,
// `x`, `y`) that are rewritten with the inputs' names.

import { formatNumber } from "./format.js";
import { spanText } from "./source-text.js";

/** Longer labels are cut in the middle: the start and the end of an expression say the most. */
export const LABEL_MAX = 18;
const SUBSCRIPT_DIGITS = "₀₁₂₃₄₅₆₇₈₉";

/** `2` → `₂`, `12` → `₁₂`. */
export function subscript(n) {
  return String(n).replace(/\d/g, (d) => SUBSCRIPT_DIGITS[Number(d)]);
}

/** Cut a label to `max` characters (code points) with an ellipsis in the middle. */
export function shorten(text, max = LABEL_MAX) {
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = Math.ceil((max - 1) / 2);
  const tail = max - 1 - head;
  return `${chars.slice(0, head).join("").trimEnd()}…${chars.slice(chars.length - tail).join("").trimStart()}`;
}

/**
 * An expression's source text as a label: one line, `*` as `·`, `**` as `^`, no spaces around `·`,
 * `- 1` as `-1`, and the `/y` of a division's reciprocal as `1/y`.
 */
export function sourceLabel(text) {
  let label = text.replace(/\s+/g, " ").trim();
  label = label.replace(/\*\*/g, "^").replace(/\s*\*\s*/g, "·");
  label = label.replace(/^([-+])\s+/, "$1");
  if (label.startsWith("/")) label = `1${label}`;
  return label;
}

/**
 * The name of every node as the page shows it: id → label.
 * @param {object} graph an API answer (nodes with id, kind, label, value, span)
 * @param {string} expression the program the answer is about (for the source text of unnamed nodes)
 * @param {object} [opsByName] ops.js's table: a fallback for an unnamed node without source text
 */
export function nodeLabels(graph, expression, opsByName = new Map()) {
  const labels = new Map();
  const named = new Set(graph.nodes.filter((n) => n.label).map((n) => n.label));
  const outputName = named.has("out") ? "output" : "out";
  const unnamed = [];
  for (const node of graph.nodes) {
    if (node.label) labels.set(node.id, node.label);
    else if (node.kind === "constant") labels.set(node.id, formatNumber(node.value));
    else if (node.id === graph.output) labels.set(node.id, outputName);
    else {
      const text = expression ? sourceLabel(spanText(expression, node.span)) : "";
      if (text) labels.set(node.id, shorten(text));
      else unnamed.push(node);
    }
  }
  // No source text (a graph from elsewhere): the formula over its inputs' names, in forward order.
  const nodeById = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const id of graph.forward ?? []) {
    const node = nodeById.get(id);
    if (!labels.has(id) && unnamed.includes(node)) labels.set(id, shorten(operationText(node, labels, opsByName)));
  }
  for (const node of unnamed) if (!labels.has(node.id)) labels.set(node.id, node.id);
  return labels;
}

/** A name that needs no parentheses anywhere: an identifier (maybe subscripted) or a plain number. */
export function isAtom(name) {
  return /^[\p{L}_][\p{L}\p{N}_]*$/u.test(name) || /^\d+(\.\d+)?(e-?\d+)?$/.test(name);
}

/** `tanh(x·y)`: a name applied to one parenthesised whole. */
function isCall(name) {
  const match = /^[\p{L}_][\p{L}\p{N}_]*\(/u.exec(name);
  if (!match || !name.endsWith(")")) return false;
  let depth = 0;
  for (let i = match[0].length - 1; i < name.length; i++) {
    if (name[i] === "(") depth += 1;
    else if (name[i] === ")") depth -= 1;
    if (depth === 0 && i < name.length - 1) return false;
  }
  return true;
}

/** Parenthesise a compound name: `x·y` → `(x·y)`; atoms and calls stay as they are. */
export function wrap(name) {
  return isAtom(name) || isCall(name) ? name : `(${name})`;
}

/** The total gradient of `output` with respect to `node`, both by their shown names: `∂L/∂(x·y)`. */
export function gradientSymbol(outputName, name) {
  return `∂${wrap(outputName)}/∂${wrap(name)}`;
}

/** The inputs' names in order, an input used more than once numbered: `["b₁", "b₂"]`. */
export function inputNames(node, labels) {
  const uses = new Map();
  for (const id of node.inputs) uses.set(id, (uses.get(id) ?? 0) + 1);
  const seen = new Map();
  return node.inputs.map((id) => {
    const name = labels.get(id) ?? id;
    if (uses.get(id) < 2) return name;
    const k = (seen.get(id) ?? 0) + 1;
    seen.set(id, k);
    return `${wrap(name)}${subscript(k)}`;
  });
}

/** The placeholders an op's text uses, in input order (`a`, `b` or `x`, `y`). */
function placeholders(op, arity) {
  const names = op.parsedRules.map((rule) => rule.placeholder);
  if (names.every(Boolean) && names.length === arity) return names;
  return arity === 1 ? ["x"] : ["a", "b"].slice(0, arity);
}

/** How an input's name goes into a formula: bare in a sum or product of plain terms, else parenthesised. */
function operand(formula, name) {
  if (isAtom(name) || isCall(name)) return name;
  if (/^[a-z] \+ [a-z]$/.test(formula) && !name.startsWith("-")) return name;
  if (/^[a-z]·[a-z]$/.test(formula) && !/[-+/]|^-/.test(name)) return name;
  return `(${name})`;
}

/**
 * Rewrite placeholder names (whole words only: `tanh` keeps its `a`) with the given texts; a
 * placeholder already alone in parentheses (`σ(x)`) takes its text without the parentheses it brought.
 */
function substitute(text, names, replacements) {
  if (!names.length) return text;
  const pattern = new RegExp(`\\b(${names.join("|")})\\b`, "g");
  return text.replace(pattern, (word, _name, at) => {
    const replacement = replacements[names.indexOf(word)] ?? word;
    const enclosed = text[at - 1] === "(" && text[at + word.length] === ")";
    return enclosed && replacement.startsWith("(") && replacement.endsWith(")") ? replacement.slice(1, -1) : replacement;
  });
}

/** An op's formula, shortest form: its left side (`σ(x)`), `a·b` without spaces, `tanh(x)` as a call. */
function formulaOf(op) {
  const formula = op.formula.split(" = ")[0].replace(/ · /g, "·");
  return formula.replace(/^([a-z]+) ([a-z])$/, "$1($2)");
}

/**
 * The operation a node computes, written with its inputs: `d·f`, `b₁·b₂`, `(x·y)^2`, `tanh(n)`.
 * `names` overrides the inputs' names (e.g. their values).
 */
export function operationText(node, labels, opsByName, names = inputNames(node, labels)) {
  const op = opsByName.get(node.op);
  if (!op) return `${node.op}(${names.join(", ")})`;
  const formula = formulaOf(op);
  return substitute(formula, placeholders(op, node.inputs.length), names.map((name) => operand(formula, name)));
}

/** The operation with its inputs' values: `2·(-3)`, `tanh(0.8814)`. */
export function operationWithValues(node, nodeById, labels, opsByName) {
  const values = node.inputs.map((id) => formatNumber(nodeById.get(id)?.value));
  return operationText(node, labels, opsByName, values);
}

/**
 * The local derivative of an operation node with respect to its input at `position`:
 * `{head: "∂(d·f)/∂d", expression: "f"}` (expression null when the API gave no rule).
 */
export function localDerivative(node, position, labels, opsByName) {
  const names = inputNames(node, labels);
  const operation = operationText(node, labels, opsByName, names);
  const head = `∂${wrap(operation)}/∂${wrap(names[position])}`;
  const op = opsByName.get(node.op);
  const rule = op?.parsedRules[position];
  if (!rule) return { head, expression: null };
  const expression = substitute(rule.expression, placeholders(op, node.inputs.length), names.map((name) => wrap(name)));
  return { head, expression };
}

/** `∂(d·f)/∂d = f`, and with the step's number when given: `∂(d·f)/∂d = f = -2`. */
export function localRuleText(node, position, labels, opsByName, local = undefined) {
  const { head, expression } = localDerivative(node, position, labels, opsByName);
  const parts = [head];
  if (expression !== null) parts.push(expression);
  // `∂(e + c)/∂e = 1` needs no `= 1` after it.
  const isNumber = expression !== null && /^-?\d+(\.\d+)?$/.test(expression.trim()) && Number(expression) === local;
  if (local !== undefined && local !== null && !isNumber) parts.push(formatNumber(local));
  return parts.join(" = ");
}

/** What an edge carries back in a backward step: its local derivative and contribution, `×(-3) → 6`. */
export function edgeText(local, contribution) {
  return `×(${formatNumber(local)}) → ${formatNumber(contribution)}`;
}

/** Do a label and an operation's formula say the same thing (an unnamed node's label is its formula)? */
export function sameText(a, b) {
  return a.replace(/\s+/g, "") === b.replace(/\s+/g, "");
}

/** A name as Graphviz record text: its special characters escaped. */
function dotRecordText(text) {
  return text.replace(/[\\{}|<>"]/g, (c) => `\\${c}`);
}

/**
 * The API's DOT (micrograd's `label | data | grad` records) with the page's names for the nodes the
 * program left unnamed, so the exported picture reads like the page (`x·y`, `out`, not a blank).
 */
export function relabelDot(dot, labels) {
  return dot.replace(/^(\s*)([A-Za-z_]\w*) \[shape=record, label="\{ (.*?) \| data/gm, (line, indent, id, name) => {
    if (name.trim() || !labels.has(id)) return line;
    return `${indent}${id} [shape=record, label="{ ${dotRecordText(labels.get(id))} | data`;
  });
}
