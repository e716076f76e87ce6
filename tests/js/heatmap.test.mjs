import { test } from "node:test";
import assert from "node:assert/strict";
import {
  boundaryPixels,
  CLASS_COLORS,
  classLean,
  hex,
  labelColor,
  outputColor,
  plotScale,
  predictedClass,
  termLean,
} from "../../static/js/core/heatmap.js";

const PROBABILITY = { kind: "probability", threshold: 0.5 };
const SCORE = { kind: "score", threshold: 0 };

test("an output's lean into either class: probabilities reach ±1 at 0 and 1, scores at the margin ±1", () => {
  assert.equal(classLean(0.5, PROBABILITY), 0);
  assert.equal(classLean(1, PROBABILITY), 1);
  assert.equal(classLean(0, PROBABILITY), -1);
  assert.equal(classLean(0.75, PROBABILITY), 0.5);
  assert.equal(classLean(0, SCORE), 0);
  assert.equal(classLean(-0.25, SCORE), -0.25);
  assert.equal(classLean(7, SCORE), 1);
  assert.equal(classLean(-7, SCORE), -1);
});

test("class 1 only above the threshold, as accuracy counts it", () => {
  assert.equal(predictedClass(0.5, PROBABILITY), 0);
  assert.equal(predictedClass(0.5000001, PROBABILITY), 1);
  assert.equal(predictedClass(0, SCORE), 0);
  assert.equal(predictedClass(1e-9, SCORE), 1);
});

test("colours: blended from orange through grey to blue, or the class's own when discrete", () => {
  assert.deepEqual(outputColor(0.5, PROBABILITY), CLASS_COLORS.middle);
  assert.deepEqual(outputColor(1, PROBABILITY), CLASS_COLORS[1]);
  assert.deepEqual(outputColor(-3, SCORE), CLASS_COLORS[0]);
  assert.deepEqual(outputColor(0.75, PROBABILITY), [120, 177, 212]); // halfway from grey to blue
  assert.deepEqual(outputColor(0.51, PROBABILITY, true), CLASS_COLORS[1]);
  assert.deepEqual(outputColor(-0.01, SCORE, true), CLASS_COLORS[0]);
  assert.equal(hex([8, 119, 189]), "#0877bd");
  assert.equal(labelColor(1), "#0877bd");
  assert.equal(labelColor(0), "#f59322");
});

test("the boundary grid becomes an image whose top row is the grid's last (rows go from y_min up)", () => {
  // 2×2: row 0 (bottom) is class 0, row 1 (top) class 1.
  const pixels = boundaryPixels({ size: 2, values: [0, 0, 1, 1] }, PROBABILITY);
  assert.equal(pixels.length, 16);
  assert.deepEqual([...pixels.slice(0, 4)], [...CLASS_COLORS[1], 255]); // top-left: grid row 1
  assert.deepEqual([...pixels.slice(8, 12)], [...CLASS_COLORS[0], 255]); // bottom-left: grid row 0
  const cells = boundaryPixels({ size: 2, values: [0.1, 0.9, 0.2, 0.8] }, PROBABILITY, true);
  assert.deepEqual([...cells.slice(12, 15)], CLASS_COLORS[1]); // bottom-right: value 0.9
  assert.deepEqual([...cells.slice(4, 7)], CLASS_COLORS[1]); // top-right: 0.8
  assert.deepEqual([...cells.slice(0, 3)], CLASS_COLORS[0]); // top-left: 0.2
});

test("the plot's square maps onto its pixels, y up, and back", () => {
  const scale = plotScale({ x_min: -1, x_max: 1, y_min: 0, y_max: 2 }, 200, 100);
  assert.equal(scale.x(-1), 0);
  assert.equal(scale.x(1), 200);
  assert.equal(scale.y(0), 100);
  assert.equal(scale.y(2), 0);
  assert.equal(scale.y(1.5), 25);
  assert.deepEqual(scale.invert(150, 25), [0.5, 1.5]);
});

test("a point's term as a share of the largest pull", () => {
  assert.equal(termLean(-0.5, 2), -0.25);
  assert.equal(termLean(2, 2), 1);
  assert.equal(termLean(0, 0), 0);
});
