// Wiring only: find the page's elements, make each part, connect them. What each part does is in its
// own module; docs/architecture.md has the map. No math happens in the page: the API's trace is replayed.

import { getExamples, getOps, postGraph, postGraphDot } from "./api.js";
import { ChainRulePanel } from "./chain-rule-panel.js";
import { Editor } from "./editor.js";
import { ErrorsView } from "./errors-view.js";
import { ExamplesMenu } from "./examples-menu.js";
import { ExportMenu } from "./export-menu.js";
import { Explorer } from "./explorer.js";
import { FindBox } from "./find.js";
import { GraphView } from "./graph-view.js";
import { InspectorPanel } from "./inspector.js";
import { wireKeyboard } from "./keyboard.js";
import { LayoutService } from "./layout-service.js";
import { Minimap } from "./minimap.js";
import { indexOps, opGlyph } from "./ops.js";
import { Player } from "./player.js";
import { PlayerControls } from "./player-controls.js";
import { RunController } from "./run-controller.js";
import { StatusLine } from "./status.js";
import { UrlSync } from "./url-sync.js";
import { VariablesPanel } from "./variables.js";
import { Viewport, wireZoomButtons } from "./viewport.js";

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
  const explorer = new Explorer({
    editor,
    view,
    viewport,
    player,
    errors,
    status,
    controls: new PlayerControls(player, $),
    variables: new VariablesPanel($("variables"), $("variables-empty"), (name, value) => runs.setValue(name, value)),
    chainRule: new ChainRulePanel($("chain-rule"), $("announcer")),
    inspector: new InspectorPanel($("inspector"), $("inspector-body"), reducedMotion),
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
  });
  const url = new UrlSync({
    current: () => explorer.pageState(),
    open: (state) => {
      editor.value = state.expression;
      runs.reset(state.values);
      runs.check = state.check;
      $("check-toggle").checked = state.check;
      runs.run({ step: state.step });
    },
  });
  const examples = new ExamplesMenu($("examples"), $("example-description"), $("expression"), (example) => {
    editor.value = example.expression;
    runs.reset();
    explorer.select(null);
    runs.run({ step: 0 });
  });

  $("run").addEventListener("click", () => runs.run());
  wireKeyboard(document, { run: () => runs.run(), player });
  $("check-toggle").addEventListener("change", (event) => {
    runs.check = event.target.checked;
    if (explorer.shown) runs.run({ keepStep: true });
  });

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
