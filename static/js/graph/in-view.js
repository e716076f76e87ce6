// What is in view: node and edge bounds, and the order a big graph is drawn in (what is in view first).

export const nodeBounds = (box) => ({ x0: box.x - 6, y0: box.y - 18, x1: box.x + box.width + 6, y1: box.y + box.height + 6 });
export const intersects = (a, b) => a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
export const grow = (r, m) => ({ x0: r.x0 - m, y0: r.y0 - m, x1: r.x1 + m, y1: r.y1 + m });

/** Items in order of how near their bounds are to the centre of `focus`: what is in view comes first. */
export function byDistance(items, boundsOf, focus) {
  const cx = (focus.x0 + focus.x1) / 2;
  const cy = (focus.y0 + focus.y1) / 2;
  const distance = new Map();
  for (const item of items) {
    const b = boundsOf(item);
    const dx = Math.max(b.x0 - cx, 0, cx - b.x1);
    const dy = Math.max(b.y0 - cy, 0, cy - b.y1);
    distance.set(item, intersects(b, focus) ? 0 : 1 + Math.hypot(dx, dy));
  }
  return [...items].sort((a, b) => distance.get(a) - distance.get(b));
}

