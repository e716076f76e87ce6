// The explorer in a notebook cell: the page's own parts (GraphView, Viewport, Player, PlayerControls,
// ChainRulePanel, VariablesPanel, InspectorPanel, …) driven by the widget's model instead of the API.
// The kernel (app/notebook.py) owns the math: it sets `answer` (POST /api/graph's answer) or `error`;
// a slider here sets `values`, and the kernel answers again. `step` follows the player both ways;
// `mismatches` marks the nodes whose own gradients differ from the engine's.

import { ApiError } from "../core/api.js";
import { ChainRulePanel } from "../explorer/chain-rule-panel.js";
import { Editor } from "../explorer/editor.js";
import { ErrorsView } from "../explorer/errors-view.js";
import { Explorer } from "../explorer/explorer.js";
import { formatNumber } from "../core/format.js";
import { GraphView } from "../graph/graph-view.js";
import { indexOps, opGlyph } from "../core/ops.js";
import { InspectorPanel } from "../explorer/inspector.js";
import { LayoutService } from "../core/layout-service.js";
import { Minimap } from "../graph/minimap.js";
import { Player } from "../core/player.js";
import { PlayerControls } from "../explorer/player-controls.js";
import { StatusLine } from "../page/status.js";
import { VariablesPanel } from "../explorer/variables.js";
import { Viewport, wireZoomButtons } from "../graph/viewport.js";
import { WarningsView } from "../explorer/warnings-view.js";
import { buildMarkup } from "./markup.js";

/** The page's parts the widget does without (no predict mode, no exports): they do nothing. */
const NO_PREDICT = { asking: false, target: null, cancel() {}, setEnabled() {}, ask() {}, showResult() {} };
const NO_EXPORTS = { enable() {} };

export class ExplorerWidget {
  /** @param {object} model anywidget's model @param {HTMLElement} el the cell's output element */
  constructor(model, el) {
    this.model = model;
    this.root = document.createElement("div");
    this.root.className = "bpx-widget";
    el.append(this.root);
    const $ = buildMarkup(this.root);
    this.$ = $;
    const reducedMotion = () => globalThis.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false;

    const editor = new Editor($("expression"), $("editor-backdrop"));
    const graph = $("graph");
    const viewport = new Viewport(graph, { reducedMotion });
    wireZoomButtons(viewport, { zoomIn: $("zoom-in"), zoomOut: $("zoom-out"), fit: $("zoom-fit") });
    const view = new GraphView(graph, viewport.layer, {
      onSelect: (id) => this.explorer.select(id),
      onToggle: (id) => this.explorer.toggleFold(id),
      reducedMotion,
      glyph: (op) => opGlyph(this.explorer.opsByName, op),
    });
    const minimap = new Minimap($("minimap"), (point) => viewport.centerAt(point));
    viewport.onChange((shown) => {
      view.setVisibleRect(shown.rect, shown.k);
      minimap.setView(shown);
    });
    const foldAll = $("fold-all");
    foldAll.addEventListener("click", () => this.explorer.foldAll(foldAll.getAttribute("aria-pressed") !== "true"));
    this.player = new Player((index, cause) => this.explorer.showStep(index, cause));
    this.explorer = new Explorer({
      editor,
      view,
      viewport,
      player: this.player,
      errors: new ErrorsView($("error"), editor),
      status: new StatusLine(document.createElement("span"), this.root),
      controls: new PlayerControls(this.player, $),
      variables: new VariablesPanel($("variables"), $("variables-empty"), (name, value) => this.setValue(name, value)),
      chainRule: new ChainRulePanel($("chain-rule"), $("announcer")),
      inspector: new InspectorPanel($("inspector-body")),
      warnings: new WarningsView($("warnings"), editor),
      predict: NO_PREDICT,
      exports: NO_EXPORTS,
      // No worker in a notebook: the bundle is one module, so layouts are made on this thread.
      layouts: new LayoutService({ dagre: globalThis.dagre, createWorker: null }),
      minimap,
      elements: { graph, panel: $("graph-panel"), empty: $("graph-empty"), meta: $("graph-meta"), legend: $("legend-bar") },
      onStep: () => this.stepped(),
      onFold: (folded) => {
        foldAll.setAttribute("aria-pressed", String(folded));
        foldAll.textContent = folded ? "Unfold all" : "Fold all";
      },
    });
    this.explorer.setOps(indexOps(model.get("ops")));
    this.shownProgram = null;

    this.onAnswer = () => this.schedule();
    this.onStepChange = () => this.goTo(model.get("step"));
    this.onMismatches = () => this.markMismatches();
    model.on("change:answer", this.onAnswer);
    model.on("change:error", this.onAnswer);
    model.on("change:step", this.onStepChange);
    model.on("change:mismatches", this.onMismatches);
    this.show();
  }

  /** Answers and errors come in one message from the kernel: show them once, after it. */
  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.show();
    });
  }

  /** Show the model's answer (or error): a new program opens as the page opens one; new values keep the step. */
  show() {
    const { model, explorer } = this;
    const program = model.get("program");
    const answer = model.get("answer");
    const error = model.get("error");
    const same = program === this.shownProgram;
    if (explorer.editor.value !== program) explorer.editor.value = program;
    this.shownProgram = program;
    if (error) {
      explorer.showError(new ApiError({ ...error, status: 422 }), program);
    } else if (answer) {
      const step = model.get("step");
      const options = same && explorer.shown ? { keepStep: true } : Number.isInteger(step) ? { step } : {};
      const now = performance.now();
      explorer.showAnswer(
        { answer, body: { expression: program, values: model.get("values") }, expression: program },
        { started: now, answered: 0, options },
      );
    }
    this.markMismatches();
  }

  /** A slider or a typed value: the kernel recomputes with the engine and answers. */
  setValue(name, value) {
    this.model.set("values", { ...this.model.get("values"), [name]: value });
    this.model.save_changes();
  }

  /** The kernel set `step`: the player goes there (within the timeline). */
  goTo(step) {
    if (!Number.isInteger(step) || !this.explorer.shown || step === this.player.index) return;
    this.player.go(Math.max(0, Math.min(step, this.player.total)), "scrub");
  }

  stepped() {
    if (this.explorer.shown && this.model.get("step") !== this.player.index) {
      this.model.set("step", this.player.index);
      this.model.save_changes();
    }
    this.markMismatches();
  }

  /** The nodes whose own gradient differs from the engine's: marked on the graph and listed. */
  markMismatches() {
    const found = this.explorer.shown ? (this.model.get("mismatches") ?? []) : [];
    const byId = new Map(found.map((m) => [m.node, m]));
    for (const element of this.$("graph").querySelectorAll("[data-node-id]")) {
      const mismatch = byId.has(element.getAttribute("data-node-id"));
      element.classList.toggle("mismatch", mismatch);
      if (mismatch) element.setAttribute("data-mismatch", "true");
      else element.removeAttribute("data-mismatch");
    }
    const list = this.$("mismatch-list");
    const labels = this.explorer.shown?.labels;
    list.replaceChildren(
      ...found.map((m) => {
        const item = document.createElement("li");
        const name = document.createElement("button");
        name.type = "button";
        name.className = "btn btn-ghost btn-small";
        name.textContent = labels?.get(m.node) ?? m.node;
        name.addEventListener("click", () => this.explorer.reveal(m.node));
        item.append(name, ` yours ${formatNumber(m.own)} · engine ${formatNumber(m.engine)}`);
        return item;
      }),
    );
    this.$("mismatches").hidden = found.length === 0;
  }

  destroy() {
    this.player.pause?.();
    this.model.off("change:answer", this.onAnswer);
    this.model.off("change:error", this.onAnswer);
    this.model.off("change:step", this.onStepChange);
    this.model.off("change:mismatches", this.onMismatches);
    this.root.remove();
  }
}
