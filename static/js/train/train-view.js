// The Train view: a training session (training-session.js) shown across its parts, the controls, the
// plot, the curve and the parameter table, redrawn at most once an animation frame however fast
// frames come. It also knows what opening a point in the explorer needs (the run's settings and
// parameters at the epoch on show) and colours the points by a parameter's batch-gradient terms.
//
// The epoch on show is the latest frame's ("live") or one the scrubber looks back at: its boundary,
// unit pictures, readouts, diagnosis and parameters; a point explained from there is explained with
// that frame's parameters.

import { learningRateAt, parameterRows, batchTerms } from "../core/param-update.js";
import { formatNumber } from "../core/format.js";
import { deadUnits, recommendedFor, unitParameters, withRecommended } from "../core/train-lab.js";
import { completeSettings, DEFAULT_SPEED, gradientsBody, presetDefaults } from "../core/train-settings.js";

/** While a run goes, the parameter table takes new numbers at most this often. */
const TABLE_INTERVAL_MS = 250;

export class TrainView {
  /**
   * @param {object} parts
   * @param {import("../core/training-session.js").TrainingSession} parts.session
   * @param {import("./train-controls.js").TrainControls} parts.controls
   * @param {import("./train-plot.js").TrainPlot} parts.plot
   * @param {import("./loss-chart.js").LossChart} parts.chart
   * @param {import("./param-table.js").ParamTable} parts.table
   * @param {import("./unit-pictures.js").UnitPictures} parts.units
   * @param {import("./lab-panel.js").LabPanel} parts.lab
   * @param {{terms: HTMLElement, termsText: HTMLElement, outputNote: HTMLElement}} parts.elements
   * @param {(body: object) => Promise<object>} parts.postGradients POST /api/train/gradients
   * @param {() => void} [parts.onChange] after what a link carries changed (the URL follows)
   */
  constructor({ session, controls, plot, chart, table, units, lab, elements, postGradients, onChange = () => {} }) {
    this.session = session;
    this.controls = controls;
    this.plot = plot;
    this.chart = chart;
    this.table = table;
    this.units = units;
    this.lab = lab;
    this.elements = elements;
    this.looking = null; // the index of the frame looked back at (null: live, the latest)
    this.postGradients = postGradients;
    this.onChange = onChange;
    this.catalog = null;
    this.discrete = false;
    this.terms = null; // {name, epoch, batch, parameters}: the points coloured by this parameter's terms
    this.termsAsked = 0; // numbers gradient requests: only the newest one's answer is shown
    this.frame = 0;
    this.tableAt = -Infinity; // when the parameter table last took new numbers
    this.tableTimer = null;
    this.drawn = { boundary: null, discrete: null, historyLength: -1, total: -1, mark: null, parameters: null, gradients: null, tableInViewOnly: false };
    session.onChange = () => {
      this.controls.showButtons(session); // at once: a button that looks enabled takes its click
      if (this.looking !== null && this.looking >= session.frames.length) this.looking = null;
      this.schedule();
      this.onChange();
    };
  }

  /** The frame on show: the one looked back at, or the run as it stands. */
  get shown() {
    const { session } = this;
    if (this.looking !== null) return session.frames.at(this.looking) ?? session.run;
    return session.run;
  }

  /** Look back at frame `index` of those received (null: live again). */
  look(index) {
    const count = this.session.frames.length;
    this.looking = index === null || !Number.isInteger(index) || index >= count - 1 || index < 0 ? null : index;
    if (this.looking !== null) this.clearTerms();
    this.schedule();
    this.onChange();
  }

  /** The dataset's recommended settings, applied to the form's (a new run at epoch 0). */
  useRecommended() {
    const settings = this.controls.formSettings() ?? this.session.settings;
    const recommended = recommendedFor(this.catalog, settings?.dataset);
    if (!recommended) return;
    this.setSettings(completeSettings(this.catalog, withRecommended(settings, recommended)));
  }

  /** A hidden unit picked in the pictures: its parameters marked in the table (null: none). */
  pickUnit(name) {
    const names = this.session.run?.names ?? [];
    this.table.highlight(name ? unitParameters(name, names) : [], name);
  }

  /** The catalogue (GET /api/datasets) is there: the form can be filled. */
  setCatalog(catalog) {
    this.catalog = catalog;
    this.controls.setCatalog(catalog);
  }

  get ready() {
    return this.catalog !== null;
  }

  /** Show a state a link carries (train-settings.js's TrainPageState): its settings, trained to its epoch. */
  open({ settings, speed = DEFAULT_SPEED, discrete = false, epoch = 0 }) {
    const complete = completeSettings(this.catalog, settings);
    this.session.speed = speed;
    this.discrete = discrete;
    this.looking = null;
    this.clearTerms();
    this.controls.showSettings(complete, { speed, discrete });
    return this.session.load(complete, { epoch });
  }

  /** The first time the view is shown without a link: the first preset's defaults. */
  openDefault() {
    if (this.session.settings) return;
    this.open({ settings: presetDefaults(this.catalog, this.catalog.presets[0].name) });
  }

  /** What a link to this view carries, or null before there are settings. */
  pageState() {
    const { session } = this;
    if (!session.settings) return null;
    const epoch = this.shown?.epoch ?? session.epoch;
    return { settings: session.settings, speed: session.speed, discrete: this.discrete, epoch };
  }

  /** The form has new, valid settings: a new run (unless they are the run's own). */
  setSettings(settings) {
    this.controls.showSettings(settings, { speed: this.session.speed, discrete: this.discrete });
    if (this.session.hasSettings(settings)) return;
    this.clearTerms();
    this.looking = null;
    this.session.load(settings);
  }

  /** A button, with the form's settings at the click (null for Stop): new settings make a new run. */
  act(action, settings = null) {
    const { session } = this;
    if (settings && !session.hasSettings(settings)) this.controls.showSettings(settings, { speed: session.speed, discrete: this.discrete });
    if (action !== "stop") this.looking = null;
    if (action === "start") {
      this.clearTerms(); // they are the pulls at this epoch: a running training leaves them behind
      session.start(settings ?? session.settings);
    } else if (action === "stop") session.stop();
    else if (action === "step") session.step(settings ?? session.settings);
    else if (action === "reset") {
      if (settings && !session.hasSettings(settings)) session.load(settings);
      else session.reset();
    }
  }

  setSpeed(speed) {
    this.session.setSpeed(speed);
    this.onChange();
  }

  setDiscrete(discrete) {
    this.discrete = discrete;
    this.schedule();
    this.onChange();
  }

  /**
   * What opening point `index` in the explorer needs: the settings, the parameters at this epoch and
   * the learning rate the next epoch will use; null when there is no such point.
   */
  exampleContext(index) {
    const { session } = this;
    const run = session.run;
    if (!run || !Number.isInteger(index) || index < 0 || index >= run.points.length) return null;
    const { settings } = session;
    const shown = this.shown;
    return {
      settings: { ...settings },
      parameters: { ...shown.parameters },
      epoch: shown.epoch,
      learningRate: learningRateAt(settings.preset, settings.learning_rate, shown.epoch, settings.epochs),
      names: [...run.names],
      points: run.points,
      labels: run.labels,
      square: run.square,
      output: run.output,
      index,
    };
  }

  /** Mark the point being explained on the plot (null: none). */
  markPoint(index) {
    this.plot.mark(index);
  }

  /**
   * Colour the points by their terms of parameter `name`'s batch gradient. `batch` (batchTerms's),
   * when the caller has it, with the epoch whose parameters it was taken at; otherwise it is asked for
   * at the run's parameters now.
   */
  async showTerms(name, batch = null, batchEpoch = null) {
    const run = this.shown;
    if (!run) return;
    const asked = ++this.termsAsked;
    const epoch = batch ? (batchEpoch ?? run.epoch) : run.epoch;
    if (!batch) {
      this.elements.termsText.textContent = `Asking for ${name}'s pulls…`;
      this.elements.terms.hidden = false;
      try {
        const answer = await this.postGradients(gradientsBody(this.session.settings, run.parameters, [name]));
        batch = batchTerms(answer, name);
      } catch (error) {
        if (asked === this.termsAsked) this.elements.termsText.textContent = `Could not get the pulls: ${error.message}`;
        return;
      }
    }
    if (asked !== this.termsAsked) return;
    this.terms = { name, epoch, batch };
    this.table.setChosen(name);
    this.plot.setTerms(batch);
    const mean = batch.mean ? `the mean over ${batch.terms.length} points` : "their weighted sum";
    this.elements.termsText.textContent =
      `Coloured by each point's term of ∂L/∂${name} at epoch ${epoch}: green adds to it, purple takes away, ` +
      `bigger adds more (rings: the labels). Their sum, ${mean}, is ${formatNumber(batch.sum)}` +
      (batch.regularization ? `; with L2's ${formatNumber(batch.regularization)}, ∂L/∂${name} = ${formatNumber(batch.gradient)}` : "") + ".";
    this.elements.terms.hidden = false;
  }

  clearTerms() {
    this.termsAsked += 1;
    this.terms = null;
    this.table.setChosen(null);
    this.plot.setTerms(null);
    this.elements.terms.hidden = true;
  }

  /** Redraw at the next animation frame (once, however many changes come before it). */
  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /**
   * May the parameter table take new numbers now? While a run goes, at most every TABLE_INTERVAL_MS
   * (hundreds of rows rewritten 20 times a second cost the page its frames, and nobody reads numbers
   * that change that fast); at rest, always. A table held back is redrawn when it is due.
   */
  tableDue() {
    const now = performance.now();
    const wait = this.session.status === "running" ? this.tableAt + TABLE_INTERVAL_MS - now : 0;
    if (wait > 0) {
      clearTimeout(this.tableTimer);
      this.tableTimer = setTimeout(() => this.schedule(), wait);
      return false;
    }
    this.tableAt = now;
    return true;
  }

  render() {
    const { session, drawn } = this;
    const run = session.run;
    const shown = this.shown;
    const lookingBack = this.looking !== null;
    this.controls.showRun(session, shown, lookingBack);
    this.lab.showRecommended(session.settings, recommendedFor(this.catalog, session.settings?.dataset));
    this.lab.showScrubber(session.frames.length, this.looking, shown?.epoch ?? 0, session.epoch);
    this.lab.showDiagnosis(shown?.warnings ?? [], session, lookingBack ? shown.epoch : null);
    if (!run) return;
    this.plot.setData(run);
    if (shown.boundary !== drawn.boundary || this.discrete !== drawn.discrete) {
      this.plot.setBoundary(shown.boundary, run.output, this.discrete);
      drawn.boundary = shown.boundary;
      drawn.discrete = this.discrete;
    }
    const centre = session.settings.activation === "sigmoid" ? 0.5 : 0;
    if (this.elements.testKey) this.elements.testKey.hidden = !session.history.hasTest;
    if (this.elements.testPointKey) this.elements.testPointKey.hidden = !run.split?.includes("test");
    this.units.show(shown.units, shown.boundary?.size ?? 0, deadUnits(shown.warnings), centre);
    const total = session.settings.epochs;
    const mark = lookingBack ? shown.epoch : null;
    if (session.history.length !== drawn.historyLength || total !== drawn.total || mark !== drawn.mark) {
      this.chart.draw(session.history, total, mark);
      drawn.historyLength = session.history.length;
      drawn.total = total;
      drawn.mark = mark;
    }
    const running = session.status === "running";
    if ((shown.parameters !== drawn.parameters || shown.gradients !== drawn.gradients) && this.tableDue()) {
      this.table.setNames(run.names, run.paths);
      this.table.show(parameterRows(run.names, shown.parameters, shown.gradients, shown.learningRate), { inViewOnly: running });
      drawn.parameters = shown.parameters;
      drawn.gradients = shown.gradients;
      drawn.tableInViewOnly = running;
    } else if (!running && drawn.tableInViewOnly) {
      // The last numbers came while the run went, so rows out of view kept older ones: at rest, all of
      // them are the epoch on show (what a screen reader or a copy of the table reads).
      this.table.flush();
      drawn.tableInViewOnly = false;
    }
    this.elements.outputNote.textContent =
      run.output.kind === "probability" ? "background: the model's probability of label 1" : "background: the model's score (±1: the hinge's margin)";
    // Terms belong to one epoch's parameters: once the run has moved on and rests, they are asked again.
    if (this.terms && !session.busy && this.terms.epoch !== shown.epoch) {
      this.terms.epoch = shown.epoch; // asked once: the answer replaces it
      this.showTerms(this.terms.name);
    }
  }
}
