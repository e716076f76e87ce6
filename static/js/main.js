// Wiring only: find the page's elements, make each part, connect them. What each part does is in its
// own module; docs/architecture.md has the map. No math happens in the page: the API's trace is replayed.

import { getDatasets, getExamples, getOps, postGraph, postGraphDot, postTrainExample, postTrainGradients } from "./core/api.js";
import { ChainRulePanel } from "./explorer/chain-rule-panel.js";
import { EditCue } from "./explorer/edit-cue.js";
import { Editor } from "./explorer/editor.js";
import { ErrorsView } from "./explorer/errors-view.js";
import { ExamplesMenu } from "./explorer/examples-menu.js";
import { ExplainPanel } from "./train/explain-panel.js";
import { ExportMenu } from "./explorer/export-menu.js";
import { Explorer } from "./explorer/explorer.js";
import { FindBox } from "./graph/find.js";
import { keepGraphHeight } from "./graph/graph-height.js";
import { GraphView } from "./graph/graph-view.js";
import { InspectorPanel } from "./explorer/inspector.js";
import { wireKeyboard } from "./explorer/keyboard.js";
import { LayoutService } from "./core/layout-service.js";
import { LossChart } from "./train/loss-chart.js";
import { Minimap } from "./graph/minimap.js";
import { NudgePanel } from "./explorer/nudge-panel.js";
import { indexOps, opGlyph } from "./core/ops.js";
import { ParamTable } from "./train/param-table.js";
import { Player } from "./core/player.js";
import { PlayerControls } from "./explorer/player-controls.js";
import { PredictPanel } from "./explorer/predict-panel.js";
import { RunController } from "./core/run-controller.js";
import { writeBackValue } from "./core/source-text.js";
import { StatusLine } from "./page/status.js";
import { TrainControls } from "./train/train-controls.js";
import { TrainPlot } from "./train/train-plot.js";
import { decodeTrainState, encodeTrainState, exampleBody } from "./core/train-settings.js";
import { streamTraining } from "./core/train-stream.js";
import { TrainView } from "./train/train-view.js";
import { TrainingSession } from "./core/training-session.js";
import { UrlSync } from "./page/url-sync.js";
import { VariablesPanel } from "./explorer/variables.js";
import { ViewSwitch } from "./page/view-switch.js";
import { Viewport, wireZoomButtons } from "./graph/viewport.js";
import { WarningsView } from "./explorer/warnings-view.js";
import { wireLessons } from "./lessons/wire-lessons.js";

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
    createWorker: () => new Worker("/static/js/graph/layout-worker.js", { name: "layout" }),
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
      explain.answered(result);
      lessons.player.answered(result);
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
    onStep: () => {
      url.schedule();
      explain.stepped(explorer.state);
    },
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
    current: () => (views.current === "explorer" && !lessons.player.playing ? explorer.pageState() : null),
    open: (state) => {
      explorerOpened = true;
      explain.close();
      views.show("explorer");
      examples.unselect();
      editor.value = state.expression;
      runs.reset(state.values);
      runs.check = state.check;
      $("check-toggle").checked = state.check;
      runs.run(state.step === null ? {} : { step: state.step });
    },
  });
  const examples = new ExamplesMenu($("examples"), $("example-description"), $("expression"), (example) => {
    explorerOpened = true;
    explain.close();
    editor.value = example.expression;
    runs.reset();
    explorer.select(null);
    runs.run();
  });

  // -- the Train view, and the way between it and the explorer ---------------------------------------
  let explorerOpened = false; // has the explorer been given a program yet (it gets one when first shown)
  const views = new ViewSwitch(
    { tabs: { explorer: $("view-explorer"), train: $("view-train"), lessons: $("view-lessons") }, sections: { explorer: $("explorer-view"), train: $("train-view"), lessons: $("lessons-view") }, body: document.body },
    (view) => {
      if (view === "lessons") lessons.library.render();
      else if (view === "train") {
        catalog.then(() => {
          if (train.ready) train.openDefault();
          trainUrl.write();
        });
      } else {
        if (!explorerOpened) openFirstProgram();
        url.write();
      }
    },
  );
  const trainControls = new TrainControls($, {
    onSettings: (settings) => train.setSettings(settings),
    onAction: (action) => train.act(action),
    onSpeed: (speed) => train.setSpeed(speed),
    onDiscrete: (discrete) => train.setDiscrete(discrete),
  });
  const train = new TrainView({
    session: new TrainingSession({ stream: streamTraining }),
    controls: trainControls,
    plot: new TrainPlot($("train-plot"), { onPick: (index) => explainPoint(index) }),
    chart: new LossChart($("train-loss-curve")),
    table: new ParamTable($("train-parameters"), { onPick: (name) => train.showTerms(name) }),
    elements: { terms: $("train-terms"), termsText: $("train-terms-text"), outputNote: $("train-output-note") },
    postGradients: postTrainGradients,
    onChange: () => trainUrl.schedule(),
  });
  $("train-terms-clear").addEventListener("click", () => train.clearTerms());
  $("train-explain").addEventListener("submit", (event) => {
    event.preventDefault();
    explainPoint(Number($("train-explain-index").value));
  });
  const trainUrl = new UrlSync({
    current: () => (views.current === "train" && !lessons.player.playing ? train.pageState() : null),
    open: async (state) => {
      await catalog;
      if (!train.ready) return;
      views.show("train");
      train.open(state);
    },
    encode: encodeTrainState,
    decode: decodeTrainState,
  });
  const explain = new ExplainPanel(
    {
      card: $("train-context"),
      summary: $("train-context-summary"),
      edited: $("train-context-edited"),
      actions: $("train-context-actions"),
      showUpdate: $("train-show-update"),
      back: $("train-back"),
      update: $("train-update"),
      batch: $("train-batch"),
    },
    {
      onBack: () => views.show("train"),
      postGradients: postTrainGradients,
      onTerms: (name, batch) => train.showTerms(name, batch, explain.context?.epoch),
    },
  );

  /**
   * A point of the Train plot opens in the explorer: the run stops where it stands (coming back finds
   * it there), the API writes that point's loss at these parameters as a program, and the explorer
   * runs it as any program, standing at the end of the forward pass with the backward pass next.
   */
  async function explainPoint(index) {
    train.session.stop();
    const context = train.exampleContext(index);
    if (!context) {
      trainControls.showError(`There is no point #${index}: the points are numbered from 0 to ${(train.session.run?.points.length ?? 1) - 1}.`);
      return;
    }
    let example;
    try {
      example = await postTrainExample(exampleBody(context.settings, context.parameters, index));
    } catch (error) {
      trainControls.showError(`Could not open point #${index}: ${error.message}`);
      return;
    }
    explorerOpened = true;
    train.markPoint(index);
    explain.show(context, example);
    views.show("explorer");
    examples.unselect();
    editor.value = example.program;
    runs.reset();
    explorer.select(null);
    runs.run();
  }

  /** The explorer's first program: the first example, or a fallback when the examples could not be had. */
  function openFirstProgram() {
    explorerOpened = true;
    if (examples.first) examples.choose(examples.first.id);
    else {
      editor.value = FALLBACK_PROGRAM;
      runs.run();
    }
  }

  const lessons = wireLessons($, {
    views,
    openProgram: (state) => url.open(state),
    openTraining: (settings) => catalog.then(() => train.ready && (train.open({ settings }), views.show("train"))),
    leave: () => (views.current === "train" ? trainUrl : url).write(),
  });

  $("run").addEventListener("click", () => runs.run());
  wireKeyboard(document, { run: () => runs.run(), player, active: () => views.current === "explorer" });
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

  const catalog = getDatasets().then(
    (answer) => train.setCatalog(answer),
    (error) => trainControls.showError(`The datasets could not be had: ${error.message}`),
  );
  const [ops, examplesAnswer] = await Promise.allSettled([getOps(), getExamples()]);
  if (ops.status === "fulfilled") explorer.setOps(indexOps(ops.value.ops));
  if (examplesAnswer.status === "fulfilled") examples.setExamples(examplesAnswer.value.examples);
  // A link to the Train view opens it; the explorer gets its first program when it is first shown.
  if (lessons.library.openFromUrl()) return;
  if (trainUrl.openFromUrl()) return;
  if (url.openFromUrl()) return;
  openFirstProgram();
}

start();
