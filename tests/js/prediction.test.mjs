import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeLabels } from "../../static/js/core/notation.js";
import { indexOps } from "../../static/js/core/ops.js";
import { isRight, parsePrediction, predictionTarget, predictionTargets, verdict, workedLines } from "../../static/js/core/prediction.js";
import { buildTimeline } from "../../static/js/core/timeline.js";
import { fixture, program } from "./helpers.mjs";

const OPS = indexOps(fixture("ops").ops);
const timelineOf = (name) => buildTimeline(fixture(name), { labels: nodeLabels(fixture(name), program(name), OPS) });

test("each backward step asks for the first gradient it reveals; forward steps ask nothing", () => {
  const timeline = timelineOf("lecture");
  for (let i = 1; i <= 7; i++) assert.equal(predictionTarget(timeline, i), null);
  const targets = [8, 9, 10].map((i) => predictionTarget(timeline, i));
  assert.deepEqual(targets.map((t) => [t.symbol, t.answer]), [["∂L/∂d", -2], ["∂L/∂e", -2], ["∂L/∂a", 6]]);
  assert.equal(predictionTarget(timeline, 11), null);
});

test("a step asks for each input that receives a gradient, in turn; a repeated input once", () => {
  const timeline = timelineOf("lecture");
  for (let i = 1; i <= 7; i++) assert.deepEqual(predictionTargets(timeline, i), []);
  const asked = [8, 9, 10].map((i) => predictionTargets(timeline, i).map((t) => [t.symbol, t.answer, t.position, t.of]));
  assert.deepEqual(asked, [
    [["∂L/∂d", -2, 1, 2], ["∂L/∂f", 4, 2, 2]],
    [["∂L/∂e", -2, 1, 2], ["∂L/∂c", -2, 2, 2]],
    [["∂L/∂a", 6, 1, 2], ["∂L/∂b", -4, 2, 2]],
  ]);
  // b*b: one question about b, its total after both contributions.
  const reuse = predictionTargets(timelineOf("reuse_twice"), 4);
  assert.deepEqual(reuse.map((t) => [t.symbol, t.answer, t.of]), [["∂c/∂b", 12, 1]]);
});

test("a reused input is asked as its running total after the step", () => {
  const timeline = timelineOf("reuse_twice");
  const target = predictionTarget(timeline, 4);
  assert.deepEqual([target.symbol, target.answer], ["∂c/∂b", 12]);
  assert.deepEqual(workedLines(timeline, target, OPS), [
    "∂c/∂b += ∂c/∂c · ∂(b₁·b₂)/∂b₁ = (1)·(6) = 6",
    "∂c/∂b += ∂c/∂c · ∂(b₁·b₂)/∂b₂ = (1)·(6) = 6",
    "so far: ∂c/∂b = 6 + 6 = 12  (2 of 2 contributions, complete)",
  ]);
});

test("a program without operations asks for the seed, ∂L/∂L = 1", () => {
  const timeline = timelineOf("constant_only");
  const target = predictionTarget(timeline, 2);
  assert.deepEqual([target.symbol, target.answer], ["∂L/∂L", 1]);
  assert.deepEqual(workedLines(timeline, target, OPS), ["∂L/∂L = 1 (the output's gradient with respect to itself)"]);
});

test("guesses are read leniently and judged within 1% (0.005 near zero)", () => {
  assert.equal(parsePrediction("-2"), -2);
  assert.equal(parsePrediction(" −2 "), -2);
  assert.equal(parsePrediction("0,5"), 0.5);
  assert.equal(parsePrediction("1/4"), 0.25);
  assert.equal(parsePrediction("2e-3"), 0.002);
  assert.equal(parsePrediction("abc"), null);
  assert.equal(parsePrediction(""), null);
  assert.equal(parsePrediction("1/0"), null);
  assert.equal(isRight(-2, -2), true);
  assert.equal(isRight(6.05, 6), true);
  assert.equal(isRight(6.1, 6), false);
  assert.equal(isRight(0.004, 0), true);
  assert.equal(isRight(0.01, 0), false);
  const target = predictionTarget(timelineOf("lecture"), 8);
  assert.equal(verdict(-2, target), "Right: ∂L/∂d = -2");
  assert.equal(verdict(3, target), "Not quite: you said 3, ∂L/∂d = -2");
});
