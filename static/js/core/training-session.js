// One training run as the Train view shows it: its settings, its points, where it stands (epoch,
// parameters, gradients, loss, accuracy, the decision boundary) and its curve, and the actions on it:
// start, stop, step, reset. No DOM: the stream (train-stream.js) is passed in, and what the page
// shows of the run is its listener's (throttled to animation frames there).
//
// The API keeps nothing between requests, so the run lives here: going on after a stop or a step
// sends the last frame's parameters and epoch (`start_epoch`), and the numbers come out as those of
// a run that never stopped. Stopping aborts the request; the server stops when the connection closes.
//
// Start and Step take the settings the form shows at the click: new ones start a new run there and
// then, whatever was on its way (a preview's load included), so a click is never lost. A busy server
// (503 with Retry-After) is waited for and asked again. A frame that says the run diverged stops it.

import { DEFAULT_SPEED, sameSettings, trainBody } from "./train-settings.js";
import { FrameLog } from "./training-frames.js";
import { TrainingHistory } from "./training-history.js";

/**
 * Where a session stands:
 * - `empty`: nothing loaded yet (or the load failed); `loading`: the points and initial parameters on their way
 * - `ready`: at epoch 0; `paused`: stopped (or stepped) part of the way; `done`: every epoch run
 * - `running`, `stepping`, `replaying` (a link's epoch being reached again): a request is on its way
 * - `waiting`: the server was busy (503): the same request is asked again after its Retry-After
 * - `failed`: the loss or a gradient stopped being finite (`error`); `diverged`: a frame's warnings
 *   said the loss ran away (the request is closed there); Start or Step then begin again at epoch 0
 */
export const BUSY = new Set(["loading", "running", "stepping", "replaying", "waiting"]);

/** Seconds to wait for a busy server that did not say (no Retry-After). */
const DEFAULT_RETRY_AFTER = 2;

export class TrainingSession {
  /**
   * @param {object} options
   * @param {(body: object, options: {signal: AbortSignal}) => AsyncIterable<object>} options.stream
   *   POST /api/train's lines (train-stream.js's streamTraining)
   * @param {(session: TrainingSession) => void} [options.onChange] after every change
   */
  constructor({ stream, onChange = () => {} }) {
    this.stream = stream;
    this.onChange = onChange;
    this.settings = null;
    this.speed = DEFAULT_SPEED;
    this.run = null;
    this.history = new TrainingHistory();
    this.status = "empty";
    this.error = null; // {code, message} of the last thing that went wrong (cleared by the next action)
    this.sequence = 0; // numbers requests: lines of an older one are dropped
    this.controller = null; // the AbortController of the request on its way
    this.frames = new FrameLog(); // every frame received, for looking back
    this.retry = null; // {timer, seconds, status}: a busy server's request asked again soon
  }

  get busy() {
    return BUSY.has(this.status);
  }

  get epoch() {
    return this.run?.epoch ?? 0;
  }

  /** Can the run go on from here (Start, Step)? */
  get canContinue() {
    return !this.busy && this.run !== null && !this.stopped && this.epoch < this.settings.epochs;
  }

  /** Did the run end on a failure (a math error, or diverging)? */
  get stopped() {
    return this.status === "failed" || this.status === "diverged";
  }

  /**
   * New settings: drop the run, fetch the points and the initial parameters (the start line of a
   * request that is closed right after it) or, with `epoch`, train to that epoch (a link) and stand there.
   */
  async load(settings, { epoch = 0 } = {}) {
    this.abort();
    this.settings = { ...settings };
    this.run = null;
    this.history.clear();
    this.frames.clear();
    this.error = null;
    const target = Math.min(Math.max(0, Math.trunc(epoch)), settings.epochs);
    if (target > 0) {
      await this.request(trainBody(this.settings, { steps: target }), "replaying");
    } else {
      await this.request(trainBody(this.settings, { steps: 1 }), "loading", { startOnly: true });
    }
  }

  /** Back to epoch 0 with the same settings: the same seed gives the same initial parameters. */
  async reset() {
    if (!this.settings) return;
    this.abort();
    if (!this.run?.initial) {
      await this.load(this.settings);
      return;
    }
    const { run } = this;
    Object.assign(run, {
      epoch: 0,
      parameters: { ...run.initial.parameters },
      boundary: run.initial.boundary,
      units: run.initial.units,
      gradients: null,
      learningRate: null,
      loss: null,
      accuracy: null,
      testLoss: null,
      testAccuracy: null,
      warnings: [],
    });
    this.history.clear();
    this.frames.keepFirst();
    this.error = null;
    this.setStatus("ready");
  }

  /**
   * Train on to the last epoch with `settings` (the form's at the click; default the run's): new
   * settings, a run still loading, or one done or failed start again at epoch 0, at once.
   */
  async start(settings = this.settings) {
    await this.go(settings, { speed: this.speed }, "running");
  }

  /** One epoch, then stop (with new settings, or from a done or failed run: epoch 1 of a new run). */
  async step(settings = this.settings) {
    await this.go(settings, { steps: 1 }, "stepping");
  }

  /** Can Start or Step be asked now? (Not while a run, a step or a link's replay is on its way.) */
  get canAct() {
    return Boolean(this.settings) && !["running", "stepping", "replaying"].includes(this.status);
  }

  async go(settings, how, status) {
    if (!settings || !this.canAct) return;
    const fresh = !this.hasSettings(settings) || !this.run || this.status === "loading" || this.status === "waiting";
    if (fresh || this.stopped || this.epoch >= settings.epochs) {
      // A new run from epoch 0: its start line brings the points and the initial parameters.
      this.abort();
      this.settings = { ...settings };
      this.run = null;
      this.history.clear();
      this.frames.clear();
      await this.request(trainBody(this.settings, { ...how, speed: how.speed ?? 0 }), status);
      return;
    }
    await this.request(this.continuation(how), status);
  }

  /** Stop where the run stands: the last frame's epoch and parameters stay, and a Start goes on from there. */
  stop() {
    if (!this.busy) return;
    const was = this.status;
    this.abort();
    if (was === "loading" || !this.run) this.setStatus(this.run ? "ready" : "empty");
    else this.setStatus(this.restingStatus());
  }

  /** Epochs a second to ask for (0: as fast as it goes). A running training goes on at the new speed. */
  setSpeed(speed) {
    this.speed = speed;
    if (this.status === "running") {
      this.abort();
      this.setStatus(this.restingStatus());
      this.start();
    }
  }

  /** Are these the settings of the run on show? */
  hasSettings(settings) {
    return sameSettings(this.settings, settings);
  }

  // -- internals ---------------------------------------------------------------------------------------

  continuation({ steps = null, speed = 0 }) {
    return trainBody(this.settings, { parameters: this.run.parameters, startEpoch: this.run.epoch, steps, speed });
  }

  abort() {
    this.sequence += 1;
    if (this.controller) this.controller.abort();
    this.controller = null;
    if (this.retry) clearTimeout(this.retry.timer);
    this.retry = null;
  }

  setStatus(status) {
    this.status = status;
    this.onChange(this);
  }

  restingStatus() {
    if (this.stopped) return this.status;
    if (!this.run) return "empty";
    if (this.epoch >= this.settings.epochs) return "done";
    return this.epoch === 0 ? "ready" : "paused";
  }

  /** Send one request and take its lines until it ends, fails or a newer action overtakes it. */
  async request(body, status, { startOnly = false } = {}) {
    this.abort();
    const sequence = ++this.sequence;
    const controller = new AbortController();
    this.controller = controller;
    this.error = null;
    this.setStatus(status);
    try {
      for await (const line of this.stream(body, { signal: controller.signal })) {
        if (sequence !== this.sequence) return;
        this.take(line);
        if ((startOnly && line.type === "start") || this.status === "diverged") {
          controller.abort(); // only the start line was wanted, or the run is over: the server stops at once
          break;
        }
      }
      if (sequence !== this.sequence) return;
      this.controller = null;
      this.setStatus(this.restingStatus());
    } catch (error) {
      if (sequence !== this.sequence) return; // stopped or overtaken on purpose
      this.controller = null;
      if (error.status === 503) {
        this.waitForServer(body, status, { startOnly }, error);
        return;
      }
      this.error = { code: error.code ?? "error", message: error.message };
      this.setStatus(this.restingStatus());
    }
  }

  /** The server is busy: say so, and ask again after its Retry-After (Stop cancels the wait). */
  waitForServer(body, status, options, error) {
    const seconds = error.retryAfter > 0 ? error.retryAfter : DEFAULT_RETRY_AFTER;
    const timer = setTimeout(() => {
      if (this.retry?.timer !== timer) return;
      this.retry = null;
      this.request(body, status, options);
    }, seconds * 1000);
    this.retry = { timer, seconds, status };
    this.setStatus("waiting");
  }

  /** One line of the stream onto the run. */
  take(line) {
    if (line.type === "start") this.takeStart(line);
    else if (line.type === "frame") this.takeFrame(line);
    else {
      this.error = { ...line.detail, epoch: line.epoch };
      this.status = "failed";
    }
    this.onChange(this);
  }

  takeStart(line) {
    const boundary = { ...line.boundary, epoch: line.setup.start_epoch };
    const units = line.units ?? null;
    const fresh = line.setup.start_epoch === 0;
    const previous = this.run;
    this.run = {
      setup: line.setup,
      points: line.points,
      labels: line.labels,
      names: line.names,
      paths: line.paths,
      layers: line.layers,
      output: line.output,
      square: line.square,
      split: line.split ?? null,
      initial: fresh ? { parameters: { ...line.parameters }, boundary, units } : (previous?.initial ?? null),
      epoch: line.setup.start_epoch,
      parameters: { ...line.parameters },
      boundary,
      units: units ?? previous?.units ?? null,
      gradients: previous?.gradients ?? null,
      learningRate: previous?.learningRate ?? null,
      loss: previous?.loss ?? null,
      accuracy: previous?.accuracy ?? null,
      testLoss: previous?.testLoss ?? null,
      testAccuracy: previous?.testAccuracy ?? null,
      warnings: previous?.warnings ?? [],
    };
    if (fresh) this.frames.record(this.run);
  }

  takeFrame(frame) {
    const { run } = this;
    run.epoch = frame.epoch;
    run.loss = frame.loss;
    run.accuracy = frame.accuracy;
    run.learningRate = frame.learning_rate;
    run.parameters = frame.parameters;
    run.gradients = frame.gradients;
    run.testLoss = frame.test_loss ?? null;
    run.testAccuracy = frame.test_accuracy ?? null;
    run.warnings = frame.warnings ?? [];
    if (frame.boundary) run.boundary = { ...frame.boundary, epoch: frame.epoch };
    if (frame.units) run.units = frame.units;
    this.history.append(frame.history, frame.test_loss ?? null);
    this.frames.record(run);
    const diverged = run.warnings.find((warning) => warning.code === "diverged");
    if (diverged) {
      this.error = { code: "diverged", message: diverged.message, epoch: frame.epoch };
      this.status = "diverged";
    }
  }
}
