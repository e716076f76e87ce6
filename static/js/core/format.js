// Number formatting shared by the graph, the panels and the chain-rule text (names: notation.js).
// Display only: attributes and exports keep the API's full-precision numbers.

const SIGNIFICANT = 4;

/** A compact, readable form of a number: 4 significant digits, exponent when very large or small. */
export function formatNumber(x) {
  return fitNumber(x, Infinity);
}

/**
 * formatNumber's form with as many of its digits as fit in `maxChars` characters (a node's 62 px
 * cell holds 7 of its 13 px monospace digits): `1.234e-12` → `1.2e-12`, `-5.67e+20` → `-5.7e20`.
 * Seven always fit: the shortest form of any float, `-5e-324`, has seven.
 */
export function fitNumber(x, maxChars) {
  if (x === null || x === undefined || Number.isNaN(x)) return "—";
  if (x === Infinity) return "∞";
  if (x === -Infinity) return "-∞";
  if (x === 0) return "0"; // also turns -0 into 0
  let text = withDigits(x, SIGNIFICANT);
  for (let digits = SIGNIFICANT - 1; text.length > maxChars && digits >= 1; digits -= 1) text = withDigits(x, digits);
  // Past the exponent's range a fixed number that still does not fit (-99999.5 is "-100000"): an exponent.
  if (text.length > maxChars) text = exponentForm(x, 1);
  return text;
}

function withDigits(x, digits) {
  const magnitude = Math.abs(x);
  if (magnitude >= 1e5 || magnitude < 1e-3) return exponentForm(x, digits);
  return String(Number(x.toPrecision(digits)));
}

function exponentForm(x, digits) {
  const [mantissa, exponent] = x.toExponential(digits - 1).split("e");
  return `${trimZeros(mantissa)}e${Number(exponent)}`;
}

/** A factor in a product: always parenthesised so signs read clearly, `(-2)·(-3)`. */
export function formatFactor(x) {
  return `(${formatNumber(x)})`;
}

/** A fraction (0 to 1) as a percent, to a tenth where it needs one: `0.665` → `66.5%`. */
export function formatPercent(fraction) {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return "—";
  return `${Number((fraction * 100).toFixed(1))}%`;
}

function trimZeros(text) {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}
