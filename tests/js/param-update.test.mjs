import { test } from "node:test";
import assert from "node:assert/strict";
import {
  batchTerms,
  exampleUpdate,
  learningRateAt,
  parameterRows,
  strongestPulls,
  termText,
  updateText,
  weightText,
} from "../../static/js/core/param-update.js";
import { fixture } from "./helpers.mjs";

test("the learning rate of the next epoch follows the preset's schedule", () => {
  assert.equal(learningRateAt("minitorch", 0.5, 0, 500), 0.5);
  assert.equal(learningRateAt("minitorch", 0.5, 499, 500), 0.5);
  assert.equal(learningRateAt("micrograd", 1.0, 0, 100), 1.0);
  assert.equal(learningRateAt("micrograd", 1.0, 50, 100), 1.0 * (1.0 - 0.9 * 50 / 100));
  assert.equal(learningRateAt("micrograd", 1.0, 3, 100), 0.973);
  assert.equal(learningRateAt("micrograd", 2.0, 99, 100), 2.0 * (1.0 - 0.9 * 99 / 100));
});

test("the parameter table: value, the last gradient and the change it made, −lr·grad", () => {
  const rows = parameterRows(["a", "b", "c"], { a: 1, b: -2, c: 0.5 }, { a: 0.2, b: -0.4, c: 0 }, 0.5);
  assert.deepEqual(rows, [
    { name: "a", value: 1, grad: 0.2, update: -0.1 },
    { name: "b", value: -2, grad: -0.4, update: 0.2 },
    { name: "c", value: 0.5, grad: 0, update: -0 },
  ]);
  assert.deepEqual(parameterRows(["a"], { a: 1 }, null, null), [{ name: "a", value: 1, grad: null, update: null }]);
});

test("one example's update: w − lr·∂Lₙ/∂w for each parameter, in the model's order", () => {
  const rows = exampleUpdate(["w", "b"], { w: 0.4376177764452165, b: -0.642358729467944 }, { w: -0.25, b: 0.1 }, 0.5);
  assert.deepEqual(rows, [
    { name: "w", value: 0.4376177764452165, grad: -0.25, step: -0.125, next: 0.4376177764452165 + 0.125 },
    { name: "b", value: -0.642358729467944, grad: 0.1, step: 0.05, next: -0.642358729467944 - 0.05 },
  ]);
  // A parameter the explored program lost (it was edited) counts as a zero gradient.
  assert.equal(exampleUpdate(["w"], { w: 1 }, {}, 0.5)[0].next, 1);
});

test("a batch gradient is the sum of the points' terms (minitorch: the mean, no L2)", () => {
  const answer = fixture("train_gradients"); // POST /api/train/gradients, minitorch's defaults
  const batch = batchTerms(answer, "l1_w0_0");
  const n = answer.losses.length;
  assert.equal(n, 50);
  assert.equal(batch.terms.length, n);
  batch.terms.forEach((term, i) => assert.equal(term, answer.weights[i] * answer.example_gradients.l1_w0_0[i]));
  assert.equal(batch.running.at(-1), batch.sum);
  assert.equal(batch.running[1], batch.terms[0] + batch.terms[1]);
  assert.equal(batch.regularization, 0);
  assert.ok(batch.mean);
  assert.equal(batch.gradient, answer.gradients.l1_w0_0);
  assert.ok(Math.abs(batch.sum + batch.regularization - batch.gradient) < 1e-12);
  assert.equal(batch.largest, Math.max(...batch.terms.map(Math.abs)));
});

test("micrograd's batch gradient adds its L2 share to the sum of the terms", () => {
  const answer = fixture("train_gradients_micrograd");
  const batch = batchTerms(answer, "l1_w0_0");
  assert.notEqual(batch.regularization, 0);
  assert.ok(Math.abs(batch.sum + batch.regularization - batch.gradient) < 1e-12);
  assert.ok(Math.abs(batch.sum - batch.gradient) > 1e-9, "without the L2 share the sum falls short");
});

test("the strongest pulls, largest |term| first (ties by index)", () => {
  assert.deepEqual(strongestPulls([0.1, -0.5, 0.5, 0, 0.2], 3), [1, 2, 4]);
  assert.deepEqual(strongestPulls([0.1], 3), [0]);
});

test("the arithmetic written out with the numbers", () => {
  assert.equal(updateText(0.4376177764452165, 0.5, -0.25, 0.5626177764452165), "0.4376 − 0.5·(-0.25) = 0.5626");
  assert.equal(weightText(1 / 50, 50), "1/50");
  assert.equal(weightText(1 / 3, 3), "1/3");
  assert.equal(weightText(0.25, 3), "0.25");
  assert.equal(termText(1 / 50, 50, -0.0123, -0.000246), "(1/50)·(-0.0123) = -2.46e-4");
});
