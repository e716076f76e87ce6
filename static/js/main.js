// Wiring only: find the page's elements, make each part, connect them. What each part does is in its
// own module; docs/architecture.md has the map. No math happens in the page: the API's trace is replayed.

import { getExamples, getOps, postGraph, postGraphDot } from "./api.js";
import { ChainRulePanel } from "./chain-rule-panel.js";
import { EditCue } from "./edit-cue.js";
import { Editor } from "./editor.js";
import { ErrorsView } from "./errors-view.js";
import { ExamplesMenu } from "./examples-menu.js";
import { ExportMenu } from "./export-menu.js";
import { Explorer } from "./explorer.js";
import { FindBox } from "./find.js";
import { keepGraphHeight } from "./graph-height.js";
import { GraphView } from "./graph-view.js";
import { InspectorPanel } from "./inspector.js";
import { wireKeyboard } from "./keyboard.js";
import { LayoutService } from "./layout-service.js";
import { Minimap } from "./minimap.js";
import { NudgePanel } from "./nudge-panel.js";
import { indexOps, opGlyph } from "./ops.js";
import { Player } from "./player.js";
import { PlayerControls } from "./player-controls.js";
import { PredictPanel } from "./predict-panel.js";
import { RunController } from "./run-controller.js";
import { writeBackValue } from "./source-text.js";
import { StatusLine } from "./status.js";
import { UrlSync } from "./url-sync.js";
import { VariablesPanel } from "./variables.js";
import { Viewport, wireZoomButtons } from "./viewport.js";
import { WarningsView } from "./warnings-view.js";

/** Shown when the editor starts empty and the examples could not be had. */
const FALLBACK_PROGRAM = "a = 2\nb = -3\nc = 10\ne = a*b\nd = e + c\nf = -2\nL = d*f";

const $ = (id) => document.getElementById(id);
const reducedMotionQuery = window.matchMedia("(prefers-reduced-motion: reduce)");
const reducedMotion = () => reducedMotionQuery.matches;

async function start() {
  const editor = new Editor($("expression"), $("editor-backdrop"));
  const status = new StatusLine($("status"), document.body);
  const errors = new ErrorsView($("error"), editor);
  if (!globalThis.d3 || !globalThis.dagre) {
    errors.show(new Error("The drawing libraries did not load (run `npm ci`, then reload)."), "");
    status.failed();
    return;
  }
  document.documentElement.classList.toggle("reduced-motion", reducedMotion());

  const graph = $("graph");
  keepGraphHeight($("graph-panel"), document.querySelector(".stage"), document.querySelector(".player"), window.matchMedia("(min-width: 1000px)"));
  const viewport = new Viewport(graph, { reducedMotion });
  wireZoomButtons(viewport, { zoomIn: $("zoom-in"), zoomOut: $("zoom-out"), fit: $("zoom-fit") });
  const view = new GraphView(graph, viewport.layer, {
    onSelect: (id) => explorer.select(id),
    onToggle: (id) => explorer.toggleFold(id),
    reducedMotion,
    glyph: (op) => opGlyph(explorer.opsByName, op),
  });
  const minimap = new Minimap($("minimap"), (point) => viewport.centerAt(point));
  viewport.onChange((shown) => {
    view.setVisibleRect(shown.rect, shown.k);
    minimap.setView(shown);
  });
  const layouts = new LayoutService({
    dagre: globalThis.dagre,
    createWorker: () => new Worker("/static/js/layout-worker.js", { name: "layout" }),
  });
  layouts.warmUp();
  window.__bpx_layoutStats = layouts.stats; // how each layout was had: {inline, worker, cached}
  const find = new FindBox($("find-node"), $("find-names"), $("find-message"), (id) => explorer.reveal(id));
  const foldAll = $("fold-all");
  foldAll.addEventListener("click", () => explorer.foldAll(foldAll.getAttribute("aria-pressed") !== "true"));
  const player = new Player((index, cause) => explorer.showStep(index, cause));
  const runs = new RunController({
    post: postGraph,
    source: () => editor.value,
    onBusy: (busy) => status.busy(busy),
    onAnswer: (result, run) => {
      explorer.showAnswer(result, run);
      find.setGraph(result.answer);
    },
    onError: (error, expression) => explorer.showError(error, expression),
  });
  const cue = new EditCue($("not-run"), $("editor-card"), editor);
  const nudges = new NudgePanel($("nudge-result"), $("nudge-h"), {
    post: postGraph,
    context: (name) => explorer.nudgeContext(name),
  });
  const explorer = new Explorer({
    editor,
    view,
    viewport,
    player,
    errors,
    status,
    controls: new PlayerControls(player, $),
    variables: new VariablesPanel($("variables"), $("variables-empty"), setVariable, (name) => nudges.nudge(name)),
    chainRule: new ChainRulePanel($("chain-rule"), $("announcer")),
    inspector: new InspectorPanel($("inspector-body")),
    warnings: new WarningsView($("warnings"), editor),
    predict: new PredictPanel(
      {
        box: $("predict"),
        question: $("prediction-question"),
        input: $("prediction"),
        submit: $("prediction-check"),
        skip: $("prediction-skip"),
        result: $("prediction-result"),
        score: $("prediction-score"),
      },
      (target, guess) => explorer.predicted(target, guess),
    ),
    exports: new ExportMenu(
      { svg: $("export-svg"), png: $("export-png"), json: $("export-json"), dot: $("export-dot") },
      { graph, shown: () => explorer.forExport(), postDot: postGraphDot, status },
    ),
    layouts,
    minimap,
    elements: { graph, panel: $("graph-panel"), empty: $("graph-empty"), meta: $("graph-meta"), legend: $("legend-bar") },
    onStep: () => url.schedule(),
    onFold: (folded) => {
      foldAll.setAttribute("aria-pressed", String(folded));
      foldAll.textContent = folded ? "Unfold all" : "Fold all";
    },
    onShown: (expression) => {
      cue.ran(expression);
      nudges.clear();
    },
  });

  /**
   * A variable's input or slider moved: a declared variable's value is written into the program text
   * (the text stays the truth, and a link carries it); a free one has no declaration and stays a value
   * set here (its row says so).
   */
  function setVariable(name, value) {
    const near = explorer.declarationIndex(name);
    const text = near === null ? null : writeBackValue(editor.value, name, value, near);
    if (text === null) {
      runs.setValue(name, value);
      return;
    }
    editor.replaceText(text);
    runs.textCarries(name, text);
  }
  const url = new UrlSync({
    current: () => explorer.pageState(),
    open: (state) => {
      examples.unselect();
      editor.value = state.expression;
      runs.reset(state.values);
      runs.check = state.check;
      $("check-toggle").checked = state.check;
      runs.run(state.step === null ? {} : { step: state.step });
    },
  });
  const examples = new ExamplesMenu($("examples"), $("example-description"), $("expression"), (example) => {
    editor.value = example.expression;
    runs.reset();
    explorer.select(null);
    runs.run();
  });

  $("run").addEventListener("click", () => runs.run());
  wireKeyboard(document, { run: () => runs.run(), player });
  const checkToggle = $("check-toggle");
  checkToggle.addEventListener("change", () => {
    runs.check = checkToggle.checked;
    if (explorer.shown) runs.run({ keepStep: true });
  });
  // The `+=` bug is told by the numeric check disagreeing: turning the bug on turns the check on.
  $("bug-mode").addEventListener("change", (event) => {
    explorer.setBugMode(event.target.checked);
    $("bug-note").hidden = !event.target.checked;
    if (event.target.checked && !checkToggle.checked) {
      checkToggle.checked = true;
      checkToggle.dispatchEvent(new Event("change"));
    }
  });
  $("predict-mode").addEventListener("change", (event) => explorer.setPredictMode(event.target.checked));

  const [ops, examplesAnswer] = await Promise.allSettled([getOps(), getExamples()]);
  if (ops.status === "fulfilled") explorer.setOps(indexOps(ops.value.ops));
  if (examplesAnswer.status === "fulfilled") examples.setExamples(examplesAnswer.value.examples);
  if (url.openFromUrl()) return;
  if (examples.first) examples.choose(examples.first.id);
  else {
    editor.value = FALLBACK_PROGRAM;
    runs.run();
  }
}

start();
