// The explorer view: one API answer shown across the graph and the panels, and the step it stands at.
// It receives answers and errors (from RunController) and steps (from the Player), and hands each
// part of the page what it shows; it asks nothing from the API itself.

import { sameStructure } from "./graph-structure.js";
import { GraphView } from "./graph-view.js";
import { layoutGraph } from "./layout.js";
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
   * @param {{graph: SVGSVGElement, panel: HTMLElement, empty: HTMLElement, meta: HTMLElement, legend: SVGSVGElement}} parts.elements
   * @param {() => void} [parts.onStep] called after every step shown (the URL follows)
   */
  constructor({
    editor, view, viewport, variables, player, controls, chainRule, inspector, errors, status, exports, elements, onStep,
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
    this.elements = elements;
    this.onStep = onStep ?? (() => {});
    this.opsByName = new Map();
    this.shown = null; // {answer, body, expression, timeline, layout}
    this.state = null; // timeline.stateAt of the step on show
    this.selected = null; // the inspected node's id
  }

  /** The operations as ops.indexOps gives them (chain-rule text, inspector, op glyphs). */
  setOps(opsByName) {
    this.opsByName = opsByName;
  }

  /**
   * Show an answer. `run` is RunController's: its sequence, start time, answer time and the options
   * the run was started with (`step` to stand at, or `keepStep`).
   */
  showAnswer({ answer, body, expression }, { sequence, started, answered, options }) {
    const timing = new RunTiming(started);
    timing.mark("answered", answered);
    const timeline = buildTimeline(answer);
    // Recomputing with new values keeps the same graph: keep its layout and the zoom too.
    const same = sameStructure(this.shown?.answer, answer);
    const layout = same ? this.shown.layout : layoutGraph(answer, globalThis.dagre);
    timing.mark("laidOut");
    this.shown = { answer, body, expression, timeline, layout };

    this.clearError();
    this.elements.empty.hidden = true;
    this.view.setGraph(answer, layout);
    this.viewport.setContent(layout, { startId: answer.forward[0], large: GraphView.isLarge(answer) });
    if (!same) this.viewport.fit(false);
    drawLegend(this.elements.legend, this.view.scale);
    this.variables.setGraph(answer);
    if (this.selected && !timeline.nodeById.has(this.selected)) this.selected = null;
    this.view.setSelected(this.selected);
    this.exports.enable(true);
    this.controls.setTimeline(timeline);
    this.player.setTotal(timeline.total, options.keepStep ? this.player.index : (options.step ?? 0));
    timing.mark("drawn");
    timing.whenPainted(this.elements.graph, sequence, (ms) => {
      this.elements.meta.textContent =
        `${answer.nodes.length} nodes · ${timeline.forwardCount} forward + ${timeline.backwardCount} backward steps · ` +
        `ready in ${Math.round(ms)} ms`;
    });
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
    this.view.update(state);
    this.variables.showStep(state.grads);
    if (FOLLOW_CAUSES.has(cause)) this.viewport.follow(state.active);
    this.controls.show(state);
    this.chainRule.show(shown.timeline, state, this.opsByName, { announced: cause !== "load" || state.index > 0 });
    if (this.selected) this.showInspector(false);
    this.onStep();
  }

  /** Inspect a node (a click on it), or nothing (null). */
  select(id) {
    this.selected = id;
    this.view.setSelected(id);
    if (this.state) this.view.update(this.state);
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

  /** What a link to this view carries (url-state.js's PageState), or null before any answer. */
  pageState() {
    if (!this.shown) return null;
    const { body, expression } = this.shown;
    return { expression, values: body.values ?? {}, step: this.player.index, check: body.check === true };
  }
}
