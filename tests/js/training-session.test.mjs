import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../../static/js/core/api.js";
import { TrainingSession } from "../../static/js/core/training-session.js";

const SETTINGS = { preset: "minitorch", dataset: "simple", points: 3, hidden: 2, activation: "relu", learning_rate: 0.5, epochs: 6, seed: 0 };
const INITIAL = { w: 1, b: 0 };

/** The stand-in model's epoch: deterministic, and the same from any parameters it is given. */
function epochOf(parameters, epoch) {
  return {
    loss: 1 / (epoch + parameters.w),
    accuracy: Math.min(1, epoch / 6),
    gradients: { w: parameters.w / 10 + epoch, b: -parameters.b - 1 },
    parameters: { w: parameters.w - 0.5 * (parameters.w / 10 + epoch), b: parameters.b - 0.5 * (-parameters.b - 1) },
  };
}

/**
 * A stand-in for POST /api/train that answers as docs/training.md says: a start line at the given
 * parameters, then a frame per epoch (each with its history) until `steps` or the last epoch; a
 * math error at `failAt`. Each frame waits until the test lets it go (`release`).
 */
function fakeServer({ failAt = null } = {}) {
  const bodies = [];
  let waiting = [];
  let credits = 0;
  const server = {
    bodies,
    aborted: 0,
    /** Let `count` more frames go. */
    release(count = 1) {
      credits += count;
      while (credits > 0 && waiting.length) {
        credits -= 1;
        waiting.shift()();
      }
    },
    async *stream(body, { signal }) {
      bodies.push(structuredClone(body));
      signal.addEventListener("abort", () => (server.aborted += 1));
      const start = body.start_epoch ?? 0;
      const stop = Math.min(body.epochs, start + (body.steps ?? body.epochs));
      let parameters = start > 0 ? { ...body.parameters } : { ...INITIAL };
      const gate = () =>
        new Promise((resolve, reject) => {
          if (signal.aborted) reject(signal.reason);
          if (credits > 0) {
            credits -= 1;
            resolve();
            return;
          }
          waiting.push(resolve);
          signal.addEventListener("abort", () => reject(signal.reason));
        });
      yield {
        type: "start",
        setup: { ...body, start_epoch: start, stop_epoch: stop },
        points: [[0.1, 0.2], [0.5, 0.5], [0.9, 0.1]],
        labels: [1, 0, 0],
        names: ["w", "b"],
        paths: { w: "layer1.weight_0_0", b: "layer1.bias_0" },
        layers: [],
        output: { kind: "probability", threshold: 0.5 },
        square: { x_min: 0, x_max: 1, y_min: 0, y_max: 1 },
        parameters,
        boundary: { size: 1, values: [parameters.w] },
      };
      for (let epoch = start + 1; epoch <= stop; epoch++) {
        await gate();
        if (epoch === failAt) {
          yield { type: "error", epoch, detail: { code: "math_error", message: `epoch ${epoch}: log(0.0)` } };
          return;
        }
        const numbers = epochOf(parameters, epoch);
        parameters = numbers.parameters;
        yield {
          type: "frame",
          epoch,
          loss: numbers.loss,
          accuracy: numbers.accuracy,
          learning_rate: 0.5,
          parameters,
          gradients: numbers.gradients,
          history: { epochs: [epoch], loss: [numbers.loss], accuracy: [numbers.accuracy] },
          boundary: { size: 1, values: [parameters.w] },
          final: epoch === stop,
        };
      }
    },
  };
  return server;
}

/** Let every pending promise settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The parameters after `epochs` epochs of a run that never stopped. */
function uninterrupted(epochs) {
  let parameters = { ...INITIAL };
  for (let epoch = 1; epoch <= epochs; epoch++) parameters = epochOf(parameters, epoch).parameters;
  return parameters;
}

function session(server) {
  const changes = [];
  const s = new TrainingSession({ stream: server.stream, onChange: (x) => changes.push(x.status) });
  s.changes = changes;
  return s;
}

test("loading fetches the start line only: the points and initial parameters, then the request is closed", async () => {
  const server = fakeServer();
  const s = session(server);
  await s.load(SETTINGS);
  assert.equal(s.status, "ready");
  assert.deepEqual(server.bodies, [{ ...SETTINGS, steps: 1 }]);
  assert.equal(server.aborted, 1, "closed right after the start line, before any epoch");
  assert.deepEqual(s.run.parameters, INITIAL);
  assert.deepEqual(s.run.labels, [1, 0, 0]);
  assert.equal(s.epoch, 0);
  assert.equal(s.run.loss, null);
  assert.deepEqual(s.changes.slice(0, 1), ["loading"]);
});

test("start, stop, then start again: the same numbers as a run that never stopped", async () => {
  const server = fakeServer();
  const s = session(server);
  s.speed = 30;
  await s.load(SETTINGS);
  const closed = server.aborted;
  const running = s.start();
  await settle();
  assert.equal(s.status, "running");
  assert.ok(s.busy);
  server.release(2);
  await settle();
  assert.equal(s.epoch, 2);
  s.stop();
  assert.equal(s.status, "paused");
  await running;
  assert.equal(server.aborted, closed + 1, "stopping closed the request");
  assert.equal(s.epoch, 2);
  assert.deepEqual(server.bodies[1], { ...SETTINGS, epochs_per_second: 30 });

  const rest = s.start();
  await settle();
  assert.deepEqual(server.bodies[2], { ...SETTINGS, parameters: uninterrupted(2), start_epoch: 2, epochs_per_second: 30 });
  server.release(10);
  await rest;
  assert.equal(s.status, "done");
  assert.equal(s.epoch, 6);
  assert.deepEqual(s.run.parameters, uninterrupted(6));
  assert.deepEqual(s.history.epochs, [1, 2, 3, 4, 5, 6]);
  assert.equal(s.history.loss[5], epochOf(uninterrupted(5), 6).loss);
  assert.ok(!s.canContinue);
});

test("step runs one epoch; reset goes back to the same initial parameters without asking the server", async () => {
  const server = fakeServer();
  const s = session(server);
  await s.load(SETTINGS);
  for (let i = 1; i <= 3; i++) {
    const stepping = s.step();
    await settle();
    assert.equal(s.status, "stepping");
    server.release();
    await stepping;
    assert.equal(s.status, "paused");
    assert.equal(s.epoch, i);
  }
  assert.deepEqual(server.bodies.at(-1), { ...SETTINGS, parameters: uninterrupted(2), start_epoch: 2, steps: 1 });
  assert.deepEqual(s.run.parameters, uninterrupted(3));
  assert.equal(s.run.learningRate, 0.5);
  assert.deepEqual(s.run.gradients, epochOf(uninterrupted(2), 3).gradients);
  assert.equal(s.run.boundary.epoch, 3);

  const asked = server.bodies.length;
  await s.reset();
  assert.equal(server.bodies.length, asked);
  assert.equal(s.status, "ready");
  assert.equal(s.epoch, 0);
  assert.deepEqual(s.run.parameters, INITIAL);
  assert.equal(s.run.boundary.epoch, 0);
  assert.equal(s.history.length, 0);
  assert.equal(s.run.gradients, null);
});

test("start on a finished run starts it over from epoch 0", async () => {
  const server = fakeServer();
  const s = session(server);
  await s.load({ ...SETTINGS, epochs: 2 });
  const first = s.start();
  server.release(2);
  await first;
  assert.equal(s.status, "done");
  const again = s.start();
  await settle();
  assert.deepEqual(server.bodies.at(-1), { ...SETTINGS, epochs: 2, epochs_per_second: 100 });
  assert.equal(s.history.length, 0);
  server.release(2);
  await again;
  assert.deepEqual(s.run.parameters, uninterrupted(2));
});

test("a link's epoch is reached by training to it at full speed, then the run stands there", async () => {
  const server = fakeServer();
  const s = session(server);
  const loading = s.load(SETTINGS, { epoch: 4 });
  await settle();
  assert.equal(s.status, "replaying");
  server.release(4);
  await loading;
  assert.deepEqual(server.bodies, [{ ...SETTINGS, steps: 4 }]);
  assert.equal(s.status, "paused");
  assert.equal(s.epoch, 4);
  assert.deepEqual(s.run.initial.parameters, INITIAL, "the start line of epoch 0 is the reset's");
  assert.deepEqual(s.history.epochs, [1, 2, 3, 4]);
});

test("a math error stops the run where it failed; Step then begins again at epoch 0", async () => {
  const server = fakeServer({ failAt: 3 });
  const s = session(server);
  await s.load(SETTINGS);
  const running = s.start();
  await settle();
  server.release(3);
  await running;
  assert.equal(s.status, "failed");
  assert.equal(s.epoch, 2);
  assert.deepEqual(s.error, { code: "math_error", message: "epoch 3: log(0.0)", epoch: 3 });
  assert.ok(!s.canContinue);
  assert.equal(s.frames.last.epoch, 2, "the frames received stay, to look back at");
  const stepping = s.step();
  await settle();
  assert.deepEqual(server.bodies.at(-1), { ...SETTINGS, steps: 1 }, "a new run from epoch 0, not a continuation");
  server.release();
  await stepping;
  assert.equal(s.status, "paused");
  assert.equal(s.epoch, 1);
  assert.equal(s.error, null);
  await s.reset();
  assert.equal(s.status, "ready");
});

test("a frame that says the run diverged stops it there, closed, with the reason", async () => {
  const server = fakeServer();
  const diverged = { code: "diverged", message: "the loss grew far past its start: try a smaller learning rate" };
  const s = new TrainingSession({
    stream: async function* (body, options) {
      for await (const line of server.stream(body, options)) {
        yield line.type === "frame" && line.epoch === 2 ? { ...line, warnings: [diverged] } : line;
      }
    },
  });
  await s.load(SETTINGS);
  const running = s.start();
  await settle();
  server.release(2);
  await running;
  assert.equal(s.status, "diverged");
  assert.equal(s.epoch, 2);
  assert.equal(s.error.message, diverged.message);
  assert.equal(server.aborted, 2, "the load's request and the run's: the server stops at once");
  assert.ok(!s.busy && !s.canContinue && s.canAct);
});

test("a busy server (503) is waited for and asked again after its Retry-After, not shown as a failure", async () => {
  const server = fakeServer();
  let refusals = 0;
  const s = new TrainingSession({
    stream: (body, options) => {
      if (refusals > 0) {
        refusals -= 1;
        return (async function* () {
          const error = new ApiError({ code: "busy", message: "try again shortly", status: 503 });
          error.retryAfter = 0.01;
          throw error;
        })();
      }
      return server.stream(body, options);
    },
  });
  await s.load(SETTINGS);
  refusals = 2;
  s.start();
  await settle();
  assert.equal(s.status, "waiting");
  assert.equal(s.retry.seconds, 0.01);
  assert.ok(s.busy && s.error === null);
  while (s.status === "waiting") await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(s.status, "running");
  assert.deepEqual(server.bodies.at(-1), { ...SETTINGS, epochs_per_second: 100 });
  server.release(SETTINGS.epochs);
  while (s.busy) await settle();
  assert.equal(s.status, "done");

  refusals = 1;
  await s.reset();
  s.step();
  await settle();
  assert.equal(s.status, "waiting");
  s.stop(); // Stop cancels the wait: nothing is asked again
  const asked = server.bodies.length;
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(server.bodies.length, asked);
  assert.equal(s.status, "ready");
});

test("Start with the form's new settings starts them at once, even while a preview's load is on its way", async () => {
  const server = fakeServer();
  const s = session(server);
  const loading = s.load(SETTINGS); // a typed value's preview: only the start line is wanted
  const typed = { ...SETTINGS, epochs: 3 };
  const running = s.start(typed); // the click, a millisecond later
  await settle();
  assert.equal(s.status, "running");
  assert.ok(s.hasSettings(typed));
  assert.deepEqual(server.bodies.at(-1), { ...typed, epochs_per_second: 100 });
  server.release(3);
  await Promise.all([loading, running]);
  assert.equal(s.status, "done");
  assert.equal(s.epoch, 3);
  assert.deepEqual(s.run.parameters, uninterrupted(3));
  assert.deepEqual(s.frames.frames.map((f) => f.epoch), [0, 1, 2, 3], "every frame kept, epoch 0 first");
});

test("new settings overtake a running training: its late lines are dropped", async () => {
  const server = fakeServer();
  const s = session(server);
  await s.load(SETTINGS);
  const running = s.start();
  await settle();
  server.release();
  await settle();
  assert.equal(s.epoch, 1);
  const other = { ...SETTINGS, seed: 5 };
  const loading = s.load(other);
  await Promise.all([running, loading]);
  assert.equal(s.status, "ready");
  assert.equal(s.epoch, 0);
  assert.ok(s.hasSettings(other));
  assert.equal(s.history.length, 0);
});

test("a new speed takes effect at once: the running training goes on from where it stands", async () => {
  const server = fakeServer();
  const s = session(server);
  await s.load(SETTINGS);
  s.start();
  await settle();
  server.release();
  await settle();
  s.setSpeed(0);
  await settle();
  assert.equal(s.status, "running");
  assert.deepEqual(server.bodies.at(-1), { ...SETTINGS, parameters: uninterrupted(1), start_epoch: 1 });
  s.stop();
  await settle();
  assert.equal(s.status, "paused");
});
