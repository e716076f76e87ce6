// Where the drawn edges run: the ports on a node's box, an edge's SVG path (a curve through its bend
// points) and a box its curve stays inside, left to right or top to bottom. Pure: no DOM.

/** The op circle's radius (layout-plan.js's SIZES.opRadius): a top-to-bottom edge enters at its top. */
const OP_RADIUS = 13;

/**
 * Where an edge leaves a node and where it enters one: left to right, the source's right middle and
 * the target's left middle (its op circle's left); top to bottom, the source's bottom middle and the
 * target's top middle, or the top of its op circle.
 */
export function ports(sourceBox, targetBox, direction = "LR") {
  if (direction === "TB") {
    const circle = targetBox.recordX > 0;
    return {
      start: { x: sourceBox.x + sourceBox.width / 2, y: sourceBox.y + sourceBox.height },
      end: circle
        ? { x: targetBox.x + OP_RADIUS, y: targetBox.y + targetBox.height / 2 - OP_RADIUS }
        : { x: targetBox.x + targetBox.width / 2, y: targetBox.y },
    };
  }
  return {
    start: { x: sourceBox.x + sourceBox.width, y: sourceBox.y + sourceBox.height / 2 },
    end: { x: targetBox.x, y: targetBox.y + targetBox.height / 2 },
  };
}

const round = (v) => Math.round(v * 10) / 10;

/**
 * A box the drawn edge stays inside: its ends and bend points, widened by as much as a curve's
 * control points reach out (parallel edges bow by up to half their spread). For drawing only what is
 * in view; a little too big is fine, too small is not.
 */
export function edgeBounds(sourceBox, targetBox, edge, points = null, direction = "LR") {
  const { start, end } = ports(sourceBox, targetBox, direction);
  let x0 = Math.min(start.x, end.x);
  let x1 = Math.max(start.x, end.x);
  let y0 = Math.min(start.y, end.y);
  let y1 = Math.max(start.y, end.y);
  for (const p of points ?? []) {
    x0 = Math.min(x0, p.x);
    x1 = Math.max(x1, p.x);
    y0 = Math.min(y0, p.y);
    y1 = Math.max(y1, p.y);
  }
  const along = direction === "TB" ? Math.abs(end.y - start.y) : Math.abs(end.x - start.x);
  const reach = Math.max(30, along / 2);
  const bow = 30 + 13 * Math.max(0, (edge.parallelCount ?? 1) - 1);
  if (direction === "TB") return { x0: x0 - bow, y0: y0 - reach, x1: x1 + bow, y1: y1 + reach };
  return { x0: x0 - reach, y0: y0 - bow, x1: x1 + reach, y1: y1 + bow };
}

/**
 * The SVG path of one edge: a smooth curve through the layout's bend points when it has them,
 * otherwise a cubic curve; parallel edges (`x*x`) bow apart so each one is visible.
 */
export function edgePath(sourceBox, targetBox, edge, points = null, direction = "LR") {
  const { start, end } = ports(sourceBox, targetBox, direction);
  const via = points && points.length > 2 ? points.slice(1, -1) : [];
  const all = [start, ...via, end];
  if (direction === "TB") return verticalPath(all, edge);
  if (all.length === 2) {
    const dx = Math.max(24, (end.x - start.x) / 2);
    const bow = edge.parallelCount > 1 ? (edge.parallel - (edge.parallelCount - 1) / 2) * 26 : 0;
    return (
      `M${round(start.x)},${round(start.y)}` +
      `C${round(start.x + dx)},${round(start.y + bow)} ${round(end.x - dx)},${round(end.y + bow)} ` +
      `${round(end.x)},${round(end.y)}`
    );
  }
  // Horizontal tangents at every bend point read well in a left-to-right layered drawing.
  let d = `M${round(all[0].x)},${round(all[0].y)}`;
  for (let i = 1; i < all.length; i++) {
    const a = all[i - 1];
    const b = all[i];
    const dx = (b.x - a.x) / 2;
    d += `C${round(a.x + dx)},${round(a.y)} ${round(b.x - dx)},${round(b.y)} ${round(b.x)},${round(b.y)}`;
  }
  return d;
}

/** edgePath top to bottom: vertical tangents at every end and bend; parallel edges bow sideways. */
function verticalPath(all, edge) {
  const [start, end] = [all[0], all[all.length - 1]];
  if (all.length === 2) {
    const dy = Math.max(24, (end.y - start.y) / 2);
    const bow = edge.parallelCount > 1 ? (edge.parallel - (edge.parallelCount - 1) / 2) * 26 : 0;
    return (
      `M${round(start.x)},${round(start.y)}` +
      `C${round(start.x + bow)},${round(start.y + dy)} ${round(end.x + bow)},${round(end.y - dy)} ` +
      `${round(end.x)},${round(end.y)}`
    );
  }
  let d = `M${round(start.x)},${round(start.y)}`;
  for (let i = 1; i < all.length; i++) {
    const a = all[i - 1];
    const b = all[i];
    const dy = (b.y - a.y) / 2;
    d += `C${round(a.x)},${round(a.y + dy)} ${round(b.x)},${round(b.y - dy)} ${round(b.x)},${round(b.y)}`;
  }
  return d;
}
