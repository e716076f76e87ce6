import { test } from "node:test";
import assert from "node:assert/strict";
import {
  completeSettings,
  decodeTrainState,
  DEFAULT_SPEED,
  encodeTrainState,
  exampleBody,
  gradientsBody,
  isTrainHash,
  presetDefaults,
  presetOutput,
  sameSettings,
  SETTING_FIELDS,
  settingHint,
  trainBody,
  validSetting,
} from "../../static/js/core/train-settings.js";
import { fixture } from "./helpers.mjs";

const catalog = fixture("train_datasets"); // GET /api/datasets

test("a preset's defaults are the catalogue's, seed 0", () => {
  assert.deepEqual(presetDefaults(catalog, "minitorch"), {
    preset: "minitorch", dataset: "simple", points: 50, hidden: 2, activation: "relu", learning_rate: 0.5, epochs: 500, seed: 0,
    test_fraction: 0, noise: 0,
  });
  assert.deepEqual(presetDefaults(catalog, "micrograd"), {
    preset: "micrograd", dataset: "moons", points: 100, hidden: 16, activation: "relu", learning_rate: 1, epochs: 100, seed: 0,
    test_fraction: 0, noise: 0,
  });
  assert.equal(presetDefaults(catalog, "nope").preset, "minitorch");
  assert.deepEqual(presetOutput(catalog, "micrograd"), { kind: "score", threshold: 0 });
  assert.deepEqual(presetOutput(catalog, "minitorch"), { kind: "probability", threshold: 0.5 });
});

test("values are checked against the API's bounds", () => {
  const ok = (field, value) => validSetting(catalog, field, value);
  assert.ok(ok("dataset", "spiral") && !ok("dataset", "spirals"));
  assert.ok(ok("activation", "tanh") && !ok("activation", "gelu"));
  assert.ok(ok("points", 2) && ok("points", 200) && !ok("points", 1) && !ok("points", 201) && !ok("points", 2.5));
  assert.ok(ok("hidden", 16) && !ok("hidden", 17) && !ok("hidden", 0));
  assert.ok(ok("epochs", 2000) && !ok("epochs", 2001));
  assert.ok(ok("seed", 0) && ok("seed", 2 ** 32 - 1) && !ok("seed", -1) && !ok("seed", 2 ** 32));
  assert.ok(ok("learning_rate", 1e-9) && ok("learning_rate", 100));
  assert.ok(!ok("learning_rate", 0) && !ok("learning_rate", 100.5) && !ok("learning_rate", NaN) && !ok("learning_rate", "0.5"));
  assert.ok(ok("test_fraction", 0) && ok("test_fraction", 0.5) && !ok("test_fraction", 0.51) && !ok("test_fraction", -0.1));
  assert.ok(ok("noise", 0.25) && !ok("noise", 0.6) && !ok("noise", NaN));
  assert.ok(!ok("colour", 1));
  assert.equal(settingHint(catalog, "hidden"), "a whole number from 1 to 16");
});

test("proposed settings are made whole with the preset's defaults; refused values fall back", () => {
  const settings = completeSettings(catalog, { preset: "micrograd", dataset: "xor", hidden: 99, learning_rate: 0.1, seed: 7 });
  assert.deepEqual(settings, {
    preset: "micrograd", dataset: "xor", points: 100, hidden: 16, activation: "relu", learning_rate: 0.1, epochs: 100, seed: 7,
    test_fraction: 0, noise: 0,
  });
  assert.equal(completeSettings(catalog, { preset: "junk" }).preset, "minitorch");
  assert.deepEqual(Object.keys(completeSettings(catalog)), SETTING_FIELDS);
  assert.ok(sameSettings(settings, { ...settings }));
  assert.ok(!sameSettings(settings, { ...settings, epochs: 101 }));
  assert.ok(!sameSettings(null, settings));
  assert.ok(!sameSettings(settings, { ...settings, noise: 0.1 }));
});

test("request bodies: a fresh run sends the settings; going on sends the parameters and the epochs done", () => {
  const settings = presetDefaults(catalog, "minitorch");
  const { test_fraction: _t, noise: _n, ...v1 } = settings;
  // A test set and noise of 0 are left out: the request is then what a v1 server takes.
  assert.deepEqual(trainBody(settings), v1);
  assert.deepEqual(trainBody({ ...settings, test_fraction: 0.2, noise: 0.1 }), { ...v1, test_fraction: 0.2, noise: 0.1 });
  assert.deepEqual(trainBody(settings, { steps: 1 }), { ...v1, steps: 1 });
  const parameters = { l1_w0_0: 0.25, l3_b0: -1 };
  assert.deepEqual(trainBody(settings, { parameters, startEpoch: 0, speed: 100 }), { ...v1, epochs_per_second: 100 });
  const body = trainBody(settings, { parameters, startEpoch: 120, steps: 1 });
  assert.deepEqual(body, { ...v1, parameters, start_epoch: 120, steps: 1 });
  parameters.l3_b0 = 5;
  assert.equal(body.parameters.l3_b0, -1, "the body keeps its own copy");

  const { learning_rate: _lr, epochs: _epochs, ...model } = v1;
  assert.deepEqual(exampleBody(settings, { l3_b0: 1 }, 4), { ...model, parameters: { l3_b0: 1 }, index: 4 });
  // The same points as the run's: its noise and test set go with the example.
  assert.deepEqual(exampleBody({ ...settings, noise: 0.2 }, {}, 4), { ...model, noise: 0.2, parameters: {}, index: 4 });
  assert.deepEqual(gradientsBody(settings, { l3_b0: 1 }, ["l3_b0"]), { ...model, parameters: { l3_b0: 1 }, names: ["l3_b0"] });
});

test("the Train view's state round-trips through the hash", () => {
  const state = {
    settings: { preset: "minitorch", dataset: "xor", points: 60, hidden: 10, activation: "tanh", learning_rate: 0.05, epochs: 300, seed: 3, test_fraction: 0.2, noise: 0.1 },
    speed: 30,
    discrete: true,
    epoch: 120,
    point: 7,
  };
  const hash = encodeTrainState(state);
  assert.equal(
    hash,
    "#view=train&preset=minitorch&dataset=xor&points=60&hidden=10&activation=tanh&lr=0.05&epochs=300&seed=3&test=0.2&noise=0.1&speed=30&discrete=1&epoch=120&point=7",
  );
  assert.ok(isTrainHash(hash));
  assert.deepEqual(decodeTrainState(hash), state);
  const plain = encodeTrainState({ settings: {}, speed: DEFAULT_SPEED });
  assert.equal(plain, "#view=train");
  assert.deepEqual(decodeTrainState(plain), { settings: {}, speed: DEFAULT_SPEED, discrete: false, epoch: 0, point: null });
  // No test set and no noise: the link is the one a page without them wrote.
  assert.equal(encodeTrainState({ settings: { seed: 1, test_fraction: 0, noise: 0 } }), "#view=train&seed=1");
});

test("the explorer's hash is not the Train view's, and junk is left out, never thrown", () => {
  assert.equal(decodeTrainState("#e=x*x&s=3"), null);
  assert.ok(!isTrainHash("#e=x*x"));
  assert.equal(decodeTrainState(""), null);
  const state = decodeTrainState("#view=train&preset=<b>&points=many&lr=&hidden=4&speed=7&epoch=-3&seed=1e3&point=1.5");
  assert.deepEqual(state, { settings: { hidden: 4, seed: 1000 }, speed: DEFAULT_SPEED, discrete: false, epoch: 0, point: null });
  // Out-of-range numbers are read, then refused when the settings are made whole.
  assert.equal(completeSettings(catalog, decodeTrainState("#view=train&points=5000").settings).points, 50);
});
