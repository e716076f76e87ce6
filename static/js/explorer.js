// The explorer view: one API answer shown across the graph and the panels, and the step it stands at.
// It receives answers and errors (from RunController) and steps (from the Player), and hands each
// part of the page what it shows; it asks nothing from the API itself. Two teaching modes change what
// a step shows: predict mode asks before a backward step reveals a gradient, the `+=` bug replays the
// backward pass with gradients set instead of accumulated.

import { setInsteadOfAccumulate } from "./bug-replay.js";
import { chainRuleLines } from "./chainrule.js";
import { sameStructure } from "./graph-structure.js";
import { GraphView } from "./graph-view.js";
import { layoutGraph } from "./layout.js";
import { drawLegend } from "./legend.js";
import { nodeLabels } from "./notation.js";
import { predictionTarget, workedLines } from "./prediction.js";
import { spanRange } from "./source-text.js";
import { buildTimeline, completeGradients, stateAt } from "./timeline.js";
import { RunTiming } from "./timing-hooks.js";

/** Steps that move the view to the active node when it is off screen (not a recompute's reload). */
const FOLLOW_CAUSES = new Set(["forward", "back", "play", "scrub", "start", "end", "restart"]);
/** Steps a prediction may hold back: one step forward, by hand or by play. */
const PREDICTED_CAUSES = new Set(["forward", "play"]);

const NO_GRAPH_TEXT = "No graph: the program did not run. Fix it and run it again.";

/** Graphs small enough to teach with get wider gaps between layers: room for an edge's label. */
const ROOMY_GRAPH = 80;
const ROOMY_RANKSEP = 80;

function layoutOptions(graph, labels) {
  return graph.nodes.length <= ROOMY_GRAPH ? { labels, ranksep: ROOMY_RANKSEP } : { labels };
}

function sameLabels(a, b) {
  if (!a || !b || a.size !== b.size) return false;
  for (const [id, label] of a) if (b.get(id) !== label) return false;
  return true;
}

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
   * @param {import("./warnings-view.js").WarningsView} parts.warnings
   * @param {import("./predict-panel.js").PredictPanel} parts.predict
   * @param {import("./status.js").StatusLine} parts.status
   * @param {import("./export-menu.js").ExportMenu} parts.exports
   * @param {{graph: SVGSVGElement, panel: HTMLElement, empty: HTMLElement, meta: HTMLElement, legend: SVGSVGElement}} parts.elements
   * @param {() => void} [parts.onStep] called after every step shown (the URL follows)
   * @param {(expression: string) => void} [parts.onShown] called with the program text of every answer
   *   or error shown (the "not run" cue compares the editor with it)
   */
  constructor({
    editor, view, viewport, variables, player, controls, chainRule, inspector, errors, warnings, predict, status,
    exports, elements, onStep, onShown,
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
    this.predict = predict;
    this.status = status;
    this.exports = exports;
    this.elements = elements;
    this.onStep = onStep ?? (() => {});
    this.onShown = onShown ?? (() => {});
    this.opsByName = new Map();
    this.shown = null; // {answer, body, expression, timeline, bugTimeline, labels, layout, failed}
    this.state = null; // timeline.stateAt of the step on show
    this.selected = null; // the inspected node's id
    this.bugMode = false;
    this.predictMode = false;
    this.answered = new Set(); // steps already predicted (or skipped) for the graph on show
    player.gate = (index, cause) => this.allowStep(index, cause);
  }

  /** The operations as ops.indexOps gives them (chain-rule text, inspector, op glyphs). */
  setOps(opsByName) {
    this.opsByName = opsByName;
  }

  /**
   * Show an answer. `run` is RunController's: its sequence, start time, answer time and the options
   * the run was started with (`step` to stand at, or `keepStep`); without either it stands at the end
   * of the forward pass, every value in view and the backward pass next.
   */
  showAnswer({ answer, body, expression }, { sequence, started, answered, options }) {
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
    timing.mark("drawn");
    timing.whenPainted(this.elements.graph, sequence, (ms) => {
      this.elements.meta.textContent =
        `${answer.nodes.length} nodes · ${timeline.forwardCount} forward + ${timeline.backwardCount} backward steps · ` +
        `ready in ${Math.round(ms)} ms`;
    });
    this.onShown(expression);
    return shown;
  }

  /** Lay out (or keep the layout of the same graph) and draw; the new `shown`. */
  draw({ answer, body, expression, timeline, labels, failed = false }, timing = null) {
    // Recomputing with new values keeps the same graph: keep its layout and the zoom too.
    const same = sameStructure(this.shown?.answer, answer) && sameLabels(this.shown?.labels, labels);
    const layout = same ? this.shown.layout : layoutGraph(answer, globalThis.dagre, layoutOptions(answer, labels));
    timing?.mark("laidOut");
    this.shown = { answer, body, expression, timeline, labels, layout, failed, bugTimeline: null };
    this.answered.clear();
    this.predict.cancel();
    this.elements.empty.hidden = true;
    this.view.setGraph(answer, layout, labels);
    this.viewport.setContent(layout, { startId: answer.forward[0], large: GraphView.isLarge(answer) });
    if (!same) this.viewport.fit(false);
    drawLegend(this.elements.legend, this.view.scale);
    this.elements.legend.parentElement.style.visibility = "";
    this.variables.setGraph(answer, labels.get(answer.output) ?? "out", { failed });
    if (this.selected && !timeline.nodeById.has(this.selected)) this.selected = null;
    this.view.setSelected(this.selected);
    this.controls.setTimeline(timeline);
    return this.shown;
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

  /** The graph built up to a math error: its forward pass can be stepped, there is no backward pass. */
  showPartial(error, expression) {
    const { nodes, forward, failed, phase } = error.partial;
    const graph = {
      // A backward failure built every node: the last is the output. A forward one stopped short of it.
      output: phase === "backward" ? forward.at(-1) : null,
      nodes,
      forward,
      backward: [],
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
    this.elements.meta.textContent = `${nodes.length} nodes built before the math failed`;
    this.player.setTotal(timeline.total, timeline.total);
    this.viewport.follow(failed);
  }

  /** No graph at all: the drawing, the timeline, the variables and the panels are emptied. */
  clearGraph() {
    this.shown = null;
    this.state = null;
    this.selected = null;
    this.answered.clear();
    this.predict.cancel();
    this.view.clear();
    this.viewport.setContent(null, { startId: null, large: false });
    this.elements.empty.textContent = NO_GRAPH_TEXT;
    this.elements.empty.hidden = false;
    this.elements.meta.textContent = "";
    this.elements.legend.parentElement.style.visibility = "hidden"; // no gradients to scale
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
    const shown = this.shown;
    if (!this.bugMode || shown.failed) return shown.timeline;
    if (!shown.bugTimeline) {
      shown.bugTimeline = buildTimeline(shown.answer, { labels: shown.labels, bug: setInsteadOfAccumulate(shown.answer) });
    }
    return shown.bugTimeline;
  }

  /** The Player's listener: show step `index`; `cause` says what moved it (see FOLLOW_CAUSES). */
  showStep(index, cause) {
    const shown = this.shown;
    if (!shown) return;
    // A question about another step than the next one is moot (a jump, a scrub).
    if (this.predict.asking && this.predict.target.index !== index + 1) this.predict.cancel();
    const timeline = this.activeTimeline();
    const state = stateAt(timeline, index);
    const right = timeline === shown.timeline ? null : stateAt(shown.timeline, index).grads;
    state.rightGrads = right;
    this.state = state;
    // Following reads the drawing's size: first, while nothing has changed yet, so the browser
    // need not lay the page out again to answer.
    if (FOLLOW_CAUSES.has(cause)) this.viewport.follow(state.active);
    this.view.update(state, { right });
    this.variables.showStep(state.grads, { right, complete: completeGradients(timeline, state) });
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

  /** Inspect a node (a click on it), or nothing (null). The inspector is beside the graph: no scrolling. */
  select(id) {
    this.selected = id;
    this.view.setSelected(id);
    if (this.state) this.view.update(this.state, { right: this.state.rightGrads });
    this.showInspector(id !== null);
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

  /** The `+=` bug on or off: the same step, shown from the other timeline. */
  setBugMode(on) {
    this.bugMode = on;
    if (this.shown) this.player.go(this.player.index, "mode");
  }

  /** Predict mode on or off. */
  setPredictMode(on) {
    this.predictMode = on;
    this.answered.clear();
    this.predict.setEnabled(on);
  }

  /**
   * The Player's gate: may it move to step `index`? In predict mode one step forward into a step that
   * reveals a gradient waits for the learner's prediction first.
   */
  allowStep(index, cause) {
    const shown = this.shown;
    if (!this.predictMode || !shown || !PREDICTED_CAUSES.has(cause)) return true;
    if (index !== this.player.index + 1 || this.answered.has(index)) return true;
    const target = predictionTarget(shown.timeline, index);
    if (!target) return true;
    const [title] = chainRuleLines(shown.timeline, stateAt(shown.timeline, index), this.opsByName);
    this.predict.ask(target, title.text);
    return false;
  }

  /** The learner answered (or skipped, `guess` null): judge it, work it out, show the step. */
  predicted(target, guess) {
    const shown = this.shown;
    if (!shown) return;
    this.answered.add(target.index);
    this.predict.showResult(target, guess, workedLines(shown.timeline, target, this.opsByName));
    this.player.go(target.index, "forward");
  }

  /**
   * What a nudge of variable `name` needs: the request on show, the variable's node, the output's
   * value, and the gradient the page shows for it at the end (the bug's with the bug on).
   */
  nudgeContext(name) {
    const shown = this.shown;
    if (!shown || shown.failed) return null;
    const node = shown.answer.nodes.find((n) => n.kind === "variable" && n.label === name);
    if (!node) return null;
    const timeline = this.activeTimeline();
    const grad = timeline.finalGrads ? timeline.finalGrads.get(node.id) : node.grad;
    return { body: shown.body, node, value: shown.answer.value, grad, outputName: shown.labels.get(shown.answer.output) };
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

  /** What a link to this view carries (url-state.js's PageState), or null before any answer. */
  pageState() {
    if (!this.shown || !this.shown.body) return null;
    const { body, expression } = this.shown;
    return { expression, values: body.values ?? {}, step: this.player.index, check: body.check === true };
  }
}
