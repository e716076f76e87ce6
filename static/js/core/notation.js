// How the page writes nodes and derivatives, the same everywhere (chain-rule panel, inspector, graph,
// tooltips, exports). Pure: no DOM.
//
// - A node is called by its name; an unnamed operation by its source text when that is short (`x1·w1`),
//   else by a short stable name, `t₁`, `t₂` … in forward order (never a text cut with "…"; the step
//   that computes it says what it is: `t₁ = l3_b0 + t₂`); an unnamed output `out`; a constant by its
//   value, never by an id.
// - The total gradient is `∂L/∂x`; a compound name is parenthesised, `∂L/∂(x·y)`.
// - A local derivative is written with its operation, `∂(d·f)/∂d = f`; an input used twice by one
//   operation is numbered, `b₁·b₂`.
// Operation formulas and derivative rules come from GET /api/ops (ops.js) with placeholders (`a`, `b`,
// `x`, `y`) that are rewritten with the inputs' names.

import { fitNumber, formatNumber } from "./format.js";
import { spanText } from "./source-text.js";

/** An unnamed node's text up to this long is its name; a longer one gets a short name, `t₁`. */
export const LABEL_MAX = 18;
const SUBSCRIPT_DIGITS = "₀₁₂₃₄₅₆₇₈₉";

/** `2` → `₂`, `12` → `₁₂`. */
export function subscript(n) {
  return String(n).replace(/\d/g, (d) => SUBSCRIPT_DIGITS[Number(d)]);
}

/** The short name of the `k`-th unnamed node whose text is too long to be its name: `t₁`. */
export function shortName(k) {
  return `t${subscript(k)}`;
}

/** Cut a text to `max` characters (code points) with an ellipsis in the middle (never a node's name). */
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
 * The name of every node as the page shows it: id → label. Unnamed operations are named in forward
 * order, so an inner expression's name is known when the outer one is written.
 * @param {object} graph an API answer (nodes with id, kind, label, value, span)
 * @param {string} expression the program the answer is about (for the source text of unnamed nodes)
 * @param {object} [opsByName] ops.js's table: without source text, a node is its formula over its inputs
 */
export function nodeLabels(graph, expression, opsByName = new Map()) {
  const labels = new Map();
  const named = new Set(graph.nodes.filter((n) => n.label).map((n) => n.label));
  const outputName = named.has("out") ? "output" : "out";
  const nodeById = new Map(graph.nodes.map((n) => [n.id, n]));
  const order = [...(graph.forward ?? [])];
  for (const node of graph.nodes) if (!order.includes(node.id)) order.push(node.id);
  let shortNames = 0;
  for (const id of order) {
    const node = nodeById.get(id);
    if (!node) continue;
    if (node.label) labels.set(id, node.label);
    else if (node.kind === "constant") labels.set(id, formatNumber(node.value));
    else if (id === graph.output) labels.set(id, outputName);
    else {
      const source = expression ? sourceLabel(spanText(expression, node.span)) : "";
      const text = source || operationText(node, labels, opsByName);
      labels.set(id, [...text].length <= LABEL_MAX ? text : shortName(++shortNames));
    }
  }
  return labels;
}

/** Is `name` one of the short names nodeLabels gives (`t₁`)? */
export function isShortName(name) {
  return /^t[₀-₉]+$/.test(name);
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
function operand(formula, name, position = 0) {
  if (isAtom(name) || isCall(name)) return name;
  if (/^[a-z] \+ [a-z]$/.test(formula) && !name.startsWith("-")) return name;
  if (/^[a-z]·[a-z]$/.test(formula) && !/[-+/]|^-/.test(name)) return name;
  // A difference: its left side as in a sum; its right side bare only when it is a product.
  if (/^[a-z] [-−] [a-z]$/.test(formula)) {
    if (position === 0 && !name.startsWith("-")) return name;
    if (position === 1 && !/[-+/]|^-/.test(name)) return name;
  }
  // A quotient: a product over an atom reads without parentheses on the left.
  if (/^[a-z] ?\/ ?[a-z]$/.test(formula) && position === 0 && !/[-+/]|^-/.test(name)) return name;
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
    // An argument of a call, `σ(x)` or `max(0, x)`, needs no parentheses of its own.
    const after = text[at + word.length];
    const enclosed = (text[at - 1] === "(" || text.slice(at - 2, at) === ", ") && (after === ")" || after === ",");
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
  return substitute(formula, placeholders(op, node.inputs.length), names.map((name, i) => operand(formula, name, i)));
}

/** The operation with its inputs' values: `2·(-3)`, `tanh(0.8814)`. */
export function operationWithValues(node, nodeById, labels, opsByName) {
  const values = node.inputs.map((id) => formatNumber(nodeById.get(id)?.value));
  return operationText(node, labels, opsByName, values);
}

/**
 * The local derivative of an operation node with respect to its input at `position`:
 * `{head: "∂(d·f)/∂d", expression: "f"}` (expression null when the API gave no rule); a node with a
 * short name is written by it, `∂t₁/∂x`.
 */
export function localDerivative(node, position, labels, opsByName) {
  const names = inputNames(node, labels);
  // A node with a short name (`t₁`) is called by it: its formula is what made its text too long.
  const own = labels.get(node.id);
  const operation = own && isShortName(own) ? own : operationText(node, labels, opsByName, names);
  const head = `∂${wrap(operation)}/∂${wrap(names[position])}`;
  const op = opsByName.get(node.op);
  const rule = op?.parsedRules[position];
  if (!rule) return { head, expression: null };
  const expression = substitute(rule.expression, placeholders(op, node.inputs.length), names.map((name) => wrap(name)));
  return { head, expression };
}

/** `a = b = b` → `a = b`: an equation never says the same thing twice in a row. */
export function equationChain(parts) {
  const kept = [];
  for (const part of parts) {
    if (part === null || part === undefined || part === "") continue;
    const previous = kept.at(-1);
    if (previous !== undefined && (sameText(previous, part) || sameNumber(previous, part))) continue;
    kept.push(part);
  }
  return kept.join(" = ");
}

function numberOf(text) {
  const clean = String(text).trim().replace(/^\((.*)\)$/, "$1").replace(/\u2212/g, "-");
  if (clean === "½") return 0.5;
  return /^-?\d+(\.\d+)?(e-?\d+)?$/.test(clean) ? Number(clean) : null;
}

function sameNumber(a, b) {
  const x = numberOf(a);
  return x !== null && x === numberOf(b);
}

/**
 * A rule by cases, `1 if x > 0 else 0` or `1 if a > b, ½ if a = b, else 0`, as its cases:
 * `[{value, condition}]`, the last one's condition null (else). Null when the rule has no cases.
 */
export function ruleCases(rule) {
  const pieces = rule.replace(/,?\s+else\s+/, ", else ").split(/,\s*/);
  if (pieces.length < 2 || !pieces.at(-1).startsWith("else ")) return null;
  const cases = [];
  for (const piece of pieces.slice(0, -1)) {
    const match = /^(.+?) if (.+)$/.exec(piece);
    if (!match) return null;
    cases.push({ value: match[1].trim(), condition: match[2].trim() });
  }
  cases.push({ value: pieces.at(-1).slice(5).trim(), condition: null });
  return cases;
}

const FLIP = { ">": "≤", "<": "≥", "≥": "<", "≤": ">", "=": "≠" };
const STRICT_FLIP = { ">": "<", "<": ">" };

/**
 * Why a rule by cases took the case it took, with the inputs' names and values: `since x = 0.3 > 0`.
 * The case is the one whose value is the step's local derivative (the API's number: the page does not
 * recompute it); the else case gives the first condition turned round (`x = -1 ≤ 0`, or `a = 1 < b = 2`
 * when the cases before it were `>` and `=`).
 */
function takenCase(cases, local, names, replacements) {
  const index = cases.findIndex((c) => numberOf(c.value) === local);
  if (index < 0) return null;
  const taken = cases[index];
  let condition = taken.condition;
  if (condition === null) {
    const first = /^(\S+) ([<>=≤≥]) (\S+)$/.exec(cases[0].condition ?? "");
    if (!first) return { value: taken.value, reason: null };
    const [, left, op, right] = first;
    const ties = cases.some((c) => c.condition && new RegExp(`^(${left} = ${right}|${right} = ${left})$`).test(c.condition));
    condition = `${left} ${(ties && STRICT_FLIP[op]) || FLIP[op] || op} ${right}`;
  }
  return { value: taken.value, reason: substitute(condition, names, replacements) };
}

/**
 * `∂(d·f)/∂d = f`, and with the step's number when given: `∂(d·f)/∂d = f = -2` (never the same
 * thing twice: `∂(e + c)/∂e = 1`). A rule by cases says which case and why, when the inputs' values
 * are given: `∂relu(t₁)/∂t₁ = 1, since t₁ = 0.3 > 0`.
 * @param {number[]} [inputValues] the node's inputs' values, in input order
 */
export function localRuleText(node, position, labels, opsByName, local = undefined, inputValues = undefined) {
  const { head, expression } = localDerivative(node, position, labels, opsByName);
  const known = local !== undefined && local !== null;
  const op = opsByName.get(node.op);
  const cases = op?.parsedRules[position] ? ruleCases(op.parsedRules[position].expression) : null;
  if (cases && known && inputValues) {
    const names = placeholders(op, node.inputs.length);
    const inputs = inputNames(node, labels);
    const values = inputs.map((name, i) => {
      const value = formatNumber(inputValues[i]);
      return sameNumber(name, value) ? value : `${name} = ${value}`;
    });
    const taken = takenCase(cases, local, names, values);
    if (taken) return `${head} = ${formatNumber(local)}${taken.reason ? `, since ${taken.reason}` : ""}`;
  }
  return equationChain([head, expression, known ? formatNumber(local) : null]);
}

/**
 * What an edge carries back in a backward step: its local derivative and contribution, `×(-3) → 6`.
 * Each number at most 7 characters (`1.234e-12` → `1.2e-12`): a line, `×(-0.7071)`, then always fits
 * the gap between layers left to right (layout-plan.js's LABEL_RANK_SEP), off the nodes.
 */
export function edgeText(local, contribution) {
  return `×(${fitNumber(local, EDGE_NUMBER_CHARS)}) → ${fitNumber(contribution, EDGE_NUMBER_CHARS)}`;
}

const EDGE_NUMBER_CHARS = 7;

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
