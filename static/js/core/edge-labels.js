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

/** A label's line height and the room kept between a label and any node. */
export const LABEL_LINE_HEIGHT = 15;
const CLEARANCE = 3;

/**
 * A backward edge's label as lines: left to right the layers leave a narrow gap, so the local
 * derivative goes over the contribution (`×(-3)` / `→ 6`); top to bottom one line, `×(-3) → 6`.
 */
export function labelLines(text, direction) {
  if (direction !== "LR") return [text];
  const at = text.indexOf(" → ");
  // The first line keeps its trailing space: the label's text still reads `×(-3) → 6` as one.
  return at < 0 ? [text] : [text.slice(0, at + 1), text.slice(at + 1)];
}

/** The size of a label's box for its lines. */
export function labelSize(lines) {
  return { width: Math.max(...lines.map((line) => labelWidth(line.trimEnd()))), height: lines.length * LABEL_LINE_HEIGHT + 4 };
}

/** Points along a path of `M` and cubic `C` segments, `perSegment` each, the middle of the path first. */
export function pointsAlong(d, perSegment = 8) {
  const numbers = (d.match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g) ?? []).map(Number);
  if (!/^M/.test(d) || numbers.length < 8 || (numbers.length - 2) % 6 !== 0) return [];
  const points = [];
  for (let at = 2; at + 6 <= numbers.length; at += 6) {
    const [x0, y0] = [numbers[at - 2], numbers[at - 1]];
    const [x1, y1, x2, y2, x3, y3] = numbers.slice(at, at + 6);
    for (let i = 1; i < perSegment; i++) {
      const t = i / perSegment;
      const u = 1 - t;
      const [a, b, c, e] = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
      points.push({ x: a * x0 + b * x1 + c * x2 + e * x3, y: a * y0 + b * y1 + c * y2 + e * y3 });
    }
  }
  const middle = (points.length - 1) / 2;
  return points.map((p, i) => [Math.abs(i - middle), i, p]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, , p]) => p);
}

/**
 * Where a label of `size` goes on the edge drawn by path `d`: its box's top-left corner, at the point
 * of the curve nearest its middle where the box covers none of `boxes` (the nodes' boxes, layout
 * units); the middle of the curve when there is no such point. Null for a path it cannot read.
 */
export function placeLabel(d, size, boxes) {
  const candidates = pointsAlong(d);
  if (!candidates.length) return null;
  const corner = (p) => ({ x: p.x - size.width / 2, y: p.y - size.height / 2 });
  const clear = (c) =>
    boxes.every(
      (b) =>
        c.x + size.width + CLEARANCE <= b.x ||
        b.x + b.width + CLEARANCE <= c.x ||
        c.y + size.height + CLEARANCE <= b.y ||
        b.y + b.height + CLEARANCE <= c.y,
    );
  for (const point of candidates) {
    const c = corner(point);
    if (clear(c)) return c;
  }
  return corner(pathMidpoint(d) ?? candidates[0]);
}
