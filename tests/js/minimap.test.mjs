import { test } from "node:test";
import assert from "node:assert/strict";
import { minimapGeometry, wholeInView } from "../../static/js/graph/minimap.js";

test("the minimap keeps the graph's shape within its largest size", () => {
  assert.deepEqual(minimapGeometry({ width: 3600, height: 1100 }, { width: 180, height: 110 }), { scale: 0.05, width: 180, height: 55 });
  assert.deepEqual(minimapGeometry({ width: 1000, height: 2200 }, { width: 180, height: 110 }), { scale: 0.05, width: 50, height: 110 });
  // A very long, thin graph still gets a strip one can click on.
  assert.deepEqual(minimapGeometry({ width: 200_000, height: 300 }, { width: 180, height: 110 }).height, 16);
});

test("the minimap is only needed while part of the graph is out of view", () => {
  const layout = { width: 500, height: 300 };
  assert.equal(wholeInView(layout, { x0: -10, y0: -5, x1: 520, y1: 310 }), true);
  assert.equal(wholeInView(layout, { x0: 10, y0: -5, x1: 520, y1: 310 }), false);
  assert.equal(wholeInView(layout, { x0: -10, y0: -5, x1: 520, y1: 290 }), false);
});

import { minimapOpen } from "../../static/js/graph/minimap.js";

test("on a narrow panel (a phone) the minimap starts folded away; the person's toggle decides after", () => {
  assert.equal(minimapOpen(null, 378), false);
  assert.equal(minimapOpen(null, 1000), true);
  assert.equal(minimapOpen(true, 378), true);
  assert.equal(minimapOpen(false, 1000), false);
});
