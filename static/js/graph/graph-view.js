// Drawing the laid-out graph with D3 and updating it step by step: nodes, edges, the active node's halo.
// setGraph() keeps the elements of nodes and edges that stay (by key) and makes the new ones; update()
// then only touches the elements whose shown state changed, so stepping a 1,000-node graph stays cheap.
// A big graph is drawn what is in view first, and what is out of view waits in display:none groups,
// each node built only once it is first in view. Zoom and fit are viewport.js's, the colour legend
// legend.js's, the standalone copy for export svg-export.js's.
// What a node looks like is node-shapes.js's; what one step shows on the drawing (numbers, marks,
// halo, lit edges and their labels) step-drawing.js's.

import { byDistance, grow, intersects, nextNode, nodeBounds } from "./in-view.js";
import { gradientScale } from "./legend.js";
import { buildFoldControl, buildNode, foldControlPlace } from "./node-shapes.js";
import { showState } from "./step-drawing.js";

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


/**
 * Let the page handle input and paint before the next slice of work. A timer, not scheduler.yield():
 * that one resumes ahead of rendering, and the browser would then style every slice in one frame.
 */
function yieldToPage() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}



export class GraphView {
  /**
   * @param {SVGSVGElement} svg the graph's SVG (arrow markers go into its defs)
   * @param {d3.Selection} layer the group to draw into (the viewport's)
   * @param {{onSelect: (id: string) => void, onToggle: (id: string) => void, reducedMotion: () => boolean,
   *   glyph: (op: string) => string}} options
   *   onToggle: a named node's fold control was used; onFocus: the keyboard moved to a node (the view
   *   follows it); glyph: the text in an operation node's circle
   */
  constructor(svg, layer, { onSelect, onToggle = () => {}, onFocus = () => {}, reducedMotion, glyph }) {
    this.svg = d3.select(svg);
    this.onFocus = onFocus;
    this.roving = null; // the node element that is the graph's tab stop
    this.focusedId = null; // the node a person moved to with the keyboard
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
    // The graph is one tab stop (its roving node); arrow keys move between nodes, the view following.
    layer.on("keydown", (event) => {
      if ((event.key === "Enter" || event.key === " ") && activate(event)) {
        event.preventDefault();
        event.stopPropagation();
        return;
      }
      const node = event.target.closest?.("[data-node-id]");
      const from = node && this.layout?.nodes.get(node.getAttribute("data-node-id"));
      if (!from || event.altKey || event.ctrlKey || event.metaKey) return;
      const shown = [...this.elementById.keys()].map((id) => this.layout.nodes.get(id)).filter(Boolean);
      const to = nextNode(shown, from, event.key, this.layout.direction);
      if (!to) return;
      event.preventDefault();
      event.stopPropagation(); // the page's own arrow keys step the timeline
      this.focusNode(to.id);
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
    this.roving = null;
    this.focusedId = null;
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
    buildNode(this, element, n, box);
    if (n.kind === "constant") element.querySelector(".constant-text").textContent = this.labels.get(n.id);
    if (n.foldable) {
      // Beside its node, not inside it (a button inside a button is no button), next in tab order.
      const toggle = buildFoldControl(this, n);
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

  /**
   * Show the graph as it is at one step (timeline.stateAt): only changed elements are touched.
   * `right`: with the `+=` bug on, the right gradients at this step (shown where the bug's differ).
   */
  update(state, options = {}) {
    showState(this, state, options);
  }

  /**
   * The graph's one tab stop: the node a person last moved to, else the step's node. The others are
   * reached with the arrow keys (a 1,000-node graph is not a thousand tab stops).
   */
  setRoving(id) {
    const element = this.elementById.get(id);
    if (!element || element === this.roving) return;
    this.roving?.__hit?.setAttribute("tabindex", "-1");
    if (!element.__built) this.materialize(element);
    element.__hit.setAttribute("tabindex", "0");
    this.roving = element;
  }

  /** Move the keyboard to node `id`: drawn now even when out of view, focused, and followed by the view. */
  focusNode(id) {
    const element = this.elementById.get(id);
    if (!element) return;
    if (!element.__built) this.materialize(element);
    if (element.__culled) {
      element.__culled = false;
      element.classList.remove("culled");
      this.nodeLayer.node().append(element);
    }
    this.focusedId = id;
    this.setRoving(id);
    this.refresh();
    this.onFocus(id);
    element.__hit.focus({ preventScroll: true });
  }

  setSelected(id) {
    this.selected = id;
  }
}
