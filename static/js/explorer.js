// The explorer view: one API answer shown across the graph and the panels, and the step it stands at.
// It receives answers and errors (from RunController) and steps (from the Player), and hands each
// part of the page what it shows; it asks nothing from the API itself.

import { collapsedView, collapsibleGroups } from "./collapse.js";
import { sameStructure } from "./graph-structure.js";
import { GraphView } from "./graph-view.js";
import { drawLegend } from "./legend.js";
import { buildTimeline, stateAt } from "./timeline.js";
import { RunTiming } from "./timing-hooks.js";

/** Steps that move the view to the active node when it is off screen (not a recompute's reload). */
const FOLLOW_CAUSES = new Set(["forward", "back", "play", "scrub", "start", "end", "restart"]);

export class Explorer {
  /**
   * @param {object} parts
   * @param {import("./editor.js").Editor} parts.editor
   * @param {GraphView} parts.view
   * @param {import("./viewport.js").Viewport} parts.viewport
   * @param {import("./variables.js").VariablesPanel} parts.variables
   * @param {import("./player.js").Player} parts.player
   * @param {import("./player-controls.js").PlayerControls} parts.controls
   * @param {import("./chain-rule-panel.js").ChainRulePanel} parts.chainRule
   * @param {import("./inspector.js").InspectorPanel} parts.inspector
   * @param {import("./errors-view.js").ErrorsView} parts.errors
   * @param {import("./status.js").StatusLine} parts.status
   * @param {import("./export-menu.js").ExportMenu} parts.exports
   * @param {import("./layout-service.js").LayoutService} parts.layouts where layouts come from
   * @param {import("./minimap.js").Minimap} parts.minimap
   * @param {{graph: SVGSVGElement, panel: HTMLElement, empty: HTMLElement, meta: HTMLElement, legend: SVGSVGElement}} parts.elements
   * @param {() => void} [parts.onStep] called after every step shown (the URL follows)
   * @param {(collapsed: boolean) => void} [parts.onFold] called when the folded groups change (all or some)
   */
  constructor({
    editor, view, viewport, variables, player, controls, chainRule, inspector, errors, status, exports, layouts, minimap,
    elements, onStep, onFold,
  }) {
    this.editor = editor;
    this.view = view;
    this.viewport = viewport;
    this.variables = variables;
    this.player = player;
    this.controls = controls;
    this.chainRule = chainRule;
    this.inspector = inspector;
    this.errors = errors;
    this.status = status;
    this.exports = exports;
    this.layouts = layouts;
    this.minimap = minimap;
    this.elements = elements;
    this.onStep = onStep ?? (() => {});
    this.onFold = onFold ?? (() => {});
    this.opsByName = new Map();
    this.shown = null; // {answer, body, expression, timeline, groups, view, layout, final (not a quick layout)}
    this.drawn = null; // the `shown` whose graph is drawn (a big one's layout may still be on its way)
    this.drawing = 0; // numbers each drawing; a newer one makes an older one give up
    this.paints = 0; // drawings painted: the graph's data-ready says the latest
    this.collapsed = new Set(); // named nodes whose statements are folded into one box
    this.state = null; // timeline.stateAt of the step on show
    this.selected = null; // the inspected node's id
  }

  /** The operations as ops.indexOps gives them (chain-rule text, inspector, op glyphs). */
  setOps(opsByName) {
    this.opsByName = opsByName;
  }

  /**
   * Show an answer. `run` is RunController's: its start time, answer time and the options
   * the run was started with (`step` to stand at, or `keepStep`). The panels and the timeline follow
   * at once; the graph as soon as its layout is there (at once when cached or small, otherwise from
   * the layout worker, the page staying usable meanwhile).
   */
  showAnswer({ answer, body, expression }, { started, answered, options }) {
    const timing = new RunTiming(started);
    timing.mark("answered", answered);
    const timeline = buildTimeline(answer);
    // Recomputing with new values keeps the same graph: keep its layout, its folds and the zoom too.
    const same = sameStructure(this.shown?.answer, answer);
    const keepZoom = same && this.drawn === this.shown;
    const groups = same ? this.shown.groups : collapsibleGroups(answer);
    if (!same && this.collapsed.size) {
      this.collapsed = new Set();
      this.onFold(false);
    }
    this.shown = { answer, body, expression, timeline, groups, view: null, layout: null, final: false };

    this.clearError();
    this.variables.setGraph(answer);
    if (this.selected && !timeline.nodeById.has(this.selected)) this.selected = null;
    this.view.setSelected(this.selected);
    this.exports.enable(true);
    this.controls.setTimeline(timeline);
    this.player.setTotal(timeline.total, options.keepStep ? this.player.index : (options.step ?? 0));
    this.drawGraph({ timing, keepZoom });
  }

  /**
   * Lay out (or take from the cache) and draw the graph on show, with its folds. `keepZoom` keeps the
   * view where it is; `anchor` keeps that node where it sits on screen (a fold or unfold). A big graph
   * not laid out before is first drawn with the worker's quick layout, then with dagre's; the node
   * nearest the centre of the view stays where it is when the one replaces the other.
   */
  async drawGraph({ timing = new RunTiming(performance.now()), keepZoom = true, anchor = null }) {
    const shown = this.shown;
    const drawing = ++this.drawing;
    const view = collapsedView(shown.answer, this.collapsed, shown.groups);
    let layout = this.layouts.now(view);
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
        layout = await this.layouts.layout(view, showQuick);
      } catch (error) {
        if (drawing === this.drawing) this.showError(error, shown.expression);
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
    shown.layout = layout;
    shown.final = final;

    const large = GraphView.isLarge(shown.answer);
    this.elements.empty.hidden = true;
    this.viewport.setContent(layout, { large });
    if (this.viewport.fitted && keepZoom) this.viewport.fit(false); // Fit was the last word
    else if (anchorAt) this.viewport.keepInPlace(anchor, anchorAt);
    else if (!keepZoom) {
      const focus = this.state?.active ?? shown.answer.forward[0];
      this.viewport.open(view.representative.get(focus) ?? focus);
    }
    this.minimap.setContent(layout, this.viewport.size.width);
    this.drawn = shown;
    if (this.state) this.view.state = this.state;
    const complete = await this.view.setGraph(shown.answer, view, layout, {
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
    if (this.state) {
      this.view.update(this.state);
      this.minimap.showActive(this.state.active ? this.view.shownAs(this.state.active) : null);
    }
    if (!final) {
      this.elements.meta.textContent = `Laying out ${view.nodes.length.toLocaleString("en")} nodes… (a quick layout meanwhile)`;
      return;
    }
    timing.mark("drawn");
    const { timeline } = shown;
    timing.whenPainted(this.elements.graph, ++this.paints, (ms) => {
      this.elements.meta.textContent =
        `${shown.answer.nodes.length} nodes · ${timeline.forwardCount} forward + ${timeline.backwardCount} backward steps · ` +
        `ready in ${Math.round(ms)} ms`;
    });
  }

  /** Fold a named node's statement into one box, or open it again. */
  toggleFold(id) {
    if (!this.shown?.groups.has(id)) return;
    if (this.collapsed.has(id)) this.collapsed.delete(id);
    else this.collapsed.add(id);
    this.collapsed = new Set(this.collapsed);
    this.onFold(this.collapsed.size > 0);
    this.drawGraph({ anchor: id });
  }

  /** Fold every named statement (true) or open them all (false). */
  foldAll(fold) {
    if (!this.shown) return;
    this.collapsed = fold ? new Set(this.shown.groups.keys()) : new Set();
    this.onFold(fold && this.collapsed.size > 0);
    const anchor = this.state?.active ? this.shown.view?.representative.get(this.state.active) : null;
    this.drawGraph({ anchor: anchor && this.shown.groups.has(anchor) ? anchor : null });
  }

  /** Show a node: select it and put it at the centre of the view, opening its folded group if need be. */
  reveal(id) {
    const shown = this.shown;
    if (!shown || !shown.timeline.nodeById.has(id)) return;
    const root = shown.view?.representative.get(id);
    if (root && root !== id) {
      this.collapsed.delete(root);
      this.collapsed = new Set(this.collapsed);
      this.onFold(this.collapsed.size > 0);
      this.drawGraph({ anchor: root }).then(() => this.reveal(id));
      return;
    }
    this.select(id);
    this.viewport.centerOn(id, { minScale: 0.8 });
  }

  /** Show an error about `expression`; a graph already on show stays, dimmed. */
  showError(error, expression) {
    this.errors.show(error, expression);
    this.elements.panel.classList.toggle("stale", this.shown !== null);
    this.status.failed();
  }

  clearError() {
    this.errors.clear();
    this.elements.panel.classList.remove("stale");
  }

  /** The Player's listener: show step `index`; `cause` says what moved it (see FOLLOW_CAUSES). */
  showStep(index, cause) {
    const shown = this.shown;
    if (!shown) return;
    const state = stateAt(shown.timeline, index);
    this.state = state;
    const drawn = this.drawn === shown;
    if (drawn) {
      this.view.update(state);
      this.minimap.showActive(state.active ? this.view.shownAs(state.active) : null);
    }
    this.variables.showStep(state.grads);
    if (drawn && FOLLOW_CAUSES.has(cause)) this.viewport.follow(this.view.shownAs(state.active));
    this.controls.show(state);
    this.chainRule.show(shown.timeline, state, this.opsByName, { announced: cause !== "load" || state.index > 0 });
    if (this.selected) this.showInspector(false);
    this.onStep();
  }

  /** Inspect a node (a click on it), or nothing (null). */
  select(id) {
    this.selected = id;
    this.view.setSelected(id);
    if (this.state && this.drawn === this.shown) this.view.update(this.state);
    this.showInspector(id !== null);
    if (id !== null) this.inspector.reveal();
  }

  /** Fill the inspector; `highlight` also marks the node's text in the editor. */
  showInspector(highlight) {
    const shown = this.shown;
    const node = shown && this.selected ? shown.timeline.nodeById.get(this.selected) : null;
    this.inspector.show({ node, timeline: shown?.timeline, state: this.state, opsByName: this.opsByName });
    if (highlight && node && this.editor.value === shown.expression) this.editor.highlightSpan(node.span);
  }

  /** What an export takes: the answer on show with its drawing complete (null while it is laid out). */
  forExport() {
    if (!this.shown || this.drawn !== this.shown || !this.shown.final) return null;
    this.view.materializeAll(); // nodes never scrolled into view are built only now
    return this.shown;
  }

  /** What a link to this view carries (url-state.js's PageState), or null before any answer. */
  pageState() {
    if (!this.shown) return null;
    const { body, expression } = this.shown;
    return { expression, values: body.values ?? {}, step: this.player.index, check: body.check === true };
  }
}
