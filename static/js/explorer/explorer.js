// The explorer view: one API answer shown across the graph and the panels, and the step it stands at.
// It receives answers and errors (from RunController) and steps (from the Player), and hands each
// part of the page what it shows; it asks nothing from the API itself. The drawing pipeline (layout,
// drawing, folds) is drawing.js's; the teaching modes (predict, the `+=` bug, the nudge's context) are
// teaching.js's.

import { collapsibleGroups } from "../core/collapse.js";
import { sameStructure } from "../core/graph-structure.js";
import { nodeLabels } from "../core/notation.js";
import { spanRange } from "../core/source-text.js";
import { buildTimeline, completeGradients, stateAt } from "../core/timeline.js";
import { RunTiming } from "../page/timing-hooks.js";
import { GraphDrawing } from "./drawing.js";
import { TeachingModes } from "./teaching.js";

/** Steps that move the view to the active node when it is off screen (not a recompute's reload). */
const FOLLOW_CAUSES = new Set(["forward", "back", "play", "scrub", "start", "end", "restart"]);

const NO_GRAPH_TEXT = "No graph: the program did not run. Fix it and run it again.";

function sameLabels(a, b) {
  if (!a || !b || a.size !== b.size) return false;
  for (const [id, label] of a) if (b.get(id) !== label) return false;
  return true;
}

export class Explorer {
  /**
   * @param {object} parts
   * @param {import("./editor.js").Editor} parts.editor
   * @param {import("../graph/graph-view.js").GraphView} parts.view
   * @param {import("../graph/viewport.js").Viewport} parts.viewport
   * @param {import("./variables.js").VariablesPanel} parts.variables
   * @param {import("../core/player.js").Player} parts.player
   * @param {import("./player-controls.js").PlayerControls} parts.controls
   * @param {import("./chain-rule-panel.js").ChainRulePanel} parts.chainRule
   * @param {import("./inspector.js").InspectorPanel} parts.inspector
   * @param {import("./errors-view.js").ErrorsView} parts.errors
   * @param {import("./warnings-view.js").WarningsView} parts.warnings
   * @param {import("./predict-panel.js").PredictPanel} parts.predict
   * @param {import("../page/status.js").StatusLine} parts.status
   * @param {import("./export-menu.js").ExportMenu} parts.exports
   * @param {import("../core/layout-service.js").LayoutService} parts.layouts where layouts come from
   * @param {import("../graph/minimap.js").Minimap} parts.minimap
   * @param {{graph: SVGSVGElement, panel: HTMLElement, empty: HTMLElement, meta: HTMLElement, legend: SVGSVGElement}} parts.elements
   * @param {() => void} [parts.onStep] called after every step shown (the URL follows)
   * @param {(expression: string) => void} [parts.onShown] called with the program text of every answer
   *   or error shown (the "not run" cue compares the editor with it)
   * @param {(folded: boolean) => void} [parts.onFold] called when the folded statements change (any left?)
   */
  constructor({
    editor, view, viewport, variables, player, controls, chainRule, inspector, errors, warnings, predict, status,
    exports, layouts, minimap, elements, onStep, onShown, onFold,
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
    this.warnings = warnings;
    this.status = status;
    this.exports = exports;
    this.elements = elements;
    this.onStep = onStep ?? (() => {});
    this.onShown = onShown ?? (() => {});
    this.opsByName = new Map();
    // {answer, body, expression, timeline, bugTimeline, labels, failed, groups (collapse.js), view (what
    // is drawn), folds (the `collapsed` set the view was made with), layout, final (dagre's layout, not
    // the quick one), complete (drawn whole with it)}
    this.shown = null;
    this.state = null; // timeline.stateAt of the step on show
    this.selected = null; // the inspected node's id
    this.drawing = new GraphDrawing({
      host: this,
      view,
      viewport,
      layouts,
      minimap,
      elements,
      onLayoutError: (error, expression) => this.showError(error, expression),
      onFold,
    });
    // A question is about a step's node and inputs: the view shows them while it asks.
    const showAsked = (target) => {
      if (this.drawing.isDrawn(this.shown)) this.viewport.follow(this.view.shownAs(this.shown.timeline.steps[target.index - 1].node));
    };
    this.teaching = new TeachingModes({ host: this, player, predict, onAsk: showAsked });
  }

  /** The operations as ops.indexOps gives them (chain-rule text, inspector, op glyphs). */
  setOps(opsByName) {
    this.opsByName = opsByName;
  }

  /**
   * Show an answer. `run` is RunController's: its start time, answer time and the options
   * the run was started with (`step` to stand at, or `keepStep`); without either it stands at the end
   * of the forward pass, every value in view and the backward pass next.
   */
  showAnswer({ answer, body, expression }, { started, answered, options }) {
    const timing = new RunTiming(started);
    timing.mark("answered", answered);
    const labels = nodeLabels(answer, expression, this.opsByName);
    const timeline = buildTimeline(answer, { labels });
    const shown = this.draw({ answer, body, expression, timeline, labels }, timing);
    this.clearError();
    this.warnings.show(answer.warnings, expression);
    this.exports.enable(true);
    const index = options.keepStep ? this.player.index : (options.step ?? timeline.forwardCount);
    this.player.setTotal(timeline.total, index);
    this.onShown(expression);
    return shown;
  }

  /**
   * Show a graph: its panels at once, its drawing as soon as its layout is there (at once when cached
   * or small, otherwise from the layout worker, the page staying usable meanwhile); the new `shown`.
   */
  draw({ answer, body, expression, timeline, labels, failed = false }, timing = null) {
    // Recomputing with new values keeps the same graph: keep its layout, its folds and the zoom too.
    const previous = this.shown;
    const same = sameStructure(previous?.answer, answer) && sameLabels(previous?.labels, labels);
    const groups = same ? previous.groups : collapsibleGroups(answer);
    if (!same) this.drawing.unfold();
    this.shown = { answer, body, expression, timeline, labels, failed, bugTimeline: null, groups, view: null, layout: null, final: false };
    this.state = null;
    this.teaching.reset();
    this.variables.setGraph(answer, labels.get(answer.output) ?? "out", { failed });
    if (this.selected && !timeline.nodeById.has(this.selected)) this.selected = null;
    this.view.setSelected(this.selected);
    this.controls.setTimeline(timeline);
    this.drawing.show(this.shown, previous, { same, failed, timing: timing ?? new RunTiming(performance.now()) });
    return this.shown;
  }

  /** Fold a named node's statement into one box, or open it again. */
  toggleFold(id) {
    this.drawing.toggleFold(id);
  }

  /** Fold every named statement (true) or open them all (false). */
  foldAll(fold) {
    this.drawing.foldAll(fold);
  }

  /** The drawing wants the other layout direction (a phone turned): laid out again, on the same step. */
  relayout() {
    this.drawing.relayout();
  }

  /** Show a node: select it and put it at the centre of the view, opening its folded group if need be. */
  async reveal(id) {
    const shown = this.shown;
    if (!shown || !shown.timeline.nodeById.has(id)) return;
    if (await this.drawing.unfoldTo(id)) {
      this.reveal(id);
      return;
    }
    this.select(id);
    this.viewport.centerOn(id, { minScale: 0.8 });
  }

  /**
   * Show an error about `expression`. A math error that brought its partial graph draws it, up to the
   * failing node, marked; any other error clears the graph: nothing stale stays to step or edit.
   */
  showError(error, expression) {
    this.errors.show(error, expression);
    this.warnings.clear();
    this.status.failed();
    if (error.code === "math_error" && error.partial) this.showPartial(error, expression);
    else this.clearGraph();
    this.onShown(expression);
  }

  /**
   * The graph built up to a math error, which opens at the failing step, the failing node marked: a
   * forward failure's forward pass can be stepped; a backward failure's whole forward pass and the
   * backward steps that succeeded before it too.
   */
  showPartial(error, expression) {
    const { nodes, forward, failed, phase } = error.partial;
    const graph = {
      // A backward failure built every node: the last is the output. A forward one stopped short of it.
      output: phase === "backward" ? forward.at(-1) : null,
      nodes,
      forward,
      backward: phase === "backward" ? (error.partial.backward ?? []) : [],
      failed,
      phase,
      failedMessage: error.message,
      warnings: [],
    };
    const labels = nodeLabels(graph, expression, this.opsByName);
    const timeline = buildTimeline(graph, { labels });
    this.draw({ answer: graph, body: null, expression, timeline, labels, failed: true });
    this.elements.panel.classList.add("failed");
    this.exports.enable(false);
    this.elements.meta.textContent =
      phase === "backward"
        ? `The backward pass failed after ${graph.backward.length} step${graph.backward.length === 1 ? "" : "s"}`
        : `${nodes.length} nodes built before the math failed`;
    this.player.setTotal(timeline.total, timeline.total);
    this.viewport.follow(failed);
  }

  /** No graph at all: the drawing, the timeline, the variables and the panels are emptied. */
  clearGraph() {
    this.shown = null;
    this.state = null;
    this.selected = null;
    this.teaching.reset();
    this.drawing.clear(NO_GRAPH_TEXT);
    this.variables.clear();
    this.exports.enable(false);
    this.controls.setTimeline({ total: 0, forwardCount: 0 });
    this.player.setTotal(0, 0);
    this.controls.show({ index: 0, total: 0, phase: "start" });
    this.chainRule.clear(NO_GRAPH_TEXT);
    this.inspector.show({ node: null });
    this.editor.showStep(null);
    this.onStep();
  }

  clearError() {
    this.errors.clear();
    this.elements.panel.classList.remove("stale", "failed");
  }

  /** The timeline a step is shown from: the `+=` bug's when it is on. */
  activeTimeline() {
    return this.teaching.timelineOf(this.shown);
  }

  /** The Player's listener: show step `index`; `cause` says what moved it (see FOLLOW_CAUSES). */
  showStep(index, cause) {
    const shown = this.shown;
    if (!shown) return;
    this.teaching.stepping(index);
    const timeline = this.activeTimeline();
    const state = stateAt(timeline, index);
    const right = timeline === shown.timeline ? null : stateAt(shown.timeline, index).grads;
    state.rightGrads = right;
    this.state = state;
    this.drawing.showStep(shown, state, { follow: FOLLOW_CAUSES.has(cause), right });
    this.variables.showStep(state.grads, { right, complete: completeGradients(timeline, state), lockNudges: this.teaching.predictMode });
    this.controls.show(state, { failed: shown.failed });
    this.chainRule.show(timeline, state, this.opsByName, { announced: cause !== "load" || state.index > 0 });
    this.showStatement(state);
    if (this.selected) this.showInspector(false);
    this.onStep();
  }

  /** Mark the statement of the step in the editor (while the editor holds the program on show). */
  showStatement(state) {
    const node = state.active ? this.shown.timeline.nodeById.get(state.active) : null;
    const current = this.editor.value === this.shown.expression;
    this.editor.showStep(current && node ? node.span : null, state.phase);
  }

  /**
   * Inspect a node, or nothing (null). `tapped`: a click or tap on the node, whose inspector opens where
   * the person is looking (beside the graph on a wide screen, over the page on a narrow one): no scrolling.
   */
  select(id, { tapped = false } = {}) {
    this.selected = id;
    this.view.setSelected(id);
    if (this.state && this.drawing.isDrawn(this.shown)) this.view.update(this.state, { right: this.state.rightGrads });
    this.showInspector(id !== null);
    const element = id === null ? null : this.elements.graph.querySelector(`[data-node-id="${CSS.escape(id)}"]`);
    if (id === null || tapped) this.inspector.present(element);
  }

  /** Fill the inspector; `highlight` also marks the node's text in the editor. */
  showInspector(highlight) {
    const shown = this.shown;
    const node = shown && this.selected ? shown.timeline.nodeById.get(this.selected) : null;
    if (!node) {
      this.inspector.show({ node: null });
      return;
    }
    this.inspector.show({
      node,
      timeline: this.activeTimeline(),
      state: this.state,
      opsByName: this.opsByName,
      expression: shown.expression,
      right: this.state?.rightGrads ?? null,
    });
    if (highlight && this.editor.value === shown.expression) this.editor.highlightSpan(node.span);
  }

  /** The nodes whose whole gradient the step on show has revealed (all their contributions in). */
  revealedGradients() {
    return this.shown && this.state ? completeGradients(this.activeTimeline(), this.state) : new Set();
  }

  /** The `+=` bug on or off. */
  setBugMode(on) {
    this.teaching.setBugMode(on);
  }

  /** Predict mode on or off. */
  setPredictMode(on) {
    this.teaching.setPredictMode(on);
  }

  /** The learner answered a prediction (or skipped it, `guess` null). */
  predicted(target, guess) {
    this.teaching.predicted(target, guess);
  }

  /** What a nudge of variable `name` needs (teaching.js's nudgeContext). */
  nudgeContext(name) {
    return this.teaching.nudgeContext(name);
  }

  /**
   * Where variable `name` is declared in the program on show (a string index), or null when it is
   * free (no declaration to write a value into) or unknown.
   */
  declarationIndex(name) {
    const shown = this.shown;
    const node = shown?.answer.nodes.find((n) => n.kind === "variable" && n.label === name);
    if (!node || node.free !== false) return null;
    return spanRange(shown.expression, node.span)?.[0] ?? null;
  }

  /** What an export takes: the answer on show with its drawing complete (null while it is laid out). */
  forExport() {
    return this.drawing.forExport(this.shown);
  }

  /** What a link to this view carries (url-state.js's PageState), or null before any answer. */
  pageState() {
    if (!this.shown || !this.shown.body) return null;
    const { body, expression } = this.shown;
    return { expression, values: body.values ?? {}, step: this.player.index, check: body.check === true };
  }
}
