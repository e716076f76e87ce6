// What one step shows on the drawing: each node's numbers, marks and gradient colour, the halo, the
// step's node and inputs (test hooks), the lit edges and, in a backward step, what each edge carries
// back (`×(-3)` over `→ 6` left to right), placed clear of the nodes; with the `+=` bug on, the right
// gradient under a node the bug got wrong. Only the elements whose shown state changed are touched.

import { LABEL_LINE_HEIGHT, labelLines, labelSize, placeLabel } from "../core/edge-labels.js";
import { fitNumber, formatNumber } from "../core/format.js";
import { SIZES } from "../core/layout.js";
import { edgeText, gradientSymbol } from "../core/notation.js";
import { intersects, nodeBounds } from "./in-view.js";
import { wantsLightText } from "./legend.js";

const d3 = globalThis.d3;

/** A node's marks (the classes update() gives it) as one number, to compare without making a string. */
function markBits(reached, activePhase, receiving, accumulated, selected) {
  const phaseBits = activePhase === "forward" ? 16 : activePhase === "backward" ? 32 : activePhase ? 64 : 0;
  return (reached ? 1 : 0) | (receiving ? 2 : 0) | (accumulated ? 4 : 0) | (selected ? 8 : 0) | phaseBits;
}

/**
 * Set an element's text. A text node that is already there takes the new characters: replacing it
 * (textContent) would make the browser work out its style again, a cost over hundreds of nodes.
 */
function setText(element, text) {
  const first = element.firstChild;
  if (first !== null && first === element.lastChild && first.nodeType === 3) {
    if (first.data !== text) first.data = text;
  } else element.textContent = text;
}

/**
 * Show the graph as it is at one step (timeline.stateAt): only changed elements are touched.
 * `right`: with the `+=` bug on, the right gradients at this step (shown where the bug's differ).
 */
export function showState(view, state, { right = null } = {}) {
  if (!view.graph) return;
  const { values, grads, active, phase, accumulated, changed } = state;
  view.right = right;
  const badge = right ? "=" : "+=";
  const scale = view.scale;
  const duration = view.duration(260);
  const motion = !view.reducedMotion();
  const selected = view.selected === null ? null : view.shownAs(view.selected);
  view.state = state;
  // A folded box stands for its whole group: it is active while any of its nodes is.
  const activeShown = active === null ? null : view.shownAs(active);
  const changedShown = view.view.groups.size ? new Set([...changed].map((id) => view.shownAs(id))) : changed;

  // A 1,000-node graph is walked on every step: plain DOM calls here, D3 only for transitions, and
  // each part of a node (its classes, its two numbers, its drawn text) touched only when it changed.
  for (const element of view.nodeElements.values()) {
    const n = element.__data__;
    const id = n.id;
    const reached = values.has(id);
    const hasGrad = grads.has(id);
    const grad = hasGrad ? grads.get(id) : null;
    const isActive = activeShown === id;
    const receiving = phase === "backward" && !isActive && changedShown.has(id);
    const isAccumulated = accumulated.has(id);
    const rightGrad = right && hasGrad && right.has(id) && right.get(id) !== grad ? right.get(id) : null;
    // What the node shows, compared field by field: a string per node per step would be a thousand
    // strings of garbage a step, and the collector's pauses would come back as slow steps.
    const marks = markBits(reached, isActive ? phase : "", receiving, isAccumulated, selected === id);
    if (element.__sig === marks && element.__sigGrad === grad && element.__sigBadge === badge && element.__sigRight === rightGrad) continue;
    element.__sig = marks;
    element.__sigGrad = grad;
    element.__sigBadge = badge;
    element.__sigRight = rightGrad;

    if (element.__marks !== marks) {
      element.__marks = marks;
      const classes = element.classList;
      classes.toggle("pending", !reached);
      classes.toggle("active", isActive);
      classes.toggle("phase-forward", isActive && phase === "forward");
      classes.toggle("phase-backward", isActive && phase === "backward");
      classes.toggle("receiving", receiving);
      classes.toggle("accumulated", isAccumulated);
      classes.toggle("selected", selected === id);
    }
    const value = reached ? n.value : null;
    if (element.__dataValue !== value) {
      element.__dataValue = value;
      if (reached) element.setAttribute("data-value", String(value));
      else element.removeAttribute("data-value");
    }
    if (element.__dataGrad !== grad) {
      element.__dataGrad = grad;
      if (hasGrad) element.setAttribute("data-grad", String(grad));
      else element.removeAttribute("data-grad");
    }
    if (!element.__built) continue; // not in view yet: its look comes when it is (materialize)
    // The tooltip and the screen reader get 4 significant digits; a cell as many as it holds.
    const description = describe(view, n, reached ? formatNumber(n.value) : null, hasGrad ? formatNumber(grad) : null);
    if (element.__description !== description) {
      element.__description = description;
      element.__hit.setAttribute("aria-label", description);
      setText((element.__title ??= element.querySelector("title")), description);
    }
    if (isAccumulated && !element.__badge) {
      const box = view.layout.nodes.get(id);
      element.__badge = d3.select(element).append("text").attr("class", "badge").attr("aria-hidden", "true").attr("x", box.width).attr("y", -5).attr("text-anchor", "end").node();
    }
    if (element.__badge) setText(element.__badge, badge);
    showRightGradient(element, rightGrad);
    flashIfChanged(view, element, n, reached, motion);

    if (n.kind === "constant") continue;
    const parts = (element.__parts ??= {
      value: element.querySelector(".value-text"),
      grad: element.querySelector(".grad-text"),
      caption: element.querySelector(".grad-caption"),
      cell: element.querySelector(".grad-cell"),
    });
    setText(parts.value, reached ? fitNumber(n.value, SIZES.cellChars) : view.graph.failed === id ? "—" : "·");
    const fill = hasGrad ? scale(grad) : "transparent";
    const light = hasGrad && wantsLightText(fill);
    setText(parts.grad, hasGrad ? fitNumber(grad, SIZES.cellChars) : "");
    for (const text of parts.caption ? [parts.grad, parts.caption] : [parts.grad]) {
      text.classList.toggle("light", light);
      text.classList.toggle("dark", hasGrad && !light);
    }
    // Animate only a gradient that changed, and never on a big graph (hundreds of transitions at
    // once); anything else lands at once (no half-faded colours).
    if (duration && !view.large && hasGrad && element.__grad !== grad) d3.select(parts.cell).transition().duration(duration).attr("fill", fill);
    else {
      if (parts.cell.__transition) d3.select(parts.cell).interrupt();
      if (parts.cell.getAttribute("fill") !== fill) parts.cell.setAttribute("fill", fill);
    }
    element.__grad = grad;
  }

  placeHalo(view, active, phase);
  markStep(view, active);

  const activeKeys = new Set(state.activeEdges.map((e) => `${e.target}:${e.position}`));
  for (const element of view.edgeElements.values()) {
    const e = element.__data__;
    const lit = activeKeys.has(e.key) ? phase : "";
    const pending = !values.has(e.source);
    const sig = (lit === "forward" ? 1 : lit === "backward" ? 2 : 0) | (pending ? 4 : 0);
    if (element.__sig === sig) continue;
    element.__sig = sig;
    element.classList.toggle("pending", pending);
    element.classList.toggle("active-forward", lit === "forward");
    element.classList.toggle("active-backward", lit === "backward");
    element.setAttribute("marker-end", lit ? `url(#bpx-arrow-${lit})` : "url(#bpx-arrow)");
    if (lit) element.parentNode.appendChild(element); // lit edges on top of the others
  }
  drawEdgeLabels(view, state);
}

/** With the `+=` bug on: the right gradient under a node whose buggy one differs (null: none). */
export function showRightGradient(element, rightGrad) {
  let text = element.__rightGrad;
  if (rightGrad === null) {
    if (text) {
      text.remove();
      element.__rightGrad = null;
    }
    return;
  }
  const box = element.__box;
  if (!text) {
    text = d3.select(element).append("text").attr("class", "right-grad").attr("text-anchor", "end").attr("x", box.width).attr("y", box.height + 12).node();
    element.__rightGrad = text;
  }
  setText(text, `with += : ${formatNumber(rightGrad)}`);
}

/**
 * A value that changed since the last drawing (a slider moved) flashes once. Every node that
 * changed in one update starts flashing on the same frame (one callback, not one per node). Nodes
 * out of view (culled) do not flash, nor do a big graph's nodes at a zoom too far to read numbers:
 * there is no number to see change, and hundreds of flashing boxes cost the browser dearly.
 */
export function flashIfChanged(view, element, node, reached, motion) {
  const before = element.__shownValue;
  element.__shownValue = reached ? node.value : undefined;
  if (!reached || before === undefined || before === node.value || !motion || element.__culled || view.far) return;
  // Removed now and added on the next frame, so a second change restarts the animation.
  element.classList.remove("value-changed");
  const flash = (view.flash ??= { elements: new Set(), frame: null, count: 0 });
  flash.elements.add(element);
  flash.frame ??= requestAnimationFrame(() => {
    const batch = [...flash.elements];
    const stamp = ++flash.count;
    flash.elements.clear();
    flash.frame = null;
    for (const flashing of batch) {
      flashing.__flashStamp = stamp;
      flashing.classList.add("value-changed");
    }
    setTimeout(() => {
      for (const flashing of batch) if (flashing.__flashStamp === stamp) flashing.classList.remove("value-changed");
    }, 900);
  });
}

/**
 * One sentence about a node, for screen readers and the tooltip; `valueText` and `gradText` are
 * its value and gradient as shown (formatNumber's), null when not reached yet.
 */
export function describe(view, node, valueText, gradText) {
  const name = view.labels.get(node.id);
  const kind = node.collapsed ? `${node.members} nodes folded` : node.kind === "operation" ? `operation ${node.op}` : node.kind;
  let text = `${name}, ${kind}`;
  if (valueText !== null) text += `, value ${valueText}`;
  if (view.graph.failed === node.id) text += ", the math failed here";
  if (gradText !== null) {
    // The same name is asked for on every update of a big graph: worked out once per name.
    let symbol = view.symbols.get(name);
    if (symbol === undefined) view.symbols.set(name, (symbol = gradientSymbol(view.outputName, name)));
    text += `, ${symbol} = ${gradText}`;
  }
  return text;
}

/**
 * The step's node carries `data-current`, its inputs `data-step-input` (test hooks; a folded box
 * stands for the nodes inside it). Only the elements marked before are visited again.
 */
export function markStep(view, active) {
  for (const element of view.stepMarked) {
    element.removeAttribute("data-current");
    element.removeAttribute("data-step-input");
  }
  view.stepMarked = [];
  if (active === null) {
    if (!view.roving?.isConnected) view.setRoving(view.elementById.keys().next().value);
    return;
  }
  const current = view.shownAs(active);
  const mark = (id, attribute) => {
    const element = view.elementById.get(id);
    if (!element || element.hasAttribute("data-current")) return;
    element.setAttribute(attribute, "");
    view.stepMarked.push(element);
  };
  mark(current, "data-current");
  for (const input of view.nodeById.get(active)?.inputs ?? []) mark(view.shownAs(input), "data-step-input");
  // Until a person moves with the arrow keys, the graph's tab stop is the step's node.
  if (view.focusedId === null || !view.elementById.has(view.focusedId)) view.setRoving(current);
}

export function placeHalo(view, active, phase) {
  const shown = active ? view.shownAs(active) : null;
  const box = shown ? view.layout.nodes.get(shown) : null;
  const node = box ? view.nodeById.get(shown) : null;
  if (!box || !node) {
    view.halo.attr("visibility", "hidden");
    return;
  }
  const constant = node.kind === "constant";
  const x = box.x + (constant ? 0 : box.recordX) - 5;
  view.halo
    .attr("visibility", "visible")
    .attr("class", `halo phase-${view.graph.failed === shown ? "failed" : phase}`)
    .attr("x", x)
    .attr("y", box.y - 5)
    .attr("width", box.x + box.width + 5 - x)
    .attr("height", box.height + 10)
    .attr("rx", constant ? box.height / 2 + 5 : 10);
}

/**
 * The labels of the edges a backward step processes: each input's local derivative and the
 * contribution it receives, at the middle of its edge. Constants receive nothing: no label; nor
 * does an edge inside a folded box (it is not drawn).
 */
export function drawEdgeLabels(view, state) {
  const labels = [];
  const step = state.step;
  const direction = view.layout.direction ?? "LR";
  if (step && step.phase === "backward") {
    step.contributions.forEach((c, position) => {
      const input = view.nodeById.get(c.input);
      const key = `${step.node}:${position}`;
      if (!input || input.kind === "constant" || c.contribution === null || !view.edgePaths.has(key)) return;
      const lines = labelLines(edgeText(c.local, c.contribution), direction);
      labels.push({ key, lines, size: labelSize(lines) });
    });
  }
  const paths = view.edgePaths;
  // A label never covers a node: placed where its edge runs clear of the boxes near it.
  const near = (d) => {
    const bounds = view.layout.edges.find((e) => e.key === d.key)?.bounds;
    const boxes = [];
    for (const box of view.layout.nodes.values()) if (!bounds || intersects(nodeBounds(box), bounds)) boxes.push(box);
    return boxes;
  };
  view.edgeLabelLayer
    .selectAll("g.edge-label")
    .data(labels, (d) => d.key)
    .join((enter) => {
      const g = enter.append("g").attr("class", "edge-label").attr("data-edge-label", "");
      g.append("rect").attr("rx", 4);
      g.append("text");
      return g;
    })
    .attr("data-edge", (d) => d.key)
    .each(function (d) {
      const corner = placeLabel(paths.get(d.key) ?? "", d.size, near(d));
      if (!corner) return;
      const g = d3.select(this);
      g.select("text")
        .selectAll("tspan")
        .data(d.lines)
        .join("tspan")
        .attr("x", 5)
        .attr("y", (_, i) => 14 + i * LABEL_LINE_HEIGHT)
        .text((line) => line);
      g.select("rect").attr("width", d.size.width).attr("height", d.size.height);
      g.attr("transform", `translate(${corner.x.toFixed(1)},${corner.y.toFixed(1)})`);
    });
}
