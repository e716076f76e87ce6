// Drawing the laid-out graph with D3 and updating it step by step: nodes, edges, the active node's halo.
// setGraph() joins nodes and edges by key (enter/update/exit); update() then only touches the
// elements whose shown state changed, so stepping a 1,000-node graph stays cheap. Zoom and fit are
// viewport.js's, the colour legend legend.js's, the standalone copy for export svg-export.js's.
// In a backward step each lit edge carries what it passes back (`×(-3) → 6`); with the `+=` bug on,
// a node whose gradient the bug got wrong shows the right one under it.

import { formatNumber } from "./format.js";
import { labelWidth, pathMidpoint } from "./edge-labels.js";
import { SIZES } from "./layout.js";
import { gradientScale } from "./legend.js";
import { edgeText, gradientSymbol } from "./notation.js";

const d3 = globalThis.d3;

/** Graphs with more nodes than this get lighter nodes (no captions, no tab stops, no transitions). */
const LARGE_GRAPH = 250;

/** What makes a drawn node the same node: its id, kind, shown label and op. */
function nodeKey(node, labels) {
  return `${node.id}|${node.kind}|${labels.get(node.id)}|${node.op ?? ""}`;
}

/** Path of a rectangle with only its left (side = "left") or right corners rounded. */
function halfRoundedRect(x, y, width, height, r, side) {
  if (side === "left") {
    return `M${x + r},${y}H${x + width}V${y + height}H${x + r}A${r},${r} 0 0 1 ${x},${y + height - r}V${y + r}A${r},${r} 0 0 1 ${x + r},${y}Z`;
  }
  return `M${x},${y}H${x + width - r}A${r},${r} 0 0 1 ${x + width},${y + r}V${y + height - r}A${r},${r} 0 0 1 ${x + width - r},${y + height}H${x}Z`;
}

export class GraphView {
  /**
   * @param {SVGSVGElement} svg the graph's SVG (arrow markers go into its defs)
   * @param {d3.Selection} layer the group to draw into (the viewport's)
   * @param {{onSelect: (id: string) => void, reducedMotion: () => boolean, glyph: (op: string) => string}} options
   *   glyph: the text in an operation node's circle
   */
  constructor(svg, layer, { onSelect, reducedMotion, glyph }) {
    this.svg = d3.select(svg);
    this.onSelect = onSelect;
    this.reducedMotion = reducedMotion;
    this.glyph = glyph;
    this.layout = null;
    this.graph = null;
    this.selected = null;
    this.scale = null;

    const defs = this.svg.insert("defs", ":first-child");
    for (const [id, cls] of [["bpx-arrow", "arrow"], ["bpx-arrow-forward", "arrow arrow-forward"], ["bpx-arrow-backward", "arrow arrow-backward"]]) {
      defs
        .append("marker")
        .attr("id", id)
        .attr("viewBox", "0 0 10 10")
        .attr("refX", 9)
        .attr("refY", 5)
        .attr("markerWidth", 7)
        .attr("markerHeight", 7)
        .attr("orient", "auto-start-reverse")
        .append("path")
        .attr("class", cls)
        .attr("d", "M0,0L10,5L0,10z");
    }
    this.edgeLayer = layer.append("g").attr("class", "edges");
    // One halo, moved to whichever node is active: cheaper than one per node on big graphs.
    this.halo = layer.append("rect").attr("class", "halo").attr("visibility", "hidden");
    this.nodeLayer = layer.append("g").attr("class", "nodes");
    // Above the nodes: an edge's label must not hide under the node it points to.
    this.edgeLabelLayer = layer.append("g").attr("class", "edge-labels");
  }

  duration(ms) {
    return this.reducedMotion() ? 0 : ms;
  }

  /** Is a graph big enough to be drawn light? */
  static isLarge(graph) {
    return graph.nodes.length > LARGE_GRAPH;
  }

  /**
   * Draw a new (or recomputed) graph. Elements with the same key are kept and moved.
   * `labels`: id → the name shown (notation.js); a partial graph's `failed` node is marked.
   */
  setGraph(graph, layout, labels) {
    this.graph = graph;
    this.layout = layout;
    this.labels = labels;
    this.outputName = labels.get(graph.output);
    this.edgePaths = new Map(layout.edges.map((e) => [e.key, e.path]));
    this.scale = gradientScale(graph);
    this.nodeById = new Map(graph.nodes.map((n) => [n.id, n]));
    const large = GraphView.isLarge(graph);
    this.large = large;
    this.svg.classed("large", large);
    this.halo.attr("visibility", "hidden");

    this.edgeLayer
      .selectAll("path.edge")
      .data(layout.edges, (e) => `${e.key}|${e.source}`)
      .join((enter) => enter.append("path").attr("class", "edge").attr("data-edge", (e) => e.key))
      .attr("d", (e) => e.path)
      .attr("data-source", (e) => e.source)
      .attr("data-target", (e) => e.target)
      .attr("marker-end", "url(#bpx-arrow)")
      .each(function () {
        this.__sig = null;
      });

    const view = this;
    this.nodeLayer
      .selectAll("g.node")
      // A drawn node keeps the key it was made with: its label is drawn once, so a new label is a new node.
      .data(graph.nodes, function (n) {
        return this.__key ?? nodeKey(n, labels);
      })
      .join((enter) =>
        enter
          .append("g")
          .property("__key", (n) => nodeKey(n, labels))
          .attr("class", (n) => `node kind-${n.kind}`)
          .attr("data-node-id", (n) => n.id)
          .attr("data-label", (n) => n.label ?? "")
          .attr("data-kind", (n) => n.kind)
          .attr("role", "button")
          .each(function (n) {
            view.buildNode(this, n, layout.nodes.get(n.id));
          })
          .on("click", (event, n) => this.onSelect(n.id))
          .on("keydown", (event, n) => {
            if (event.key === "Enter" || event.key === " ") {
              event.preventDefault();
              event.stopPropagation();
              this.onSelect(n.id);
            }
          }),
      )
      .attr("tabindex", large ? -1 : 0)
      .attr("transform", (n) => {
        const box = layout.nodes.get(n.id);
        return `translate(${box.x},${box.y})`;
      })
      .classed("failed", (n) => graph.failed === n.id)
      .attr("data-failed", (n) => (graph.failed === n.id ? "true" : null))
      .each(function (n) {
        this.__sig = null;
        if (n.kind === "constant") d3.select(this).select(".constant-text").text(labels.get(n.id));
      });
    this.edgeLabelLayer.selectAll("*").remove();
  }

  /** Draw nothing (no program on show): every node, edge and label goes. */
  clear() {
    this.graph = null;
    this.layout = null;
    this.nodeLayer.selectAll("*").remove();
    this.edgeLayer.selectAll("*").remove();
    this.edgeLabelLayer.selectAll("*").remove();
    this.halo.attr("visibility", "hidden");
  }

  /** The static parts of one node: record cells, captions, op circle; numbers are filled by update(). */
  buildNode(element, node, box) {
    const g = d3.select(element);
    const h = box.height;
    g.append("title"); // the tooltip: update() writes it
    if (node.kind === "constant") {
      g.append("rect").attr("class", "constant-pill").attr("width", box.width).attr("height", h).attr("rx", h / 2);
      g.append("text").attr("class", "constant-text").attr("x", box.width / 2).attr("y", h / 2 + 4);
      return;
    }
    const x0 = box.recordX;
    const recordWidth = box.width - x0;
    const cell = SIZES.cellWidth;
    const dataX = x0 + box.labelWidth;
    const gradX = dataX + cell;
    // Big graphs get fewer elements per node (no captions, no link line): thousands add up.
    const detailed = !this.large;
    if (node.kind === "operation") {
      const r = SIZES.opRadius;
      if (detailed) g.append("line").attr("class", "op-link").attr("x1", 2 * r).attr("y1", h / 2).attr("x2", x0).attr("y2", h / 2);
      g.append("circle").attr("class", "op-circle").attr("cx", r).attr("cy", h / 2).attr("r", r);
      const symbol = this.glyph(node.op);
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
    g.append("text")
      .attr("class", node.label ? "label-text" : "label-text unnamed")
      .attr("x", x0 + box.labelWidth / 2)
      .attr("y", h / 2 + 4)
      .text(this.labels.get(node.id));
    if (detailed) {
      g.append("text").attr("class", "caption").attr("x", dataX + cell / 2).attr("y", 12).text("data");
      g.append("text").attr("class", "caption grad-caption").attr("x", gradX + cell / 2).attr("y", 12).text("grad");
    }
    const numberY = detailed ? 29 : h / 2 + 4;
    g.append("text").attr("class", "value-text").attr("x", dataX + cell / 2).attr("y", numberY);
    g.append("text").attr("class", "grad-text").attr("x", gradX + cell / 2).attr("y", numberY);
  }

  /**
   * Show the graph as it is at one step (timeline.stateAt): only changed elements are touched.
   * `right`: with the `+=` bug on, the right gradients at this step (shown where the bug's differ).
   */
  update(state, { right = null } = {}) {
    if (!this.graph) return;
    const { values, grads, active, phase, accumulated, changed } = state;
    const badge = right ? "=" : "+=";
    const scale = this.scale;
    const duration = this.duration(260);
    const selected = this.selected;
    const view = this;

    this.nodeLayer.selectAll("g.node").each(function (n) {
      const id = n.id;
      const reached = values.has(id);
      const hasGrad = grads.has(id);
      const grad = hasGrad ? grads.get(id) : null;
      const isActive = active === id;
      const receiving = phase === "backward" && !isActive && changed.has(id);
      const rightGrad = right && hasGrad && right.has(id) && right.get(id) !== grad ? right.get(id) : null;
      const sig = `${reached}|${grad}|${isActive ? phase : ""}|${receiving}|${accumulated.has(id)}|${selected === id}|${badge}|${rightGrad}`;
      if (this.__sig === sig) return;
      this.__sig = sig;

      const g = d3.select(this);
      if (accumulated.has(id) && !this.querySelector(".badge")) {
        const box = view.layout.nodes.get(id);
        g.append("text").attr("class", "badge").attr("x", box.width).attr("y", -5).attr("text-anchor", "end");
      }
      g.select(".badge").text(badge);
      view.showRightGradient(this, g, rightGrad);
      view.flashIfChanged(this, n, reached);
      g.classed("pending", !reached)
        .classed("active", isActive)
        .classed("phase-forward", isActive && phase === "forward")
        .classed("phase-backward", isActive && phase === "backward")
        .classed("receiving", receiving)
        .classed("accumulated", accumulated.has(id))
        .classed("selected", selected === id);
      if (reached) this.setAttribute("data-value", String(n.value));
      else this.removeAttribute("data-value");
      if (hasGrad) this.setAttribute("data-grad", String(grad));
      else this.removeAttribute("data-grad");
      const description = view.describe(n, reached, grad);
      this.setAttribute("aria-label", description);
      const title = this.querySelector("title");
      if (title) title.textContent = description;

      if (n.kind === "constant") return;
      g.select(".value-text").text(reached ? formatNumber(n.value) : view.graph.failed === id ? "—" : "·");
      const fill = hasGrad ? scale(grad) : "transparent";
      const light = hasGrad && d3.hsl(fill).l < 0.55;
      g.select(".grad-text").text(hasGrad ? formatNumber(grad) : "").classed("light", light);
      g.select(".grad-caption").classed("light", light);
      const cell = g.select(".grad-cell");
      // Animate only a gradient that changed; anything else lands at once (no half-faded colours).
      if (duration && hasGrad && this.__grad !== grad) cell.transition().duration(duration).attr("fill", fill);
      else cell.interrupt().attr("fill", fill);
      this.__grad = grad;
    });

    this.placeHalo(active, phase);

    const activeKeys = new Set(state.activeEdges.map((e) => `${e.target}:${e.position}`));
    this.edgeLayer.selectAll("path.edge").each(function (e) {
      const lit = activeKeys.has(e.key) ? phase : "";
      const pending = !values.has(e.source);
      const sig = `${lit}|${pending}`;
      if (this.__sig === sig) return;
      this.__sig = sig;
      const path = d3.select(this);
      path
        .classed("pending", pending)
        .classed("active-forward", lit === "forward")
        .classed("active-backward", lit === "backward")
        .attr("marker-end", lit ? `url(#bpx-arrow-${lit})` : "url(#bpx-arrow)");
      if (lit) this.parentNode.appendChild(this); // lit edges on top of the others
    });
    this.drawEdgeLabels(state);
  }

  /**
   * The labels of the edges a backward step processes: each input's local derivative and the
   * contribution it receives, at the middle of its edge. Constants receive nothing: no label.
   */
  drawEdgeLabels(state) {
    const labels = [];
    const step = state.step;
    if (step && step.phase === "backward") {
      step.contributions.forEach((c, position) => {
        const input = this.nodeById.get(c.input);
        if (!input || input.kind === "constant" || c.contribution === null) return;
        labels.push({ key: `${step.node}:${position}`, text: edgeText(c.local, c.contribution) });
      });
    }
    const paths = this.edgePaths;
    this.edgeLabelLayer
      .selectAll("g.edge-label")
      .data(labels, (d) => d.key)
      .join((enter) => {
        const g = enter.append("g").attr("class", "edge-label");
        g.append("rect").attr("rx", 4).attr("height", 19);
        g.append("text").attr("x", 5).attr("y", 14);
        return g;
      })
      .attr("data-edge", (d) => d.key)
      .each(function (d) {
        const point = pathMidpoint(paths.get(d.key) ?? "");
        if (!point) return;
        const width = labelWidth(d.text);
        const g = d3.select(this);
        g.select("text").text(d.text);
        g.select("rect").attr("width", width);
        g.attr("transform", `translate(${(point.x - width / 2).toFixed(1)},${(point.y - 9.5).toFixed(1)})`);
      });
  }

  /** With the `+=` bug on: the right gradient under a node whose buggy one differs (null: none). */
  showRightGradient(element, g, rightGrad) {
    let text = element.querySelector(".right-grad");
    if (rightGrad === null) {
      if (text) text.remove();
      return;
    }
    const box = this.layout.nodes.get(element.__data__.id);
    if (!text) {
      text = g.append("text").attr("class", "right-grad").attr("text-anchor", "end").attr("x", box.width).attr("y", box.height + 12).node();
    }
    text.textContent = `with += : ${formatNumber(rightGrad)}`;
  }

  /** A value that changed since the last drawing (a slider moved) flashes once. */
  flashIfChanged(element, node, reached) {
    const before = element.__shownValue;
    element.__shownValue = reached ? node.value : undefined;
    if (!reached || before === undefined || before === node.value || this.reducedMotion()) return;
    // Removed now and added on the next frame, so a second change restarts the animation.
    element.classList.remove("value-changed");
    requestAnimationFrame(() => element.classList.add("value-changed"));
    clearTimeout(element.__flash);
    element.__flash = setTimeout(() => element.classList.remove("value-changed"), 900);
  }

  /** One sentence about a node, for screen readers and the tooltip. */
  describe(node, reached, grad) {
    const name = this.labels.get(node.id);
    const parts = [name, node.kind === "operation" ? `operation ${node.op}` : node.kind];
    if (reached) parts.push(`value ${formatNumber(node.value)}`);
    if (this.graph.failed === node.id) parts.push("the math failed here");
    if (grad !== null) parts.push(`${gradientSymbol(this.outputName, name)} = ${formatNumber(grad)}`);
    return parts.join(", ");
  }

  placeHalo(active, phase) {
    const box = active ? this.layout.nodes.get(active) : null;
    const node = box ? this.nodeById.get(active) : null;
    if (!box || !node) {
      this.halo.attr("visibility", "hidden");
      return;
    }
    const constant = node.kind === "constant";
    const x = box.x + (constant ? 0 : box.recordX) - 5;
    this.halo
      .attr("visibility", "visible")
      .attr("class", `halo phase-${this.graph.failed === active ? "failed" : phase}`)
      .attr("x", x)
      .attr("y", box.y - 5)
      .attr("width", box.x + box.width + 5 - x)
      .attr("height", box.height + 10)
      .attr("rx", constant ? box.height / 2 + 5 : 10);
  }

  setSelected(id) {
    this.selected = id;
  }
}
