import { test } from "node:test";
import assert from "node:assert/strict";
import {
  deadUnits,
  diagnosis,
  farFromRecommended,
  progressText,
  recommendedFor,
  shortNumber,
  trainStatusText,
  unitLayers,
  unitParameters,
  withRecommended,
} from "../../static/js/core/train-lab.js";
import { CLASS_COLORS, unitPixels } from "../../static/js/core/heatmap.js";
import { completeSettings, presetDefaults, sameSettings } from "../../static/js/core/train-settings.js";
import { fixture } from "./helpers.mjs";

const XOR = { preset: "minitorch", hidden: 10, activation: "relu", learning_rate: 0.5, epochs: 1000 };
const SETTINGS = { preset: "minitorch", dataset: "xor", points: 50, hidden: 2, activation: "relu", learning_rate: 0.5, epochs: 500, seed: 3, test_fraction: 0.2, noise: 0.1 };

test("a dataset's recommended settings apply in one go; dataset, seed, test set and noise stay", () => {
  const catalog = { datasets: [{ name: "xor", recommended: XOR }, { name: "simple" }] };
  assert.deepEqual(recommendedFor(catalog, "xor"), XOR);
  assert.equal(recommendedFor(catalog, "simple"), null);
  assert.equal(recommendedFor(null, "xor"), null);
  assert.deepEqual(withRecommended(SETTINGS, XOR), { ...SETTINGS, hidden: 10, epochs: 1000 });
});

test("the recommended points are the recommended preset's own, as the body leaves them to it", () => {
  const catalog = {
    datasets: [{ name: "spiral", recommended: { ...XOR, hidden: 16, epochs: 2000 } }],
    presets: [{ name: "minitorch", points: 50 }, { name: "micrograd", points: 100 }],
  };
  const recommended = recommendedFor(catalog, "spiral");
  assert.equal(recommended.points, 50);
  const fromMicrograd = { ...SETTINGS, preset: "micrograd", dataset: "spiral", points: 100 };
  assert.deepEqual(withRecommended(fromMicrograd, recommended), {
    ...fromMicrograd, preset: "minitorch", points: 50, hidden: 16, activation: "relu", epochs: 2000,
  });
});

test("settings far from the recommended ones are said, field by field; close ones are not", () => {
  assert.deepEqual(farFromRecommended(withRecommended(SETTINGS, XOR), XOR), []);
  assert.deepEqual(farFromRecommended({ ...withRecommended(SETTINGS, XOR), learning_rate: 1, hidden: 6, epochs: 600 }, XOR), []);
  assert.deepEqual(farFromRecommended(SETTINGS, XOR), ["2 hidden units (recommended: 10)", "500 epochs (recommended: 1000)"]);
  const wild = { ...SETTINGS, preset: "micrograd", activation: "tanh", hidden: 10, learning_rate: 50, epochs: 1000 };
  assert.deepEqual(farFromRecommended(wild, XOR), [
    "preset micrograd (recommended: minitorch)",
    "activation tanh (recommended: relu)",
    "learning rate 50 (recommended: 0.5)",
  ]);
  assert.equal(farFromRecommended({ ...wild, preset: "minitorch", activation: "relu", learning_rate: 0.1 }, XOR).length, 1);
  assert.deepEqual(farFromRecommended(SETTINGS, null), []);
});

test("warnings become the diagnosis and name the dead units; none when all is well", () => {
  const warnings = [
    { code: "dead_units", message: "h1_1 and h2_0 output 0 on every point: try another seed.", units: ["h1_1", "h2_0"] },
    { code: "stalled", message: "Every ∂L/∂w is about 0 while accuracy is 50%." },
  ];
  assert.deepEqual([...deadUnits(warnings)], ["h1_1", "h2_0"]);
  assert.deepEqual(diagnosis(warnings).map((d) => d.code), ["dead_units", "stalled"]);
  assert.equal(diagnosis(warnings)[1].text, warnings[1].message);
  assert.deepEqual(diagnosis(undefined), []);
  assert.equal(deadUnits(null).size, 0);
});

test("units are laid out layer by layer, each with its own weights in and out and its bias", () => {
  assert.deepEqual(unitLayers(["h2_1", "h1_10", "h1_2", "h2_0", "odd"]), [
    { layer: 1, names: ["h1_2", "h1_10"] },
    { layer: 2, names: ["h2_0", "h2_1"] },
    { layer: null, names: ["odd"] },
  ]);
  const names = ["l1_w0_0", "l1_w1_0", "l1_w0_1", "l1_w1_1", "l1_b0", "l1_b1", "l2_w0_0", "l2_w1_0", "l2_w0_1", "l2_w1_1", "l2_b0", "l2_b1", "l3_w0_0", "l3_w1_0", "l3_b0"];
  assert.deepEqual(unitParameters("h1_1", names), ["l1_w0_1", "l1_w1_1", "l1_b1", "l2_w1_0", "l2_w1_1"]);
  assert.deepEqual(unitParameters("h2_0", names), ["l2_w0_0", "l2_w1_0", "l2_b0", "l3_w0_0"]);
  assert.deepEqual(unitParameters("nameless", names), []);
});

test("readout numbers stay short at any magnitude", () => {
  assert.equal(shortNumber(0.693147), "0.6931");
  assert.equal(shortNumber(57.3512), "57.35");
  assert.equal(shortNumber(4.585e13), "4.6e13");
  assert.equal(shortNumber(-1.23e-5), "-1.2e-5");
  assert.equal(shortNumber(3e20), "3e20");
  assert.equal(shortNumber(Infinity), "∞");
  assert.equal(shortNumber(null), "—");
  for (const x of [1e-300, 9999.5, 123456789, -0.000999, 1e308, 5.735e1]) assert.ok(shortNumber(x).length <= 7, `${x} → ${shortNumber(x)}`);
});

test("a unit's picture: blue above its centre, orange below, grey at it; a constant unit all grey", () => {
  const pixel = (pixels, size, r, c) => [...pixels.slice(((size - 1 - r) * size + c) * 4, ((size - 1 - r) * size + c) * 4 + 3)];
  const values = [0, 2, -4, 4]; // row 0 then row 1, from y_min up
  const pixels = unitPixels(values, 2);
  assert.deepEqual(pixel(pixels, 2, 0, 0), CLASS_COLORS.middle);
  assert.deepEqual(pixel(pixels, 2, 1, 1), CLASS_COLORS[1]);
  assert.deepEqual(pixel(pixels, 2, 1, 0), CLASS_COLORS[0]);
  const dead = unitPixels([3, 3, 3, 3], 2);
  for (let i = 0; i < 4; i++) assert.deepEqual([...dead.slice(i * 4, i * 4 + 3)], CLASS_COLORS.middle);
  const sigmoid = unitPixels([0.5, 1, 0, 0.5], 2, 0.5);
  assert.deepEqual(pixel(sigmoid, 2, 0, 0), CLASS_COLORS.middle);
  assert.deepEqual(pixel(sigmoid, 2, 0, 1), CLASS_COLORS[1]);
});

test("every dataset of the catalogue has recommended settings the page can apply as they are", () => {
  const catalog = fixture("train_datasets"); // GET /api/datasets
  for (const { name } of catalog.datasets) {
    const recommended = recommendedFor(catalog, name);
    assert.ok(recommended, name);
    const applied = withRecommended({ ...presetDefaults(catalog, "minitorch"), dataset: name, seed: 4 }, recommended);
    assert.ok(sameSettings(completeSettings(catalog, applied), applied), `${name}: every value within the API's bounds`);
    assert.deepEqual(farFromRecommended(applied, recommended), []);
    assert.equal(applied.points, presetDefaults(catalog, recommended.preset).points, `${name}: the preset's points`);
  }
});

test("live, the status line says how the run stands at its latest epoch", () => {
  assert.equal(trainStatusText({ status: "paused", epoch: 450 }), "Stopped at epoch 450");
  assert.equal(trainStatusText({ status: "done", epoch: 500 }, null), "Done: 500 epochs");
  assert.equal(trainStatusText({ status: "diverged", epoch: 31 }), "Stopped at epoch 31: the loss diverged");
  assert.equal(trainStatusText({ status: "waiting", epoch: 3, retrySeconds: 5 }), "The server is busy: asking again in 5 s…");
  assert.equal(trainStatusText({ status: "running", epoch: 12 }), "Training…");
  assert.equal(trainStatusText({ status: "empty", epoch: 0 }), "");
});

test("looking back, the status line names the epoch on show first, then the latest and how the run stands", () => {
  assert.equal(trainStatusText({ status: "paused", epoch: 450 }, 120), "Looking back at epoch 120 — latest 450 (stopped); Live returns");
  assert.equal(trainStatusText({ status: "done", epoch: 500 }, 0), "Looking back at epoch 0 — latest 500 (done); Live returns");
  assert.equal(trainStatusText({ status: "running", epoch: 37 }, 2), "Looking back at epoch 2 — latest 37, still training; Live returns");
  assert.equal(
    trainStatusText({ status: "diverged", epoch: 31 }, 30),
    "Looking back at epoch 30 — latest 31 (stopped: the loss diverged); Live returns",
  );
  assert.match(trainStatusText({ status: "waiting", epoch: 9, retrySeconds: 2 }, 4), /^Looking back at epoch 4 — latest 9, the server is busy;/);
  // The latest epoch itself is live, however it was reached.
  assert.equal(trainStatusText({ status: "paused", epoch: 4 }, 4), "Stopped at epoch 4");
  for (const status of ["running", "stepping", "replaying", "waiting", "paused", "done", "failed", "diverged"]) {
    const text = trainStatusText({ status, epoch: 450 }, 120);
    assert.ok(text.startsWith("Looking back at epoch 120 — latest 450"), `${status}: ${text}`);
    assert.ok(!/\b(?:at epoch|Done:) 450\b/.test(text), `${status} says the latest as where we are: ${text}`);
  }
});

test("the progress bar's words follow the epoch on show", () => {
  assert.equal(progressText(40, 100), "epoch 40 of 100");
  assert.equal(progressText(2, 100, 40), "epoch 2 of 100, looking back (latest 40)");
  assert.equal(progressText(40, 100, 40), "epoch 40 of 100");
});
