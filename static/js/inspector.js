// The node inspector: what one node is, its numbers at the current step and its derivative rules.
// renderInspector fills it; InspectorPanel also brings it into view when a click fills it.

import { describeOperation, describeRule } from "./chainrule.js";
import { formatNumber, nodeName } from "./format.js";

const KIND_TEXT = {
  variable: "variable (a leaf: its gradient is what training would use)",
  constant: "constant (a number in the program: no gradient)",
  operation: "operation",
};

function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/**
 * Fill the inspector for one node.
 * @param {HTMLElement} container
 * @param {{node, timeline, state, opsByName}} context
 */
export function renderInspector(container, { node, timeline, state, opsByName }) {
  if (!node) {
    container.replaceChildren(el("p", "muted", "Click a node (or focus it and press Enter) to see its kind, value, gradient and local derivative rule."));
    return;
  }
  const { nodeById, graph } = timeline;
  const parts = [];
  const title = el("h3", "inspector-title", nodeName(node));
  parts.push(title);

  const list = el("dl");
  const row = (term, value) => {
    list.append(el("dt", "", term), el("dd", "", value));
  };
  row("kind", KIND_TEXT[node.kind] ?? node.kind);
  row("id", node.id);
  if (node.kind === "operation") {
    const op = opsByName.get(node.op);
    row("op", op ? `${node.op}${op.symbol ? ` (${op.symbol})` : ""}` : node.op);
    row("computes", `${nodeName(node)} = ${describeOperation(node, nodeById, opsByName)}`);
    row("inputs", node.inputs.map((id) => nodeName(nodeById.get(id))).join(", "));
  }
  const reached = state.values.has(node.id);
  row("value", reached ? `${formatNumber(node.value)}   (${String(node.value)})` : "not computed yet");
  const L = nodeName(nodeById.get(graph.output));
  if (node.kind === "constant") {
    row("gradient", "none: constants are not differentiated");
  } else if (state.grads.has(node.id)) {
    const grad = state.grads.get(node.id);
    const final = state.index === state.total ? "" : `   (final ${formatNumber(node.grad)})`;
    row(`∂${L}/∂${nodeName(node)}`, `${formatNumber(grad)}${final}`);
  } else {
    row(`∂${L}/∂${nodeName(node)}`, "not reached by the backward pass yet");
  }
  const users = graph.nodes.filter((n) => n.inputs.includes(node.id));
  if (users.length) {
    const uses = users.reduce((sum, n) => sum + n.inputs.filter((id) => id === node.id).length, 0);
    row("used by", `${users.map(nodeName).join(", ")}${uses > 1 ? `  (${uses} uses: gradients add up, +=)` : ""}`);
  }
  parts.push(list);

  if (node.kind === "operation") {
    const rules = el("ul", "inspector-rules");
    node.inputs.forEach((_, position) => rules.append(el("li", "", describeRule(node, position, nodeById, opsByName))));
    parts.push(el("div", "inspector-note", "Local derivative rules"));
    parts.push(rules);
  }
  if (node.span && node.span.line !== undefined) {
    parts.push(el("div", "inspector-note", `Source: line ${node.span.line}, column ${node.span.column} (highlighted in the editor)`));
  }
  container.replaceChildren(...parts);
}

export class InspectorPanel {
  /**
   * @param {HTMLElement} card the inspector's card (scrolled into view)
   * @param {HTMLElement} body where renderInspector writes
   * @param {() => boolean} reducedMotion
   */
  constructor(card, body, reducedMotion) {
    this.card = card;
    this.body = body;
    this.reducedMotion = reducedMotion;
  }

  show(context) {
    renderInspector(this.body, context);
  }

  /** The inspector sits under the variables: bring it into view when it is off screen. */
  reveal() {
    const box = this.card.getBoundingClientRect();
    if (box.top > window.innerHeight - 80 || box.bottom < 0) {
      this.card.scrollIntoView({ block: "nearest", behavior: this.reducedMotion() ? "auto" : "smooth" });
    }
  }
}
