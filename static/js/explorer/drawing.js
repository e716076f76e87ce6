// The drawing pipeline of the explorer: an answer's graph laid out (cache, this thread or the worker,
// a quick layout meanwhile for big ones), drawn, folded and revalued, with the minimap, the legend and
// the line above the graph. It draws what the Explorer shows (`host.shown`, `host.state`); it decides
// nothing about steps or teaching.

import { collapsedView, revaluedView } from "../core/collapse.js";
import { GraphView } from "../graph/graph-view.js";
import { drawLegend } from "../graph/legend.js";
import { RunTiming } from "../page/timing-hooks.js";

/** Graphs small enough to teach with get wider gaps between layers: room for an edge's label. */
const ROOMY_GRAPH = 80;
const ROOMY_RANKSEP = 80;

function layoutOptions(graph, labels) {
  return graph.nodes.length <= ROOMY_GRAPH ? { labels, ranksep: ROOMY_RANKSEP } : { labels };
}

export class GraphDrawing {
  /**
   * @param {object} parts
   * @param {{shown: object|null, state: object|null}} parts.host what is shown (the Explorer)
   * @param {GraphView} parts.view
   * @param {import("../graph/viewport.js").Viewport} parts.viewport
   * @param {import("../core/layout-service.js").LayoutService} parts.layouts
   * @param {import("../graph/minimap.js").Minimap} parts.minimap
   * @param {{graph: SVGSVGElement, panel: HTMLElement, empty: HTMLElement, meta: HTMLElement, legend: SVGSVGElement}} parts.elements
   * @param {(error: Error, expression: string) => void} parts.onLayoutError
   * @param {(folded: boolean) => void} [parts.onFold] called when the folded statements change (any left?)
   */
  constructor({ host, view, viewport, layouts, minimap, elements, onLayoutError, onFold }) {
    this.host = host;
    this.view = view;
    this.viewport = viewport;
    this.layouts = layouts;
    this.minimap = minimap;
    this.elements = elements;
    this.onLayoutError = onLayoutError;
    this.onFold = onFold ?? (() => {});
    this.drawn = null; // the `shown` whose graph is drawn (a big one's layout may still be on its way)
    this.drawing = 0; // numbers each drawing; a newer one makes an older one give up
    this.paints = 0; // drawings painted: the graph's data-ready says the latest
    this.collapsed = new Set(); // named nodes whose statements are folded into one box
  }

  /** Is `shown` the graph on screen (not one whose layout is on its way)? */
  isDrawn(shown) {
    return shown !== null && this.drawn === shown;
  }

  /** A new structure: its folds start open. */
  unfold() {
    if (!this.collapsed.size) return;
    this.collapsed = new Set();
    this.onFold(false);
  }

  /**
   * Draw `shown` (the host's new `shown`): a recompute of `previous` with the same structure, names and
   * folds takes the new numbers on the drawing on show; anything else is laid out and drawn.
   */
  show(shown, previous, { same, failed, timing }) {
    const keepZoom = same && this.drawn === previous;
    const revalue = keepZoom && !failed && !previous.failed && previous.complete && previous.folds === this.collapsed;
    this.elements.legend.parentElement.style.visibility = "";
    if (revalue) this.revalue(shown, previous, timing);
    else this.drawGraph({ timing, keepZoom });
  }

  /**
   * Draw `shown`, a recompute of `previous` (drawn whole with its final layout; the same structure,
   * names and folds), with `previous`'s layout and elements: only numbers change. No layout is looked
   * up (the structure's key would cost as much as the rest) and no element is made or moved.
   */
  async revalue(shown, previous, timing) {
    const drawing = ++this.drawing;
    shown.view = revaluedView(previous.view, shown.answer);
    shown.folds = previous.folds;
    shown.layout = previous.layout;
    shown.final = true;
    this.layouts.reused();
    timing.mark("laidOut");
    this.drawn = shown;
    this.view.revalue(shown.answer, shown.view);
    // The step is shown next (the caller's player.setTotal: showStep updates the drawing once, with
    // the new numbers); the rest follows after it.
    await null;
    if (drawing !== this.drawing) return;
    const state = this.host.state;
    if (state && this.view.state !== state) this.view.update(state, { right: state.rightGrads });
    timing.mark("viewDrawn");
    timing.whenFramePainted("viewPainted");
    drawLegend(this.elements.legend, this.view.scale);
    this.painted(shown, timing);
  }

  async drawGraph({ timing = new RunTiming(performance.now()), keepZoom = true, anchor = null }) {
    const shown = this.host.shown;
    const drawing = ++this.drawing;
    const view = collapsedView(shown.answer, this.collapsed, shown.groups);
    const options = layoutOptions(shown.answer, shown.labels);
    let layout = this.layouts.now(view, options);
    let provisional = false;
    if (!layout) {
      this.elements.panel.classList.add("laying-out");
      this.elements.meta.textContent = `Laying out ${view.nodes.length.toLocaleString("en")} nodes…`;
      const showQuick = (quick) => {
        if (drawing !== this.drawing) return;
        timing.mark("quickLaidOut");
        this.elements.panel.classList.remove("laying-out"); // the new graph is on screen: no more dimming
        this.place(shown, view, quick, { timing, drawing, keepZoom, anchor, final: false });
        provisional = true;
      };
      try {
        layout = await this.layouts.layout(view, options, showQuick);
      } catch (error) {
        if (drawing === this.drawing) this.onLayoutError(error, shown.expression);
        return;
      }
      if (drawing !== this.drawing) return; // a newer answer or fold is on its way
    }
    timing.mark("laidOut");
    this.elements.panel.classList.remove("laying-out");
    const nearest = provisional ? this.viewport.nodeNearestCentre() : null;
    await this.place(shown, view, layout, {
      timing,
      drawing,
      keepZoom: keepZoom || provisional,
      anchor: nearest ?? anchor,
      final: true,
    });
  }

  /** Draw `shown` with one layout of its `view` (drawGraph's; `final` false for a quick layout). */
  async place(shown, view, layout, { timing, drawing, keepZoom, anchor, final }) {
    const anchorAt = anchor ? this.viewport.screenPosition(anchor) : null;
    shown.view = view;
    shown.folds = this.collapsed; // what `view` folds (toggleFold and foldAll make a new set)
    shown.layout = layout;
    shown.final = final;

    const large = GraphView.isLarge(shown.answer);
    this.elements.empty.hidden = true;
    this.viewport.setContent(layout, { large });
    if (this.viewport.fitted && keepZoom) this.viewport.fit(false); // Fit was the last word
    else if (anchorAt) this.viewport.keepInPlace(anchor, anchorAt);
    else if (!keepZoom) {
      // Where the timeline stands (after a run: the output, the backward pass next).
      const focus = this.host.state?.active ?? shown.answer.output ?? shown.answer.forward.at(-1);
      this.viewport.open(view.representative.get(focus) ?? focus);
    }
    this.minimap.setContent(layout, this.viewport.size.width);
    this.drawn = shown;
    const state = this.host.state;
    this.view.state = state;
    this.view.right = state?.rightGrads ?? null;
    const complete = await this.view.setGraph(shown.answer, view, layout, shown.labels, {
      focus: this.viewport.visibleRect(),
      scale: this.viewport.transform().k,
      onViewDrawn: () => {
        if ("viewDrawn" in timing.timings) return; // the first view only (quick or final)
        timing.mark("viewDrawn");
        timing.whenFramePainted("viewPainted");
      },
    });
    if (!complete || drawing !== this.drawing || shown.layout !== layout) return;
    this.view.setVisibleRect(this.viewport.visibleRect(), this.viewport.transform().k);
    drawLegend(this.elements.legend, this.view.scale);
    const now = this.host.state;
    if (now) {
      this.view.update(now, { right: now.rightGrads });
      this.minimap.showActive(now.active ? this.view.shownAs(now.active) : null);
    }
    if (!final) {
      this.elements.meta.textContent = `Laying out ${view.nodes.length.toLocaleString("en")} nodes… (a quick layout meanwhile)`;
      return;
    }
    this.painted(shown, timing);
  }

  /** `shown` is drawn whole: publish the timings once it is painted, and say so above the graph. */
  painted(shown, timing) {
    shown.complete = true;
    timing.mark("drawn");
    const { timeline } = shown;
    timing.whenPainted(this.elements.graph, ++this.paints, (ms) => {
      if (shown.failed || this.host.shown !== shown) return; // a partial graph says what it is (showPartial)
      this.elements.meta.textContent =
        `${shown.answer.nodes.length} nodes · ${timeline.forwardCount} forward + ${timeline.backwardCount} backward steps · ` +
        `ready in ${Math.round(ms)} ms`;
    });
  }

  /**
   * The drawing wants the other layout direction (a phone turned): lay the graph out again, opened
   * on the step the timeline stands at (or fitted, when Fit was the last word). The step stays.
   */
  relayout() {
    if (!this.drawn) return;
    this.drawGraph({ keepZoom: this.viewport.fitted });
  }

  /** Fold a named node's statement into one box, or open it again. */
  toggleFold(id) {
    if (!this.host.shown?.groups.has(id)) return;
    if (this.collapsed.has(id)) this.collapsed.delete(id);
    else this.collapsed.add(id);
    this.collapsed = new Set(this.collapsed);
    this.onFold(this.collapsed.size > 0);
    this.drawGraph({ anchor: id });
  }

  /** Fold every named statement (true) or open them all (false). */
  foldAll(fold) {
    const shown = this.host.shown;
    if (!shown) return;
    this.collapsed = fold ? new Set(shown.groups.keys()) : new Set();
    this.onFold(fold && this.collapsed.size > 0);
    const active = this.host.state?.active;
    const anchor = active ? shown.view?.representative.get(active) : null;
    this.drawGraph({ anchor: anchor && shown.groups.has(anchor) ? anchor : null });
  }

  /** Open the folded group that hides node `id`; resolves once it is drawn (false: nothing was folded). */
  async unfoldTo(id) {
    const root = this.host.shown?.view?.representative.get(id);
    if (!root || root === id) return false;
    this.collapsed.delete(root);
    this.collapsed = new Set(this.collapsed);
    this.onFold(this.collapsed.size > 0);
    await this.drawGraph({ anchor: root });
    return true;
  }

  /** Nothing drawn: the drawing, the minimap and the line above the graph emptied, `text` said instead. */
  clear(text) {
    this.drawn = null;
    this.drawing += 1; // a layout on its way is for nothing now
    this.elements.panel.classList.remove("laying-out");
    this.unfold();
    this.view.clear();
    this.minimap.clear();
    this.viewport.setContent(null, { large: false });
    this.elements.empty.textContent = text;
    this.elements.empty.hidden = false;
    this.elements.meta.textContent = "";
    this.elements.legend.parentElement.style.visibility = "hidden"; // no gradients to scale
  }

  /** Show step `state` on the drawing (when it is drawn); `follow` moves the view to its node first. */
  showStep(shown, state, { follow, right }) {
    if (!this.isDrawn(shown)) return; // until a big graph is drawn, the step shows in the panels only
    // Following reads the drawing's size: first, while nothing has changed yet, so the browser need
    // not lay the page out again to answer.
    const id = state.active ? this.view.shownAs(state.active) : null;
    if (follow) this.viewport.follow(id);
    this.view.update(state, { right });
    this.viewport.setStep(id);
    this.minimap.showActive(id);
  }

  /** What an export takes: `shown` with its drawing complete (null while it is laid out). */
  forExport(shown) {
    if (!shown || this.drawn !== shown || !shown.final) return null;
    this.view.materializeAll(); // nodes never scrolled into view are built only now
    return shown;
  }
}
