// The Train view's controls: the settings form (preset, dataset, points, hidden, activation, learning
// rate, epochs, seed), the run's buttons and speed, and the readouts (epoch and progress, loss,
// accuracy, rate, status). It says what a person asked for; the view decides what happens.
//
// A button takes the form as it is at the click: a value typed a millisecond before goes with it (the
// typing pause is for the preview only). The buttons' state follows the run at once, not at the next
// frame, so a button that looks enabled is one whose click is taken.

import { formatPercent } from "../core/format.js";
import { progressText, shortNumber, trainStatusText } from "../core/train-lab.js";
import { presetDefaults, settingHint, validSetting } from "../core/train-settings.js";

const NUMBER_FIELDS = {
  points: "train-points",
  hidden: "train-hidden",
  learning_rate: "train-lr",
  epochs: "train-epochs",
  seed: "train-seed",
  test_fraction: "train-test-fraction",
  noise: "train-noise",
};
const SELECT_FIELDS = { preset: "train-preset", dataset: "train-dataset", activation: "train-activation" };
const LABELS = { points: "Points", hidden: "Hidden units", learning_rate: "Learning rate", epochs: "Epochs", seed: "Seed", test_fraction: "Test set", noise: "Noise" };
/** A number typed stays unapplied this long after the last keystroke (or until the field loses focus). */
const TYPING_DELAY_MS = 600;

export class TrainControls {
  /**
   * @param {(id: string) => HTMLElement} $ the page's elements by id
   * @param {object} listeners
   * @param {(settings: object) => void} listeners.onSettings a complete, valid new setup
   * @param {(action: "start" | "stop" | "step" | "reset", settings: object | null) => void} listeners.onAction
   *   with the form's settings at the click (null for Stop); not called when the form has a wrong value
   * @param {(speed: number) => void} listeners.onSpeed
   * @param {(discrete: boolean) => void} listeners.onDiscrete
   */
  constructor($, { onSettings, onAction, onSpeed, onDiscrete }) {
    this.$ = $;
    this.onSettings = onSettings;
    this.catalog = null;
    this.settings = null;
    this.timer = null;
    this.fieldError = $("train-field-error");
    this.buttons = { start: $("train-start"), stop: $("train-stop"), step: $("train-step"), reset: $("train-reset") };
    for (const [action, button] of Object.entries(this.buttons)) {
      button.addEventListener("click", () => {
        if (action === "stop") {
          onAction(action, null);
          return;
        }
        const settings = this.formSettings();
        if (settings) onAction(action, settings);
      });
    }

    $("train-preset").addEventListener("change", (event) => {
      if (!this.catalog) return;
      // A preset brings all of its own settings; the seed, the test set and the noise are not among them.
      const { seed = 0, test_fraction = 0, noise = 0 } = this.settings ?? {};
      this.apply({ ...presetDefaults(this.catalog, event.target.value), seed, test_fraction, noise });
    });
    for (const field of ["dataset", "activation"]) {
      $(SELECT_FIELDS[field]).addEventListener("change", (event) => this.apply({ ...this.settings, [field]: event.target.value }));
    }
    for (const [field, id] of Object.entries(NUMBER_FIELDS)) {
      const input = $(id);
      input.addEventListener("input", () => {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.readNumbers(), TYPING_DELAY_MS);
      });
      input.addEventListener("change", () => this.readNumbers(field));
    }
    $("train-speed").addEventListener("change", (event) => onSpeed(Number(event.target.value)));
    $("train-discrete").addEventListener("change", (event) => onDiscrete(event.target.checked));
  }

  /** The catalogue (GET /api/datasets): the choices and the bounds. */
  setCatalog(catalog) {
    this.catalog = catalog;
    fillSelect(this.$("train-preset"), catalog.presets.map((p) => [p.name, p.name]));
    fillSelect(
      this.$("train-dataset"),
      catalog.datasets.map((d) => [d.name, `${d.name} (${d.source})`]),
    );
    fillSelect(this.$("train-activation"), catalog.activations.map((a) => [a, a]));
    const bounds = { points: [2, catalog.limits.points], hidden: [1, catalog.limits.hidden], epochs: [1, catalog.limits.epochs], seed: [0, 2 ** 32 - 1] };
    for (const [field, [min, max]] of Object.entries(bounds)) {
      this.$(NUMBER_FIELDS[field]).min = String(min);
      this.$(NUMBER_FIELDS[field]).max = String(max);
    }
    this.$("train-lr").min = "0";
  }

  /** Show these settings in the form. */
  showSettings(settings, { speed, discrete }) {
    this.settings = { ...settings };
    for (const [field, id] of Object.entries(SELECT_FIELDS)) this.$(id).value = settings[field];
    for (const [field, id] of Object.entries(NUMBER_FIELDS)) {
      const input = this.$(id);
      input.value = String(settings[field]);
      input.removeAttribute("aria-invalid");
    }
    this.fieldError.hidden = true;
    this.$("train-speed").value = String(speed);
    this.$("train-discrete").checked = discrete;
    const preset = this.catalog.presets.find((p) => p.name === settings.preset);
    this.$("train-preset-summary").textContent = preset?.summary ?? "";
    const dataset = this.catalog.datasets.find((d) => d.name === settings.dataset);
    this.$("train-dataset-summary").textContent = dataset ? `${dataset.name}: ${dataset.description}` : "";
  }

  /** Take the number fields as typed: every one valid makes new settings; any other is pointed out. */
  readNumbers(changed = null) {
    const proposed = this.formSettings(changed);
    if (proposed) this.apply(proposed);
  }

  /**
   * The settings the form shows now, typed a moment ago or not (a pending preview is taken now), or
   * null with the first wrong value pointed out.
   */
  formSettings(changed = null) {
    clearTimeout(this.timer);
    if (!this.settings) return null;
    const proposed = { ...this.settings };
    for (const [field, id] of Object.entries(SELECT_FIELDS)) if (field !== "preset") proposed[field] = this.$(id).value;
    const wrong = [];
    for (const [field, id] of Object.entries(NUMBER_FIELDS)) {
      const input = this.$(id);
      const text = input.value.trim();
      const value = text === "" ? NaN : Number(text);
      if (validSetting(this.catalog, field, value)) {
        proposed[field] = value;
        input.removeAttribute("aria-invalid");
      } else {
        wrong.push(field);
        input.setAttribute("aria-invalid", "true");
      }
    }
    if (wrong.length) {
      const first = changed && wrong.includes(changed) ? changed : wrong[0];
      this.fieldError.textContent = `${LABELS[first]}: ${settingHint(this.catalog, first)}.`;
      this.fieldError.hidden = false;
      return null;
    }
    this.fieldError.hidden = true;
    return proposed;
  }

  apply(settings) {
    this.onSettings(settings);
  }

  /** The buttons: Start and Step whenever they can be taken, Stop while a request is on its way. */
  showButtons(session) {
    this.buttons.start.disabled = !session.canAct;
    this.buttons.step.disabled = !session.canAct;
    this.buttons.stop.disabled = !session.busy;
    this.buttons.reset.disabled = !session.settings;
  }

  /**
   * The run's state: buttons, progress, readouts, status and error. `shown` is the frame on show
   * (training-frames.js's snapshot: the latest, or one looked back at); `lookingBack` says which. Every
   * epoch said is the one on show; looking back, the status line says so and names the latest too.
   */
  showRun(session, shown = session.run, lookingBack = false) {
    const { settings } = session;
    const run = shown;
    const total = settings?.epochs ?? 0;
    const epoch = shown?.epoch ?? session.epoch;
    const looking = lookingBack && epoch !== session.epoch ? epoch : null;
    this.showButtons(session);
    this.$("train-epoch").textContent = String(epoch);
    this.$("train-epochs-total").textContent = String(total);
    const bar = this.$("train-progress");
    bar.setAttribute("aria-valuemax", String(total));
    bar.setAttribute("aria-valuenow", String(epoch));
    bar.setAttribute("aria-valuetext", progressText(epoch, total, looking === null ? null : session.epoch));
    bar.classList.toggle("looking-back", looking !== null);
    this.$("train-progress-fill").style.width = `${total ? (100 * epoch) / total : 0}%`;
    this.$("train-loss").textContent = run?.loss === null || run?.loss === undefined ? "—" : shortNumber(run.loss);
    this.$("train-loss").title = run?.loss === null || run?.loss === undefined ? "" : String(run.loss);
    this.$("train-accuracy").textContent = formatPercent(run?.accuracy ?? null);
    const test = this.$("train-test-accuracy");
    test.textContent = formatPercent(run?.testAccuracy ?? null);
    test.title = settings?.test_fraction ? `On the ${Math.round(settings.test_fraction * 100)}% held out` : "No test set: choose a Test set share below";
    this.$("train-rate").textContent = run?.learningRate ? shortNumber(run.learningRate) : "—";
    const status = this.$("train-status");
    status.dataset.status = session.status; // the run's own status, looking back or not
    if (looking === null) delete status.dataset.looking;
    else status.dataset.looking = String(looking);
    status.textContent = trainStatusText({ status: session.status, epoch: session.epoch, retrySeconds: session.retry?.seconds }, looking);
    const error = this.$("train-error");
    // A divergence is said by the diagnosis (train-diagnosis), not twice.
    const shownError = session.error && session.error.code !== "diverged" ? session.error : null;
    error.hidden = !shownError;
    error.textContent = shownError ? shownError.message : "";
  }

  /** A message about something the view could not do (an example that could not be opened). */
  showError(message) {
    const error = this.$("train-error");
    error.hidden = !message;
    error.textContent = message ?? "";
  }
}

function fillSelect(select, options) {
  select.replaceChildren(
    ...options.map(([value, text]) => {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = text;
      return option;
    }),
  );
}
