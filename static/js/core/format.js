// Number formatting shared by the graph, the panels and the chain-rule text (names: notation.js).
// Display only: attributes and exports keep the API's full-precision numbers.

const SIGNIFICANT = 4;

/** A compact, readable form of a number: 4 significant digits, exponent when very large or small. */
export function formatNumber(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return "—";
  if (x === Infinity) return "∞";
  if (x === -Infinity) return "-∞";
  if (x === 0) return "0"; // also turns -0 into 0
  const magnitude = Math.abs(x);
  if (magnitude >= 1e5 || magnitude < 1e-3) {
    const [mantissa, exponent] = x.toExponential(SIGNIFICANT - 1).split("e");
    return `${trimZeros(mantissa)}e${Number(exponent)}`;
  }
  return String(Number(x.toPrecision(SIGNIFICANT)));
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
