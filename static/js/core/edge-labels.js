// Where a backward step's edge label goes, from the layout's own path text: no DOM measuring, so
// labelling an edge never makes the browser lay a big drawing out again mid-step. Pure.

/** Monospace at the label's font size: every character is this wide (graph.css: 12.5px). */
export const LABEL_CHAR_WIDTH = 7.6;
export const LABEL_PADDING = 10;

/**
 * The middle of an SVG path made of `M x,y` and cubic `C` segments (layout.js's edgePath): the
 * point at t = ½ of its middle segment. Null for anything else.
 */
export function pathMidpoint(d) {
  const numbers = (d.match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g) ?? []).map(Number);
  if (!/^M/.test(d) || numbers.length < 8 || (numbers.length - 2) % 6 !== 0) return null;
  const segments = (numbers.length - 2) / 6;
  const k = Math.floor((segments - 1) / 2);
  const at = 2 + 6 * k;
  const [x0, y0] = [numbers[at - 2], numbers[at - 1]];
  const [x1, y1, x2, y2, x3, y3] = numbers.slice(at, at + 6);
  // B(½) = (P0 + 3·P1 + 3·P2 + P3) / 8
  return { x: (x0 + 3 * x1 + 3 * x2 + x3) / 8, y: (y0 + 3 * y1 + 3 * y2 + y3) / 8 };
}

/** The width of a label's box for `text`. */
export function labelWidth(text) {
  return [...text].length * LABEL_CHAR_WIDTH + LABEL_PADDING;
}
