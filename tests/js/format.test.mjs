import { test } from "node:test";
import assert from "node:assert/strict";
import { fitNumber, formatFactor, formatNumber, formatPercent } from "../../static/js/core/format.js";

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

test("a number shortened to a node's cell keeps as many digits as fit, at any magnitude", () => {
  const cell = 7; // SIZES.cellChars
  assert.equal(fitNumber(1.234e-12, cell), "1.2e-12");
  assert.equal(fitNumber(-5.67e20, cell), "-5.7e20");
  assert.equal(fitNumber(-0.001234, cell), "-0.0012");
  assert.equal(fitNumber(-99999.5, cell), "-100000");
  assert.equal(fitNumber(-0.7071067811865476, cell), "-0.7071"); // nothing lost when it fits
  assert.equal(fitNumber(2.5, cell), "2.5");
  // Without a width: the 4 significant digits the panels show.
  assert.equal(formatNumber(1.234e-12), "1.234e-12");
  // Every float, from the smallest to the largest, fits, and reads back close to itself.
  const samples = [Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE];
  for (let exponent = -320; exponent <= 308; exponent += 7) {
    for (const mantissa of [-9.87654321, -1.05, 3.14159265, 9.999999]) samples.push(mantissa * 10 ** exponent);
  }
  for (const x of samples) {
    const text = fitNumber(x, cell);
    assert.ok(text.length <= cell, `${x} → ${text}`);
    assert.equal(text.startsWith("-"), x < 0, `${x} → ${text}`);
    const back = Number(text); // "1.8e308", the largest float shortened, reads back as Infinity
    if (Math.abs(x) > 1e-300 && Number.isFinite(back)) assert.ok(Math.abs(back - x) <= Math.abs(x) * 0.51, `${x} → ${text}`);
  }
});
