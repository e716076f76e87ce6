// The Train view's parts made and connected (the settings form, the session, the plot, the curve, the
// parameter table, the unit pictures, the lab's diagnosis, scrubber and recommended settings, its URL),
// and the way from a point of its plot to the explorer: the explorer's "From training" card
// (explain-panel.js) and the point's loss as a program. While that card shows the point's own program,
// the URL is the Train view's with `point`: opening it trains to the epoch again and reopens the card on
// the same point. main.js calls wireTrain once.

import { getDatasets, postTrainExample, postTrainGradients } from "../core/api.js";
import { decodeTrainState, encodeTrainState, exampleBody } from "../core/train-settings.js";
import { streamTraining } from "../core/train-stream.js";
import { TrainingSession } from "../core/training-session.js";
import { UrlSync } from "../page/url-sync.js";
import { ExplainPanel } from "./explain-panel.js";
import { LabPanel } from "./lab-panel.js";
import { LossChart } from "./loss-chart.js";
import { ParamTable } from "./param-table.js";
import { TrainControls } from "./train-controls.js";
import { TrainPlot } from "./train-plot.js";
import { TrainView } from "./train-view.js";
import { UnitPictures } from "./unit-pictures.js";

/**
 * @param {(id: string) => HTMLElement} $ the page's element by id
 * @param {object} parts
 * @param {import("../page/view-switch.js").ViewSwitch} parts.views
 * @param {(text: string) => void} parts.openProgram run a program in the explorer (keeping this card)
 * @param {() => string} parts.programText the explorer's program as it stands
 * @returns {{train: TrainView, explain: ExplainPanel, url: UrlSync, catalog: Promise<void>, shown: () => void,
 *   explaining: () => boolean}}
 */
export function wireTrain($, { views, openProgram, programText }) {
  const controls = new TrainControls($, {
    onSettings: (settings) => train.setSettings(settings),
    onAction: (action, settings) => train.act(action, settings),
    onSpeed: (speed) => train.setSpeed(speed),
    onDiscrete: (discrete) => train.setDiscrete(discrete),
  });
  const train = new TrainView({
    session: new TrainingSession({ stream: streamTraining }),
    controls,
    plot: new TrainPlot($("train-plot"), { onPick: (index) => explainPoint(index) }),
    chart: new LossChart($("train-loss-curve")),
    table: new ParamTable($("train-parameters"), { onPick: (name) => train.showTerms(name) }),
    units: new UnitPictures($("train-neurons"), { onPick: (name) => train.pickUnit(name) }),
    lab: new LabPanel($, { onLook: (index) => train.look(index), onRecommended: () => train.useRecommended() }),
    elements: { terms: $("train-terms"), termsText: $("train-terms-text"), outputNote: $("train-output-note"), testKey: $("train-key-test"), testPointKey: $("train-test-key") },
    postGradients: postTrainGradients,
    onChange: () => url.schedule(),
  });
  $("train-terms-clear").addEventListener("click", () => train.clearTerms());
  $("train-explain").addEventListener("submit", (event) => {
    event.preventDefault();
    explainPoint(Number($("train-explain-index").value));
  });
  const catalog = getDatasets().then(
    (answer) => train.setCatalog(answer),
    (error) => controls.showError(`The datasets could not be had: ${error.message}`),
  );
  const url = new UrlSync({
    current: () => (views.current === "train" ? train.pageState() : explainedState()),
    open: async (state) => {
      await catalog;
      if (!train.ready) return;
      views.show("train");
      const opened = ++opening;
      await train.open(state);
      // The link's point, once the run stands at its epoch again (unless something else happened since).
      if (state.point !== null && opened === opening && train.session.status !== "empty" && views.current === "train") {
        explainPoint(state.point);
      }
    },
    encode: encodeTrainState,
    decode: decodeTrainState,
  });
  let opening = 0; // numbers the links opened: a point is explained only for the newest
  /** The link to the point explained: the run's state at that epoch with `point`, while its own program shows. */
  function explainedState() {
    const context = explain.context;
    if (views.current !== "explorer" || !context || programText() !== context.example.program) return null;
    return { settings: context.settings, speed: train.session.speed, discrete: train.discrete, epoch: context.epoch, point: context.index };
  }
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
      controls.showError(`There is no point #${index}: the points are numbered from 0 to ${(train.session.run?.points.length ?? 1) - 1}.`);
      return;
    }
    let example;
    try {
      example = await postTrainExample(exampleBody(context.settings, context.parameters, index));
    } catch (error) {
      controls.showError(`Could not open point #${index}: ${error.message}`);
      return;
    }
    train.markPoint(index);
    explain.show(context, example);
    openProgram(example.program); // first: the explorer, shown next, then has its program
    views.show("explorer");
    url.write();
  }

  /** The Train view is shown: the default run once the catalogue is there, and its URL. */
  function shown() {
    catalog.then(() => {
      if (train.ready) train.openDefault();
      url.write();
    });
  }

  return { train, explain, url, catalog, shown, explaining: () => explainedState() !== null };
}
