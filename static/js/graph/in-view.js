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


/** Arrow keys as directions on the drawing. */
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/**
 * The box an arrow key moves to from box `from`: the nearest whose centre lies that way (within 60°
 * of it), nearness weighing a step sideways twice a step along. Null when there is none, or for
 * another key. Boxes: {id, x, y, width, height}.
 */
export function nearestInDirection(boxes, from, key) {
  const way = ARROWS[key];
  if (!way) return null;
  const centre = (b) => [b.x + b.width / 2, b.y + b.height / 2];
  const [fx, fy] = centre(from);
  let best = null;
  let bestCost = Infinity;
  for (const box of boxes) {
    if (box.id === from.id) continue;
    const [x, y] = centre(box);
    const along = (x - fx) * way[0] + (y - fy) * way[1];
    const aside = Math.abs((x - fx) * way[1] - (y - fy) * way[0]);
    if (along <= 0 || aside > along * Math.tan(Math.PI / 3)) continue;
    const cost = along + 2 * aside;
    if (cost < bestCost) {
      bestCost = cost;
      best = box;
    }
  }
  return best;
}

/**
 * The node an arrow key moves to. Along the layers' own line (up and down when they go left to right,
 * left and right top to bottom) the keys walk every node in reading order, layer after layer, so
 * each node is reached; across the layers they go to the nearest node that way (nearestInDirection).
 */
export function nextNode(boxes, from, key, direction = "LR") {
  const walk = direction === "TB" ? { ArrowLeft: -1, ArrowRight: 1 } : { ArrowUp: -1, ArrowDown: 1 };
  if (!(key in walk)) return nearestInDirection(boxes, from, key);
  const centre = (b) => (direction === "TB" ? [b.y + b.height / 2, b.x + b.width / 2] : [b.x + b.width / 2, b.y + b.height / 2]);
  const order = [...boxes].sort((a, b) => {
    const [a1, a2] = centre(a);
    const [b1, b2] = centre(b);
    return a1 - b1 || a2 - b2;
  });
  const at = order.findIndex((b) => b.id === from.id);
  return order[at + walk[key]] ?? null;
}
