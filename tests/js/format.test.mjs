import { test } from "node:test";
import assert from "node:assert/strict";
import { formatFactor, formatNumber, formatPercent } from "../../static/js/core/format.js";

test("numbers show 4 significant digits without trailing zeros", () => {
  assert.equal(formatNumber(6), "6");
  assert.equal(formatNumber(-8.0), "-8");
  assert.equal(formatNumber(0.7071067811865476), "0.7071");
  assert.equal(formatNumber(-1234.5678), "-1235");
  assert.equal(formatNumber(5.999999999666933), "6");
  assert.equal(formatNumber(-0), "0");
});

test("very large and very small numbers use an exponent", () => {
  assert.equal(formatNumber(123456789), "1.235e8");
  assert.equal(formatNumber(0.00001234), "1.234e-5");
  assert.equal(formatNumber(1e-7), "1e-7");
});

test("missing numbers show a dash; factors are parenthesised", () => {
  assert.equal(formatNumber(null), "—");
  assert.equal(formatNumber(undefined), "—");
  assert.equal(formatFactor(-2), "(-2)");
});

test("accuracy as a percent: whole where it is, a tenth where it needs one", () => {
  assert.equal(formatPercent(0.66), "66%");
  assert.equal(formatPercent(0.665), "66.5%");
  assert.equal(formatPercent(1), "100%");
  assert.equal(formatPercent(0), "0%");
  assert.equal(formatPercent(2 / 3), "66.7%");
  assert.equal(formatPercent(null), "—");
});
