// What one drawn node looks like: a record (label | data | grad) with its op circle, a constant's
// pill, a folded group's stack, the clear box a click or the keyboard reaches, a fold control.
// Numbers are filled in by step-drawing.js.

import { SIZES } from "../core/layout.js";

const d3 = globalThis.d3;

/** Path of a rectangle with only its left (side = "left") or right corners rounded. */
function halfRoundedRect(x, y, width, height, r, side) {
  if (side === "left") {
    return `M${x + r},${y}H${x + width}V${y + height}H${x + r}A${r},${r} 0 0 1 ${x},${y + height - r}V${y + r}A${r},${r} 0 0 1 ${x + r},${y}Z`;
  }
  return `M${x},${y}H${x + width - r}A${r},${r} 0 0 1 ${x + width},${y + r}V${y + height - r}A${r},${r} 0 0 1 ${x + width - r},${y + height}H${x}Z`;
}

/** Where a foldable node's fold control sits: over the left of its label cell. */
export const foldControlPlace = (box) => `translate(${box.x + box.recordX + 4},${box.y + box.height / 2 - 6.5})`;

/** The static parts of one node: record cells, captions, op circle; numbers are filled by update(). */
export function buildNode(view, element, node, box) {
  const g = d3.select(element);
  const h = box.height;
  g.append("title"); // the tooltip: update() writes it
  if (node.kind === "constant") {
    g.append("rect").attr("class", "constant-pill").attr("width", box.width).attr("height", h).attr("rx", h / 2);
    g.append("text").attr("class", "constant-text").attr("data-part", "value").attr("aria-hidden", "true").attr("x", box.width / 2).attr("y", h / 2 + 4.5);
    buildHitArea(view, g, box);
    return;
  }
  const x0 = box.recordX;
  const recordWidth = box.width - x0;
  const cell = SIZES.cellWidth;
  const dataX = x0 + box.labelWidth;
  const gradX = dataX + cell;
  // Big graphs get fewer elements per node (no captions, no link line): thousands add up.
  const detailed = !view.large;
  if (node.collapsed) {
    // A folded group looks like a small stack of records: there is more inside.
    g.append("rect").attr("class", "stack").attr("x", x0 + 4).attr("y", 4).attr("width", recordWidth).attr("height", h).attr("rx", 6);
  }
  if (node.kind === "operation") {
    const r = SIZES.opRadius;
    if (detailed) g.append("line").attr("class", "op-link").attr("x1", 2 * r).attr("y1", h / 2).attr("x2", x0).attr("y2", h / 2);
    g.append("circle").attr("class", "op-circle").attr("cx", r).attr("cy", h / 2).attr("r", r);
    const symbol = node.collapsed ? `${node.members}` : view.glyph(node.op);
    g.append("text")
      .attr("class", symbol.length > 2 ? "op-symbol word" : "op-symbol")
      .attr("x", r)
      .attr("y", h / 2 + (symbol.length > 2 ? 3 : 4))
      .text(symbol);
  }
  g.append("rect").attr("class", "record").attr("x", x0).attr("width", recordWidth).attr("height", h).attr("rx", 6);
  g.append("path").attr("class", "label-cell").attr("d", halfRoundedRect(x0 + 0.6, 0.6, box.labelWidth - 0.6, h - 1.2, 5.5, "left"));
  g.append("path").attr("class", "grad-cell").attr("fill", "transparent").attr("d", halfRoundedRect(gradX, 0.6, cell - 0.6, h - 1.2, 5.5, "right"));
  g.append("path").attr("class", "divider").attr("d", `M${dataX},0V${h}M${gradX},0V${h}`);
  const fold = node.foldable ? SIZES.foldRoom : 0;
  g.append("text")
    .attr("class", node.label ? "label-text" : "label-text unnamed")
    .attr("x", x0 + fold + (box.labelWidth - fold) / 2)
    .attr("y", h / 2 + 4.5)
    .text(view.labels.get(node.id));
  if (detailed) {
    g.append("text").attr("class", "caption").attr("x", dataX + cell / 2).attr("y", 13).text("data");
    g.append("text").attr("class", "caption grad-caption").attr("x", gradX + cell / 2).attr("y", 13).text("grad");
  }
  const numberY = detailed ? 31 : h / 2 + 4.5;
  g.append("text").attr("class", "value-text").attr("data-part", "value").attr("x", dataX + cell / 2).attr("y", numberY);
  g.append("text").attr("class", "grad-text").attr("data-part", "grad").attr("x", gradX + cell / 2).attr("y", numberY);
  buildHitArea(view, g, box);
}

/**
 * What a click, a tap or the keyboard reaches: a clear box over the node, the node's button. Its
 * name says in words what the drawing shows; the drawn text stays out of the button (its name
 * would otherwise have to repeat it word for word, `data` and `grad` captions and all).
 */
export function buildHitArea(view, g, box) {
  g.selectAll("text").attr("aria-hidden", "true");
  const hit = g
    .append("rect")
    .attr("class", "hit")
    .attr("width", box.width)
    .attr("height", box.height)
    .attr("role", "button")
    .attr("tabindex", view.roving === g.node() ? 0 : -1); // the arrow keys reach it (GraphView.setRoving)
  g.node().__hit = hit.node();
}

/** The fold control over a named node's label cell: "−" folds its statement into one box, "+" opens it. */
export function buildFoldControl(view, node) {
  const members = view.view.groups.get(node.id).length;
  const name = view.labels.get(node.id);
  const toggle = d3
    .create("svg:g")
    .attr("class", "fold-toggle")
    .attr("data-collapse", node.id)
    .attr("role", "button")
    .attr("tabindex", view.large ? -1 : 0)
    .attr("aria-expanded", node.collapsed ? "false" : "true")
    .attr("aria-label", node.collapsed ? `Expand ${name} (${members} nodes)` : `Collapse ${name} into one box (${members} nodes)`);
  toggle.append("title").text(node.collapsed ? `Expand ${name}` : `Collapse ${name}`);
  toggle.append("rect").attr("width", 13).attr("height", 13).attr("rx", 3);
  toggle.append("path").attr("d", node.collapsed ? "M3,6.5H10M6.5,3V10" : "M3,6.5H10");
  return toggle.node();
}
