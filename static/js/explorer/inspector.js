// The node inspector: what one node is, its numbers at the current step and its local derivatives,
// written as notation.js writes them. It sits beside the graph, so a click never scrolls the page.

import { definition, inputValues } from "../core/chainrule.js";
import { formatNumber } from "../core/format.js";
import { gradientSymbol, localRuleText, operationText, sameText, sourceLabel } from "../core/notation.js";
import { spanText } from "../core/source-text.js";

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

/** A value once: `-6`; with its full digits beside it only when the short form rounds them away. */
function valueText(value) {
  const short = formatNumber(value);
  return Number(short) === value ? short : `${short}   (${String(value)})`;
}

/** The local derivative of `node` for input `position` in the backward step that processed it. */
function localOf(timeline, node, position) {
  const entry = timeline.graph.backward.find((b) => b.node === node.id);
  return entry?.contributions[position]?.local;
}

/**
 * Fill the inspector for one node.
 * @param {HTMLElement} container
 * @param {{node, timeline, state, opsByName, expression, right}} context right: the right gradients
 *   (Map) when the timeline on show is the `+=` bug's
 */
export function renderInspector(container, { node, timeline, state, opsByName, expression, right }) {
  if (!node) {
    container.replaceChildren(el("p", "muted", "Click a node (or focus it and press Enter) to see its kind, value, gradient and local derivatives."));
    return;
  }
  const { nodeById, graph, labels } = timeline;
  const name = labels.get(node.id);
  const parts = [el("h3", "inspector-title", name)];

  const list = el("dl");
  const row = (term, value, className = "") => {
    list.append(el("dt", "", term), el("dd", className, value));
  };
  row("kind", KIND_TEXT[node.kind] ?? node.kind);
  if (node.kind === "operation") {
    const op = opsByName.get(node.op);
    row("op", op ? `${node.op}${op.symbol ? ` (${op.symbol})` : ""}` : node.op);
    row("computes", definition(node, labels, opsByName));
  }
  // The source text when it says more than the name and the formula do (`a*b` beside `e = a·b` does not).
  const source = expression ? spanText(expression, node.span) : "";
  const formula = node.kind === "operation" ? operationText(node, labels, opsByName) : name;
  if (source && !sameText(sourceLabel(source), name) && !sameText(sourceLabel(source), formula)) row("source", source);
  const reached = state.values.has(node.id);
  const failed = graph.failed === node.id;
  row("value", failed && !reached ? "not a finite number (the math failed here)" : reached ? valueText(node.value) : "not computed yet");
  const outputName = labels.get(graph.output);
  const symbol = outputName ? gradientSymbol(outputName, name) : "gradient";
  if (node.kind === "constant") {
    row("gradient", "none: constants are not differentiated");
  } else if (state.grads.has(node.id)) {
    const grad = state.grads.get(node.id);
    const final = state.index === state.total || timeline.mode === "set" || grad === node.grad ? "" : `   (final ${formatNumber(node.grad)})`;
    row(symbol, `${formatNumber(grad)}${final}`);
    if (right?.has(node.id) && right.get(node.id) !== grad) row("with +=", formatNumber(right.get(node.id)), "right");
  } else {
    row(symbol, graph.failed ? "none: the math failed before the backward pass" : "not reached by the backward pass yet");
  }
  const users = graph.nodes.filter((n) => n.inputs.includes(node.id));
  if (users.length) {
    const uses = users.reduce((sum, n) => sum + n.inputs.filter((id) => id === node.id).length, 0);
    row("used by", `${users.map((n) => labels.get(n.id)).join(", ")}${uses > 1 ? `  (${uses} uses: gradients add up, +=)` : ""}`);
  }
  parts.push(list);

  if (node.kind === "operation") {
    const rules = el("ul", "inspector-rules");
    node.inputs.forEach((input, position) => {
      if (nodeById.get(input)?.kind === "constant") return; // the 2 of x^2: no gradient flows into it
      const local = reached ? localOf(timeline, node, position) : undefined;
      rules.append(el("li", "", localRuleText(node, position, labels, opsByName, local ?? undefined, inputValues(node, nodeById))));
    });
    parts.push(el("div", "inspector-note", "Local derivatives"));
    parts.push(rules);
  }
  if (node.span && node.span.line !== undefined) {
    parts.push(el("div", "inspector-note", `Source: line ${node.span.line}, column ${node.span.column} (highlighted in the editor)`));
  }
  container.replaceChildren(...parts);
}

export class InspectorPanel {
  /**
   * @param {HTMLElement} body where renderInspector writes
   * @param {object} [sheet] on a narrow screen the inspector of a tapped node opens over the page,
   *   where the person is looking, instead of far below the graph
   * @param {HTMLElement} sheet.card the inspector's card
   * @param {HTMLButtonElement} sheet.close its close button (shown only over the page)
   * @param {MediaQueryList} sheet.narrow when the inspector opens over the page
   * @param {HTMLElement} sheet.graph the graph's panel: scrolled out of sight, the inspector goes back
   *   into the page
   * @param {HTMLElement[]} [sheet.avoid] what the inspector must not cover (the player)
   * @param {() => void} sheet.onClose the person closed it (the node is no longer inspected)
   */
  constructor(body, sheet = null) {
    this.body = body;
    this.sheet = sheet;
    if (!sheet) return;
    sheet.close.addEventListener("click", () => sheet.onClose());
    sheet.card.ownerDocument.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.isOpen && !event.defaultPrevented) sheet.onClose();
    });
    sheet.narrow.addEventListener("change", () => {
      if (!sheet.narrow.matches) this.present(null);
    });
    // The person scrolled away from the graph (to the program, the variables): the inspector goes
    // back to its place in the page, still filled.
    window.addEventListener(
      "scroll",
      () => {
        if (!this.isOpen) return;
        const graph = sheet.graph.getBoundingClientRect();
        if (graph.bottom < 0 || graph.top > window.innerHeight) this.present(null);
      },
      { passive: true },
    );
  }

  show(context) {
    renderInspector(this.body, context);
  }

  get isOpen() {
    return this.sheet?.card.classList.contains("sheet") ?? false;
  }

  /**
   * A node was tapped (its element; null: none is inspected). On a narrow screen the inspector opens
   * over the page, in the larger free band of the window above or below the node, so it covers
   * neither the node nor the player.
   */
  present(nodeElement) {
    if (!this.sheet) return;
    const { card, close, narrow, avoid = [] } = this.sheet;
    const open = nodeElement !== null && narrow.matches;
    card.classList.toggle("sheet", open);
    close.hidden = !open;
    if (!open) {
      card.style.removeProperty("top");
      card.style.removeProperty("max-height");
      return;
    }
    const margin = 8;
    const height = window.innerHeight;
    const node = nodeElement.getBoundingClientRect();
    const above = { top: margin, bottom: node.top - margin };
    const below = { top: node.bottom + margin, bottom: height - margin };
    for (const element of avoid) {
      const box = element.getBoundingClientRect();
      if (box.bottom <= 0 || box.top >= height) continue;
      if (box.top >= node.bottom) below.bottom = Math.min(below.bottom, box.top - margin);
      else if (box.bottom <= node.top) above.top = Math.max(above.top, box.bottom + margin);
    }
    const band = below.bottom - below.top >= above.bottom - above.top ? below : above;
    const room = Math.max(MIN_SHEET, band.bottom - band.top);
    const top = Math.min(Math.max(margin, band === above ? band.bottom - Math.min(room, band.bottom - band.top) : band.top), height - room - margin);
    card.style.top = `${Math.max(margin, top)}px`;
    card.style.maxHeight = `${room}px`;
  }
}

/** The least height the inspector over the page gets, even if it must cover something to have it. */
const MIN_SHEET = 140;
