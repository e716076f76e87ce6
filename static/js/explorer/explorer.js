// The explorer view: one API answer shown across the graph and the panels, and the step it stands at.
// It receives answers and errors (from RunController) and steps (from the Player), and hands each
// part of the page what it shows; it asks nothing from the API itself. Two teaching modes change what
// a step shows: predict mode asks before a backward step reveals a gradient, the `+=` bug replays the
// backward pass with gradients set instead of accumulated.

import { setInsteadOfAccumulate } from "../core/bug-replay.js";
import { chainRuleLines } from "../core/chainrule.js";
import { collapsedView, collapsibleGroups, revaluedView } from "../core/collapse.js";
import { sameStructure } from "../core/graph-structure.js";
import { GraphView } from "../graph/graph-view.js";
import { drawLegend } from "../graph/legend.js";
import { nodeLabels } from "../core/notation.js";
import { predictionTarget, workedLines } from "../core/prediction.js";
import { spanRange } from "../core/source-text.js";
import { buildTimeline, completeGradients, stateAt } from "../core/timeline.js";
import { RunTiming } from "../page/timing-hooks.js";

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
    this.predict = predict;
    this.status = status;
    this.exports = exports;
    this.layouts = layouts;
    this.minimap = minimap;
    this.elements = elements;
    this.onStep = onStep ?? (() => {});
    this.onShown = onShown ?? (() => {});
    this.onFold = onFold ?? (() => {});
    this.opsByName = new Map();
    // {answer, body, expression, timeline, bugTimeline, labels, failed, groups (collapse.js), view (what
    // is drawn), folds (the `collapsed` set the view was made with), layout, final (dagre's layout, not
    // the quick one), complete (drawn whole with it)}
    this.shown = null;
    this.drawn = null; // the `shown` whose graph is drawn (a big one's layout may still be on its way)
    this.drawing = 0; // numbers each drawing; a newer one makes an older one give up
    this.paints = 0; // drawings painted: the graph's data-ready says the latest
    this.collapsed = new Set(); // named nodes whose statements are folded into one box
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
    const keepZoom = same && this.drawn === previous;
    const groups = same ? previous.groups : collapsibleGroups(answer);
    if (!same && this.collapsed.size) {
      this.collapsed = new Set();
      this.onFold(false);
    }
    // New numbers on the drawing on show (a slider, a typed value): its layout, elements and folds stay.
    const revalue = keepZoom && !failed && !previous.failed && previous.complete && previous.folds === this.collapsed;
    this.shown = { answer, body, expression, timeline, labels, failed, bugTimeline: null, groups, view: null, layout: null, final: false };
    this.state = null;
    this.answered.clear();
    this.predict.cancel();
    this.elements.legend.parentElement.style.visibility = "";
    this.variables.setGraph(answer, labels.get(answer.output) ?? "out", { failed });
    if (this.selected && !timeline.nodeById.has(this.selected)) this.selected = null;
    this.view.setSelected(this.selected);
    this.controls.setTimeline(timeline);
    timing ??= new RunTiming(performance.now());
    if (revalue) this.revalue(this.shown, previous, timing);
    else this.drawGraph({ timing, keepZoom });
    return this.shown;
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
    if (this.state && this.view.state !== this.state) this.view.update(this.state, { right: this.state.rightGrads });
    timing.mark("viewDrawn");
    timing.whenFramePainted("viewPainted");
    drawLegend(this.elements.legend, this.view.scale);
    this.painted(shown, timing);
  }

  async drawGraph({ timing = new RunTiming(performance.now()), keepZoom = true, anchor = null }) {
    const shown = this.shown;
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
      const focus = this.state?.active ?? shown.answer.output ?? shown.answer.forward.at(-1);
      this.viewport.open(view.representative.get(focus) ?? focus);
    }
    this.minimap.setContent(layout, this.viewport.size.width);
    this.drawn = shown;
    this.view.state = this.state;
    this.view.right = this.state?.rightGrads ?? null;
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
    if (this.state) {
      this.view.update(this.state, { right: this.state.rightGrads });
      this.minimap.showActive(this.state.active ? this.view.shownAs(this.state.active) : null);
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
      if (shown.failed || this.shown !== shown) return; // a partial graph says what it is (showPartial)
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
    this.drawn = null;
    this.drawing += 1; // a layout on its way is for nothing now
    this.elements.panel.classList.remove("laying-out");
    if (this.collapsed.size) {
      this.collapsed = new Set();
      this.onFold(false);
    }
    this.view.clear();
    this.minimap.clear();
    this.viewport.setContent(null, { large: false });
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
    // need not lay the page out again to answer. Until the graph is drawn (a big graph's layout on
    // its way) the step shows in the panels only.
    const drawn = this.drawn === shown;
    if (drawn && FOLLOW_CAUSES.has(cause)) this.viewport.follow(this.view.shownAs(state.active));
    if (drawn) {
      this.view.update(state, { right });
      this.minimap.showActive(state.active ? this.view.shownAs(state.active) : null);
    }
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
    if (this.state && this.drawn === this.shown) this.view.update(this.state, { right: this.state.rightGrads });
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
    // The question is about the next step's node and inputs: the view shows them while it asks.
    if (this.drawn === shown) this.viewport.follow(this.view.shownAs(shown.timeline.steps[index - 1].node));
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

  /** What an export takes: the answer on show with its drawing complete (null while it is laid out). */
  forExport() {
    if (!this.shown || this.drawn !== this.shown || !this.shown.final) return null;
    this.view.materializeAll(); // nodes never scrolled into view are built only now
    return this.shown;
  }

  /** What a link to this view carries (url-state.js's PageState), or null before any answer. */
  pageState() {
    if (!this.shown || !this.shown.body) return null;
    const { body, expression } = this.shown;
    return { expression, values: body.values ?? {}, step: this.player.index, check: body.check === true };
  }
}
