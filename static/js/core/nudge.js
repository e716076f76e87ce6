// Nudging a variable, the pure part: the request for the program with one value moved by h, and the
// comparison of the output's change with grad·h. The API computes the nudged output; the page only
// sets the input and compares the two answers. No DOM.

import { formatNumber } from "./format.js";
import { gradientSymbol } from "./notation.js";

export const DEFAULT_H = 0.001;

/** Up to 10 significant digits: a nudge's outputs differ in their later digits. */
export function formatPrecise(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return formatNumber(x);
  return String(Number(x.toPrecision(10)));
}

/**
 * The request for the program on show with variable `name` at `value + h` (a values override: the
 * API lets `values` override declared variables). No numeric check: only the output is wanted.
 */
export function nudgeRequest(body, name, value, h) {
  const { check: _check, partial: _partial, ...rest } = body;
  return { ...rest, values: { ...(body.values ?? {}), [name]: value + h } };
}

/**
 * What a nudge showed, as lines of text, and whether the output's change agrees with grad·h
 * (their ratio within 1% of the gradient, or 0.01 of it near 0: a forward difference is only first-order).
 * @param {{name, value, h, before, after, grad, outputName}} nudge before/after: the output's values
 */
export function nudgeReport({ name, value, h, before, after, grad, outputName }) {
  const L = outputName;
  const delta = after - before;
  const predicted = grad * h;
  const slope = delta / h;
  const agrees = Math.abs(slope - grad) <= 0.01 * Math.max(1, Math.abs(grad));
  const symbol = gradientSymbol(L, name);
  return {
    delta,
    predicted,
    agrees,
    lines: [
      `${name}: ${formatPrecise(value)} → ${formatPrecise(value + h)}  (h = ${formatPrecise(h)})`,
      `Δ${L} = ${formatPrecise(after)} − ${before < 0 ? `(${formatPrecise(before)})` : formatPrecise(before)} = ${formatPrecise(delta)}`,
      `${symbol} · h = ${formatNumber(grad)} × ${formatPrecise(h)} = ${formatPrecise(predicted)}`,
      `Δ${L} / h = ${formatNumber(slope)} ${agrees ? "≈" : "≠"} ${symbol} = ${formatNumber(grad)}`,
    ],
  };
}
