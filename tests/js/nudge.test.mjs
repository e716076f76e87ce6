import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_H, formatPrecise, nudgeReport, nudgeRequest } from "../../static/js/core/nudge.js";

test("the nudged request moves one value by h and asks for nothing else", () => {
  assert.equal(DEFAULT_H, 0.001);
  const body = { expression: "a = 2\nL = a*a", values: { q: 1 }, check: true, default_value: 1, partial: true };
  assert.deepEqual(nudgeRequest(body, "a", 2, 0.001), { expression: "a = 2\nL = a*a", values: { q: 1, a: 2.001 }, default_value: 1 });
  assert.deepEqual(nudgeRequest({ expression: "y = x", default_value: 1 }, "x", 1, 0.5).values, { x: 1.5 });
});

test("the output's change is shown beside grad·h", () => {
  // The lecture: L = -8 at a = 2; the API's L at a = 2.001 is -7.994 (up to rounding).
  const report = nudgeReport({ name: "a", value: 2, h: 0.001, before: -8, after: -7.994000000000001, grad: 6, outputName: "L" });
  assert.ok(report.agrees);
  assert.ok(Math.abs(report.delta - 0.006) < 1e-12);
  assert.equal(report.predicted, 0.006);
  assert.deepEqual(report.lines, [
    "a: 2 → 2.001  (h = 0.001)",
    "ΔL = -7.994 − (-8) = 0.006",
    "∂L/∂a · h = 6 × 0.001 = 0.006",
    "ΔL / h = 6 ≈ ∂L/∂a = 6",
  ]);
});

test("a wrong gradient (the += bug's) disagrees with the nudge", () => {
  const report = nudgeReport({ name: "a", value: 3, h: 0.001, before: 6, after: 6.002, grad: 1, outputName: "b" });
  assert.equal(report.agrees, false);
  assert.equal(report.lines[3], "Δb / h = 2 ≠ ∂b/∂a = 1");
  assert.equal(formatPrecise(0.1 + 0.2), "0.3");
});
