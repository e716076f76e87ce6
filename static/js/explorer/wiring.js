// The explorer's parts made and connected: the graph (view, viewport, minimap, layouts, find, folds),
// the player, the runs of the editor's program, the panels and the teaching-mode switches. main.js
// calls wireExplorer once; what it returns is what other parts of the page need from the explorer.

import { getOps, postGraph, postGraphDot } from "../core/api.js";
import { LayoutService } from "../core/layout-service.js";
import { indexOps, opGlyph } from "../core/ops.js";
import { Player } from "../core/player.js";
import { RunController } from "../core/run-controller.js";
import { writeBackValue } from "../core/source-text.js";
import { FindBox } from "../graph/find.js";
import { keepGraphHeight } from "../graph/graph-height.js";
import { GraphView } from "../graph/graph-view.js";
import { Minimap } from "../graph/minimap.js";
import { OffscreenHints } from "../graph/offscreen-hints.js";
import { layoutDirection, Viewport, wireZoomButtons } from "../graph/viewport.js";
import { ChainRulePanel } from "./chain-rule-panel.js";
import { EditCue } from "./edit-cue.js";
import { ExportMenu } from "./export-menu.js";
import { Explorer } from "./explorer.js";
import { InspectorPanel } from "./inspector.js";
import { wireKeyboard } from "./keyboard.js";
import { NudgePanel } from "./nudge-panel.js";
import { PlayerControls } from "./player-controls.js";
import { PredictPanel } from "./predict-panel.js";
import { VariablesPanel } from "./variables.js";
import { WarningsView } from "./warnings-view.js";

/**
 * @param {(id: string) => HTMLElement} $ the page's element by id
 * @param {object} parts
 * @param {import("./editor.js").Editor} parts.editor
 * @param {import("../page/status.js").StatusLine} parts.status
 * @param {import("./errors-view.js").ErrorsView} parts.errors
 * @param {() => boolean} parts.reducedMotion
 * @param {() => boolean} parts.active is the explorer the view on show (its keys work only then)
 * @param {(result: object) => void} [parts.onAnswer] after each answer is shown
 * @param {(state: object | null) => void} [parts.onStep] after each step is shown
 * @returns {{explorer: Explorer, runs: RunController, player: Player, find: FindBox, ops: Promise<void>}}
 */
export function wireExplorer($, { editor, status, errors, reducedMotion, active, onAnswer = () => {}, onStep = () => {} }) {
  const graph = $("graph");
  keepGraphHeight($("graph-panel"), document.querySelector(".stage"), document.querySelector(".player"), window.matchMedia("(min-width: 1000px)"));
  const viewport = new Viewport(graph, { reducedMotion });
  wireZoomButtons(viewport, { zoomIn: $("zoom-in"), zoomOut: $("zoom-out"), fit: $("zoom-fit") });
  const view = new GraphView(graph, viewport.layer, {
    onSelect: (id) => explorer.select(id, { tapped: true }),
    onToggle: (id) => explorer.toggleFold(id),
    onFocus: (id) => viewport.show(id),
    reducedMotion,
    glyph: (op) => opGlyph(explorer.opsByName, op),
  });
  // Folded away on a phone (it would cover the graph); opened, the step is kept clear of it.
  const minimap = new Minimap($("minimap"), (point) => viewport.centerAt(point), {
    toggle: $("minimap-toggle"),
    onToggle: () => viewport.overlaysChanged(),
  });
  new OffscreenHints($("offscreen-hints"), viewport, (id) => view.labels?.get(id));
  viewport.onDirectionChange(() => explorer.relayout());
  viewport.onChange((shown) => {
    view.setVisibleRect(shown.rect, shown.k);
    minimap.setView(shown);
  });
  const layouts = new LayoutService({
    dagre: globalThis.dagre,
    createWorker: () => new Worker("/static/js/graph/layout-worker.js", { name: "layout" }),
    direction: () => layoutDirection(viewport.size),
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
      onAnswer(result);
    },
    onError: (error, expression) => explorer.showError(error, expression),
  });
  const cue = new EditCue($("not-run"), $("editor-card"), editor);
  const nudges = new NudgePanel($("nudge-result"), $("nudge-h"), { post: postGraph, context: (name) => explorer.nudgeContext(name) });

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

  const predictElements = {
    box: $("predict"),
    question: $("prediction-question"),
    input: $("prediction"),
    submit: $("prediction-check"),
    skip: $("prediction-skip"),
    result: $("prediction-result"),
    score: $("prediction-score"),
  };
  const chainRule = new ChainRulePanel($("chain-rule"), $("announcer"));
  $("code-mode").addEventListener("change", (event) => chainRule.setCode(event.target.checked));
  const explorer = new Explorer({
    editor,
    view,
    viewport,
    player,
    errors,
    status,
    controls: new PlayerControls(player, $),
    variables: new VariablesPanel($("variables"), $("variables-empty"), setVariable, (name) => nudges.nudge(name)),
    chainRule,
    inspector: new InspectorPanel($("inspector-body"), {
      card: $("inspector"),
      close: $("inspector-close"),
      narrow: window.matchMedia("(max-width: 999px)"),
      graph: $("graph-panel"),
      avoid: [document.querySelector(".player")],
      onClose: () => explorer.select(null),
    }),
    warnings: new WarningsView($("warnings"), editor),
    predict: new PredictPanel(predictElements, (target, guess) => explorer.predicted(target, guess)),
    exports: new ExportMenu(
      { svg: $("export-svg"), png: $("export-png"), json: $("export-json"), dot: $("export-dot") },
      { graph, shown: () => explorer.forExport(), postDot: postGraphDot, status },
    ),
    layouts,
    minimap,
    elements: { graph, panel: $("graph-panel"), empty: $("graph-empty"), meta: $("graph-meta"), legend: $("legend-bar") },
    onStep: () => onStep(explorer.state),
    onFold: (folded) => {
      foldAll.setAttribute("aria-pressed", String(folded));
      foldAll.textContent = folded ? "Unfold all" : "Fold all";
    },
    onShown: (expression) => {
      cue.ran(expression);
      nudges.clear();
    },
  });

  $("run").addEventListener("click", () => runs.run());
  wireKeyboard(document, { run: () => runs.run(), player, active });
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
  $("predict-mode").addEventListener("change", (event) => {
    if (event.target.checked) nudges.clear(); // a nudge on show may print a gradient about to be asked
    explorer.setPredictMode(event.target.checked);
  });

  const ops = getOps().then(
    (answer) => explorer.setOps(indexOps(answer.ops)),
    () => {}, // without the table the page still works: the API's own labels and plain derivative text
  );
  return { explorer, runs, player, find, ops };
}
