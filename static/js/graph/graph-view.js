// Drawing the laid-out graph with D3 and updating it step by step: nodes, edges, the active node's halo.
// setGraph() keeps the elements of nodes and edges that stay (by key) and makes the new ones; update()
// then only touches the elements whose shown state changed, so stepping a 1,000-node graph stays cheap.
// A big graph is drawn what is in view first, and what is out of view waits in display:none groups,
// each node built only once it is first in view. Zoom and fit are viewport.js's, the colour legend
// legend.js's, the standalone copy for export svg-export.js's.
// In a backward step each lit edge carries what it passes back (`×(-3) → 6`); with the `+=` bug on,
// a node whose gradient the bug got wrong shows the right one under it.

import { LABEL_LINE_HEIGHT, labelLines, labelSize, placeLabel } from "../core/edge-labels.js";
import { formatNumber } from "../core/format.js";
import { SIZES } from "../core/layout.js";
import { gradientScale, wantsLightText } from "./legend.js";
import { edgeText, gradientSymbol } from "../core/notation.js";

const d3 = globalThis.d3;

/** Graphs with more nodes than this get lighter nodes (no captions, no tab stops, no transitions). */
const LARGE_GRAPH = 250;
/** How long one slice of a big graph's progressive drawing may hold the page (ms). */
const SLICE_MS = 12;
/** What is drawn around the view, in layout units, so a short pan finds it there already. */
const CULL_MARGIN = 200;
/** Below this zoom a big graph's text is too small to read: it is not drawn. */
const FAR_SCALE = 0.4;

/** What makes a drawn node the same node: its id, kind, shown label and op, and whether it folds. */
const nodeKey = (n, labels) => `${n.id}|${n.kind}|${labels.get(n.id)}|${n.op ?? ""}|${n.foldable ? "f" : ""}${n.collapsed ? n.members : ""}`;
const edgeKey = (e) => `${e.key}|${e.source}|${e.target}`;
const nodeBounds = (box) => ({ x0: box.x - 6, y0: box.y - 18, x1: box.x + box.width + 6, y1: box.y + box.height + 6 });
const intersects = (a, b) => a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
const grow = (r, m) => ({ x0: r.x0 - m, y0: r.y0 - m, x1: r.x1 + m, y1: r.y1 + m });
/** Where a foldable node's fold control sits: over the left of its label cell. */
const foldControlPlace = (box) => `translate(${box.x + box.recordX + 4},${box.y + box.height / 2 - 6.5})`;

/** Items in order of how near their bounds are to the centre of `focus`: what is in view comes first. */
function byDistance(items, boundsOf, focus) {
  const cx = (focus.x0 + focus.x1) / 2;
  const cy = (focus.y0 + focus.y1) / 2;
  const distance = new Map();
  for (const item of items) {
    const b = boundsOf(item);
    const dx = Math.max(b.x0 - cx, 0, cx - b.x1);
    const dy = Math.max(b.y0 - cy, 0, cy - b.y1);
    distance.set(item, intersects(b, focus) ? 0 : 1 + Math.hypot(dx, dy));
  }
  return [...items].sort((a, b) => distance.get(a) - distance.get(b));
}

/**
 * Let the page handle input and paint before the next slice of work. A timer, not scheduler.yield():
 * that one resumes ahead of rendering, and the browser would then style every slice in one frame.
 */
function yieldToPage() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

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
   * @param {{onSelect: (id: string) => void, onToggle: (id: string) => void, reducedMotion: () => boolean,
   *   glyph: (op: string) => string}} options
   *   onToggle: a named node's fold control was used; glyph: the text in an operation node's circle
   */
  constructor(svg, layer, { onSelect, onToggle = () => {}, reducedMotion, glyph }) {
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
    // Off-screen parts of a big graph wait here: in the document (with every test hook) but under a
    // display:none group, so the browser neither styles nor lays them out.
    this.edgeReserve = layer.append("g").attr("class", "reserve edges").attr("display", "none");
    // One halo, moved to whichever node is active: cheaper than one per node on big graphs.
    this.halo = layer.append("rect").attr("class", "halo").attr("visibility", "hidden");
    this.nodeLayer = layer.append("g").attr("class", "nodes");
    this.nodeReserve = layer.append("g").attr("class", "reserve nodes").attr("display", "none");
    // Above the nodes: an edge's label must not hide under the node it points to.
    this.edgeLabelLayer = layer.append("g").attr("class", "edge-labels");
    this.nodeElements = new Map(); // nodeKey → <g> of each drawn node
    this.elementById = new Map(); // node id → its <g>
    this.stepMarked = []; // the elements marked as the step's node and inputs
    this.edgeElements = new Map(); // edgeKey → <path> of each drawn edge
    this.generation = 0;
    this.state = null;
    this.visibleRect = null;

    // One listener for all nodes: a click or Enter on a node selects it, on its fold control folds it.
    const activate = (event) => {
      const toggle = event.target.closest?.("[data-collapse]");
      const node = event.target.closest?.("[data-node-id]");
      if (toggle) onToggle(toggle.getAttribute("data-collapse"));
      else if (node) this.onSelect(node.getAttribute("data-node-id"));
      else return false;
      return true;
    };
    layer.on("click", (event) => activate(event));
    layer.on("keydown", (event) => {
      if ((event.key === "Enter" || event.key === " ") && activate(event)) {
        event.preventDefault();
        event.stopPropagation();
      }
    });
  }

  duration(ms) {
    return this.reducedMotion() ? 0 : ms;
  }

  /** Is a graph big enough to be drawn light? */
  static isLarge(graph) {
    return graph.nodes.length > LARGE_GRAPH;
  }

  /**
   * Draw a new (or recomputed) graph: `view` is what is drawn of it (collapse.js: folded groups as one
   * box), `layout` its coordinates, `labels` id → the name shown (notation.js); a partial graph's
   * `failed` node is marked. Elements with the same key are kept and moved, so a recompute
   * touches only numbers. A big graph is drawn progressively: what is in `focus` (the part of the
   * drawing in view, at zoom `scale`) first, then `onViewDrawn()`, then the rest in slices that
   * leave the page free to answer between them. Resolves once every element is in the document (false when a newer
   * setGraph took over first).
   */
  async setGraph(graph, view, layout, labels, { focus = null, scale = 1, onViewDrawn = () => {} } = {}) {
    const generation = ++this.generation;
    this.graph = graph;
    this.view = view;
    this.layout = layout;
    this.labels = labels;
    this.outputName = labels.get(graph.output);
    this.symbols = new Map(); // name → ∂L/∂name, as describe() writes it
    this.edgePaths = new Map(layout.edges.map((e) => [e.key, e.path]));
    this.representative = view.representative;
    this.scale = gradientScale(graph);
    this.nodeById = new Map(graph.nodes.map((n) => [n.id, n]));
    const large = GraphView.isLarge(graph);
    this.large = large;
    this.svg.classed("large", large);
    this.halo.attr("visibility", "hidden");
    this.edgeLabelLayer.selectAll("*").remove();
    // What is in view decides what is drawn first, and on a big graph what is not drawn at all.
    this.visibleRect = focus ? grow(focus, CULL_MARGIN) : null;
    this.far = large && scale < FAR_SCALE;
    this.svg.classed("far", this.far);

    // What the new graph keeps stays (a recompute keeps everything); the rest goes now.
    const oldNodes = this.nodeElements;
    const oldEdges = this.edgeElements;
    this.nodeElements = new Map();
    this.edgeElements = new Map();
    this.elementById = new Map();
    this.stepMarked = [];
    // Big graphs draw lighter nodes: an element never moves between the two kinds of drawing.
    const keyOf = (n) => `${nodeKey(n, labels)}|${large ? "light" : "detailed"}`;
    const nodeKeys = new Set(view.nodes.map(keyOf));
    const edgeKeys = new Set(layout.edges.map(edgeKey));
    if (![...oldNodes.keys()].some((key) => nodeKeys.has(key))) {
      // Another graph altogether: emptying the layers at once is much cheaper than element by element.
      for (const group of [this.nodeLayer, this.nodeReserve, this.edgeLayer, this.edgeReserve]) group.node().replaceChildren();
      oldNodes.clear();
      oldEdges.clear();
    }
    // Kept elements are this graph's from now on, drawn or not yet: a newer setGraph that takes over
    // before this one is done finds them all.
    for (const [key, element] of oldNodes) {
      if (nodeKeys.has(key)) this.nodeElements.set(key, element);
      else {
        element.__toggle?.remove();
        element.remove();
      }
    }
    for (const [key, element] of oldEdges) {
      if (edgeKeys.has(key)) this.edgeElements.set(key, element);
      else element.remove();
    }

    const drawEdge = (e) => {
      const key = edgeKey(e);
      let element = this.edgeElements.get(key);
      if (!element) {
        // Big graphs start every element in the reserve; cull() brings out what is in view.
        element = (large ? this.edgeReserve : this.edgeLayer).append("path").attr("class", large ? "edge culled" : "edge").attr("data-edge", e.key).node();
        element.__culled = large;
        element.setAttribute("data-source", e.source);
        element.setAttribute("data-target", e.target);
      }
      element.__sig = null;
      if (element.__data__ !== e) {
        // A new layout (a recompute keeps the cached one: nothing to move then).
        element.__data__ = e;
        if (element.getAttribute("d") !== e.path) element.setAttribute("d", e.path);
      }
      this.edgeElements.set(key, element);
      this.cull(element, e.bounds);
    };
    const drawNode = (n) => {
      const key = keyOf(n);
      const box = layout.nodes.get(n.id);
      let element = this.nodeElements.get(key);
      if (!element) {
        // The element and its test hooks now; what it looks like once it is first in view (materialize).
        element = (large ? this.nodeReserve : this.nodeLayer)
          .append("g")
          .attr("class", `node kind-${n.kind}${n.collapsed ? " collapsed" : ""}${large ? " culled" : ""}`)
          .attr("data-node-id", n.id)
          .attr("data-label", n.label ?? "")
          .attr("data-kind", n.kind)
          .node();
        if (n.collapsed) {
          element.setAttribute("data-collapsed", "true");
          element.setAttribute("data-members", String(n.members));
        }
        element.__built = false;
        element.__culled = large;
      }
      element.__data__ = n;
      element.__sig = null;
      if (element.__box !== box) {
        element.__box = box;
        element.setAttribute("transform", `translate(${box.x},${box.y})`);
        element.__toggle?.setAttribute("transform", foldControlPlace(box));
      }
      if (n.kind === "constant" && element.__built) element.querySelector(".constant-text").textContent = labels.get(n.id);
      const failed = graph.failed === n.id;
      if (element.classList.contains("failed") !== failed) {
        element.classList.toggle("failed", failed);
        if (failed) element.setAttribute("data-failed", "true");
        else element.removeAttribute("data-failed");
      }
      this.nodeElements.set(key, element);
      this.elementById.set(n.id, element);
      this.cull(element, nodeBounds(box));
    };

    // What is in view first, when there is anything new to draw (a recompute reuses every element).
    const progressive = large && focus && view.nodes.some((n) => !this.nodeElements.has(keyOf(n)));
    const nodes = progressive ? byDistance(view.nodes, (n) => nodeBounds(layout.nodes.get(n.id)), focus) : view.nodes;
    const edges = progressive ? byDistance(layout.edges, (e) => e.bounds, focus) : layout.edges;
    if (!progressive) {
      edges.forEach(drawEdge);
      nodes.forEach(drawNode);
      this.refresh();
      onViewDrawn();
      return true;
    }
    // Big graphs: everything in view first, then slices of a few milliseconds each.
    const inView = (bounds) => focus && intersects(bounds, focus);
    let n = 0;
    let e = 0;
    while (e < edges.length && inView(edges[e].bounds)) drawEdge(edges[e++]);
    while (n < nodes.length && inView(nodeBounds(layout.nodes.get(nodes[n].id)))) drawNode(nodes[n++]);
    this.refresh();
    onViewDrawn();
    while (n < nodes.length || e < edges.length) {
      await yieldToPage();
      if (generation !== this.generation) return false;
      const sliceEnd = performance.now() + SLICE_MS;
      while (performance.now() < sliceEnd && (n < nodes.length || e < edges.length)) {
        for (let i = 0; i < 40 && e < edges.length; i++) drawEdge(edges[e++]);
        for (let i = 0; i < 20 && n < nodes.length; i++) drawNode(nodes[n++]);
      }
      this.refresh();
    }
    return true;
  }

  /**
   * The drawing on show with new numbers: `graph` is a recompute of the graph drawn (the same
   * structure and names) and `view` collapse.js's revaluedView of the view drawn, laid out as it is.
   * No element is made, keyed, moved or culled; the next update() redraws only the nodes whose value
   * changed (all of them when the gradient colour scale changed) and whatever the step changes.
   */
  revalue(graph, view) {
    const before = this.scale.domain();
    this.graph = graph;
    this.view = view;
    this.representative = view.representative;
    this.scale = gradientScale(graph);
    this.nodeById = new Map(graph.nodes.map((n) => [n.id, n]));
    const rescaled = this.scale.domain().some((end, i) => end !== before[i]);
    const drawnById = new Map(view.nodes.map((n) => [n.id, n]));
    for (const element of this.nodeElements.values()) {
      const n = drawnById.get(element.__data__.id);
      if (rescaled || n.value !== element.__data__.value) element.__sig = null;
      element.__data__ = n;
    }
  }

  /** Draw nothing (no program on show): every node, edge and label goes. */
  clear() {
    this.generation += 1; // a drawing under way stops
    this.graph = null;
    this.layout = null;
    this.state = null;
    for (const group of [this.nodeLayer, this.nodeReserve, this.edgeLayer, this.edgeReserve, this.edgeLabelLayer]) {
      group.node().replaceChildren();
    }
    this.nodeElements = new Map();
    this.edgeElements = new Map();
    this.elementById = new Map();
    this.stepMarked = [];
    this.halo.attr("visibility", "hidden");
  }

  /** Show the last state again on every element (new ones included). */
  refresh() {
    if (this.state) this.update(this.state, { right: this.right });
  }

  /**
   * The part of the drawing in view changed: a big graph draws only what is in it (the rest stays in
   * the document, with every test hook, but costs the browser nothing), and no text when it is too
   * small to read.
   */
  setVisibleRect(rect, k) {
    this.visibleRect = rect ? grow(rect, CULL_MARGIN) : null;
    this.far = this.large && k < FAR_SCALE;
    this.svg.classed("far", this.far);
    this.materialized = 0;
    for (const element of this.edgeElements.values()) this.cull(element, element.__data__.bounds);
    for (const element of this.nodeElements.values()) this.cull(element, nodeBounds(element.__box));
    if (this.materialized) this.refresh(); // nodes seen for the first time get the step's numbers
  }

  /** Hide an element outside the view (big graphs); a node seen for the first time is built now. */
  cull(element, bounds) {
    const hidden = this.large && this.visibleRect !== null && !intersects(bounds, this.visibleRect);
    if (!hidden && element.__built === false) this.materialize(element);
    if (element.__culled !== hidden) {
      element.__culled = hidden;
      element.classList.toggle("culled", hidden);
      const edge = element.tagName === "path";
      const group = edge ? (hidden ? this.edgeReserve : this.edgeLayer) : hidden ? this.nodeReserve : this.nodeLayer;
      group.node().append(element);
      if (element.__toggle) {
        element.__toggle.classList.toggle("culled", hidden);
        element.after(element.__toggle);
      }
    }
  }

  /** Build what a node looks like (and its fold control): once, the first time it is in view. */
  materialize(element) {
    const n = element.__data__;
    const box = element.__box;
    this.buildNode(element, n, box);
    if (n.kind === "constant") element.querySelector(".constant-text").textContent = this.labels.get(n.id);
    if (n.foldable) {
      // Beside its node, not inside it (a button inside a button is no button), next in tab order.
      const toggle = this.buildFoldControl(n);
      toggle.setAttribute("transform", foldControlPlace(box));
      toggle.classList.toggle("culled", element.__culled === true);
      element.after(toggle); // in whichever group the node is
      element.__toggle = toggle;
    }
    element.__built = true;
    element.__sig = null;
    this.materialized = (this.materialized ?? 0) + 1;
  }

  /** Build every node not built yet (an export needs the whole drawing) and fill in their numbers. */
  materializeAll() {
    for (const element of this.nodeElements.values()) if (element.__built === false) this.materialize(element);
    this.refresh();
  }

  /** The id of the drawn node that shows node `id` (itself, or the box of its folded group). */
  shownAs(id) {
    return this.representative?.get(id) ?? id;
  }

  /** The static parts of one node: record cells, captions, op circle; numbers are filled by update(). */
  buildNode(element, node, box) {
    const g = d3.select(element);
    const h = box.height;
    g.append("title"); // the tooltip: update() writes it
    if (node.kind === "constant") {
      g.append("rect").attr("class", "constant-pill").attr("width", box.width).attr("height", h).attr("rx", h / 2);
      g.append("text").attr("class", "constant-text").attr("data-part", "value").attr("aria-hidden", "true").attr("x", box.width / 2).attr("y", h / 2 + 4.5);
      this.buildHitArea(g, box);
      return;
    }
    const x0 = box.recordX;
    const recordWidth = box.width - x0;
    const cell = SIZES.cellWidth;
    const dataX = x0 + box.labelWidth;
    const gradX = dataX + cell;
    // Big graphs get fewer elements per node (no captions, no link line): thousands add up.
    const detailed = !this.large;
    if (node.collapsed) {
      // A folded group looks like a small stack of records: there is more inside.
      g.append("rect").attr("class", "stack").attr("x", x0 + 4).attr("y", 4).attr("width", recordWidth).attr("height", h).attr("rx", 6);
    }
    if (node.kind === "operation") {
      const r = SIZES.opRadius;
      if (detailed) g.append("line").attr("class", "op-link").attr("x1", 2 * r).attr("y1", h / 2).attr("x2", x0).attr("y2", h / 2);
      g.append("circle").attr("class", "op-circle").attr("cx", r).attr("cy", h / 2).attr("r", r);
      const symbol = node.collapsed ? `${node.members}` : this.glyph(node.op);
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
      .text(this.labels.get(node.id));
    if (detailed) {
      g.append("text").attr("class", "caption").attr("x", dataX + cell / 2).attr("y", 13).text("data");
      g.append("text").attr("class", "caption grad-caption").attr("x", gradX + cell / 2).attr("y", 13).text("grad");
    }
    const numberY = detailed ? 31 : h / 2 + 4.5;
    g.append("text").attr("class", "value-text").attr("data-part", "value").attr("x", dataX + cell / 2).attr("y", numberY);
    g.append("text").attr("class", "grad-text").attr("data-part", "grad").attr("x", gradX + cell / 2).attr("y", numberY);
    this.buildHitArea(g, box);
  }

  /**
   * What a click, a tap or the keyboard reaches: a clear box over the node, the node's button. Its
   * name says in words what the drawing shows; the drawn text stays out of the button (its name
   * would otherwise have to repeat it word for word, `data` and `grad` captions and all).
   */
  buildHitArea(g, box) {
    g.selectAll("text").attr("aria-hidden", "true");
    const hit = g
      .append("rect")
      .attr("class", "hit")
      .attr("width", box.width)
      .attr("height", box.height)
      .attr("role", "button")
      .attr("tabindex", this.large ? -1 : 0);
    g.node().__hit = hit.node();
  }

  /** The fold control over a named node's label cell: "−" folds its statement into one box, "+" opens it. */
  buildFoldControl(node) {
    const members = this.view.groups.get(node.id).length;
    const name = this.labels.get(node.id);
    const toggle = d3
      .create("svg:g")
      .attr("class", "fold-toggle")
      .attr("data-collapse", node.id)
      .attr("role", "button")
      .attr("tabindex", this.large ? -1 : 0)
      .attr("aria-expanded", node.collapsed ? "false" : "true")
      .attr("aria-label", node.collapsed ? `Expand ${name} (${members} nodes)` : `Collapse ${name} into one box (${members} nodes)`);
    toggle.append("title").text(node.collapsed ? `Expand ${name}` : `Collapse ${name}`);
    toggle.append("rect").attr("width", 13).attr("height", 13).attr("rx", 3);
    toggle.append("path").attr("d", node.collapsed ? "M3,6.5H10M6.5,3V10" : "M3,6.5H10");
    return toggle.node();
  }

  /**
   * Show the graph as it is at one step (timeline.stateAt): only changed elements are touched.
   * `right`: with the `+=` bug on, the right gradients at this step (shown where the bug's differ).
   */
  update(state, { right = null } = {}) {
    if (!this.graph) return;
    const { values, grads, active, phase, accumulated, changed } = state;
    this.right = right;
    const badge = right ? "=" : "+=";
    const scale = this.scale;
    const duration = this.duration(260);
    const motion = !this.reducedMotion();
    const selected = this.selected === null ? null : this.shownAs(this.selected);
    this.state = state;
    // A folded box stands for its whole group: it is active while any of its nodes is.
    const activeShown = active === null ? null : this.shownAs(active);
    const changedShown = this.view.groups.size ? new Set([...changed].map((id) => this.shownAs(id))) : changed;

    // A 1,000-node graph is walked on every step: plain DOM calls here, D3 only for transitions, and
    // each part of a node (its classes, its two numbers, its drawn text) touched only when it changed.
    for (const element of this.nodeElements.values()) {
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
      const valueText = reached ? formatNumber(n.value) : null;
      const gradText = hasGrad ? formatNumber(grad) : null;
      const description = this.describe(n, valueText, gradText);
      if (element.__description !== description) {
        element.__description = description;
        element.__hit.setAttribute("aria-label", description);
        setText((element.__title ??= element.querySelector("title")), description);
      }
      if (isAccumulated && !element.__badge) {
        const box = this.layout.nodes.get(id);
        element.__badge = d3.select(element).append("text").attr("class", "badge").attr("aria-hidden", "true").attr("x", box.width).attr("y", -5).attr("text-anchor", "end").node();
      }
      if (element.__badge) setText(element.__badge, badge);
      this.showRightGradient(element, rightGrad);
      this.flashIfChanged(element, n, reached, motion);

      if (n.kind === "constant") continue;
      const parts = (element.__parts ??= {
        value: element.querySelector(".value-text"),
        grad: element.querySelector(".grad-text"),
        caption: element.querySelector(".grad-caption"),
        cell: element.querySelector(".grad-cell"),
      });
      setText(parts.value, reached ? valueText : this.graph.failed === id ? "—" : "·");
      const fill = hasGrad ? scale(grad) : "transparent";
      const light = hasGrad && wantsLightText(fill);
      setText(parts.grad, hasGrad ? gradText : "");
      for (const text of parts.caption ? [parts.grad, parts.caption] : [parts.grad]) {
        text.classList.toggle("light", light);
        text.classList.toggle("dark", hasGrad && !light);
      }
      // Animate only a gradient that changed, and never on a big graph (hundreds of transitions at
      // once); anything else lands at once (no half-faded colours).
      if (duration && !this.large && hasGrad && element.__grad !== grad) d3.select(parts.cell).transition().duration(duration).attr("fill", fill);
      else {
        if (parts.cell.__transition) d3.select(parts.cell).interrupt();
        if (parts.cell.getAttribute("fill") !== fill) parts.cell.setAttribute("fill", fill);
      }
      element.__grad = grad;
    }

    this.placeHalo(active, phase);
    this.markStep(active);

    const activeKeys = new Set(state.activeEdges.map((e) => `${e.target}:${e.position}`));
    for (const element of this.edgeElements.values()) {
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
    this.drawEdgeLabels(state);
  }

  /**
   * The labels of the edges a backward step processes: each input's local derivative and the
   * contribution it receives, at the middle of its edge. Constants receive nothing: no label; nor
   * does an edge inside a folded box (it is not drawn).
   */
  drawEdgeLabels(state) {
    const labels = [];
    const step = state.step;
    const direction = this.layout.direction ?? "LR";
    if (step && step.phase === "backward") {
      step.contributions.forEach((c, position) => {
        const input = this.nodeById.get(c.input);
        const key = `${step.node}:${position}`;
        if (!input || input.kind === "constant" || c.contribution === null || !this.edgePaths.has(key)) return;
        const lines = labelLines(edgeText(c.local, c.contribution), direction);
        labels.push({ key, lines, size: labelSize(lines) });
      });
    }
    const paths = this.edgePaths;
    // A label never covers a node: placed where its edge runs clear of the boxes near it.
    const near = (d) => {
      const bounds = this.layout.edges.find((e) => e.key === d.key)?.bounds;
      const boxes = [];
      for (const box of this.layout.nodes.values()) if (!bounds || intersects(nodeBounds(box), bounds)) boxes.push(box);
      return boxes;
    };
    this.edgeLabelLayer
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

  /** With the `+=` bug on: the right gradient under a node whose buggy one differs (null: none). */
  showRightGradient(element, rightGrad) {
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
  flashIfChanged(element, node, reached, motion) {
    const before = element.__shownValue;
    element.__shownValue = reached ? node.value : undefined;
    if (!reached || before === undefined || before === node.value || !motion || element.__culled || this.far) return;
    // Removed now and added on the next frame, so a second change restarts the animation.
    element.classList.remove("value-changed");
    const flash = (this.flash ??= { elements: new Set(), frame: null, count: 0 });
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
  describe(node, valueText, gradText) {
    const name = this.labels.get(node.id);
    const kind = node.collapsed ? `${node.members} nodes folded` : node.kind === "operation" ? `operation ${node.op}` : node.kind;
    let text = `${name}, ${kind}`;
    if (valueText !== null) text += `, value ${valueText}`;
    if (this.graph.failed === node.id) text += ", the math failed here";
    if (gradText !== null) {
      // The same name is asked for on every update of a big graph: worked out once per name.
      let symbol = this.symbols.get(name);
      if (symbol === undefined) this.symbols.set(name, (symbol = gradientSymbol(this.outputName, name)));
      text += `, ${symbol} = ${gradText}`;
    }
    return text;
  }

  /**
   * The step's node carries `data-current`, its inputs `data-step-input` (test hooks; a folded box
   * stands for the nodes inside it). Only the elements marked before are visited again.
   */
  markStep(active) {
    for (const element of this.stepMarked) {
      element.removeAttribute("data-current");
      element.removeAttribute("data-step-input");
    }
    this.stepMarked = [];
    if (active === null) return;
    const current = this.shownAs(active);
    const mark = (id, attribute) => {
      const element = this.elementById.get(id);
      if (!element || element.hasAttribute("data-current")) return;
      element.setAttribute(attribute, "");
      this.stepMarked.push(element);
    };
    mark(current, "data-current");
    for (const input of this.nodeById.get(active)?.inputs ?? []) mark(this.shownAs(input), "data-step-input");
  }

  placeHalo(active, phase) {
    const shown = active ? this.shownAs(active) : null;
    const box = shown ? this.layout.nodes.get(shown) : null;
    const node = box ? this.nodeById.get(shown) : null;
    if (!box || !node) {
      this.halo.attr("visibility", "hidden");
      return;
    }
    const constant = node.kind === "constant";
    const x = box.x + (constant ? 0 : box.recordX) - 5;
    this.halo
      .attr("visibility", "visible")
      .attr("class", `halo phase-${this.graph.failed === shown ? "failed" : phase}`)
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
