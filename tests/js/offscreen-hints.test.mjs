import { test } from "node:test";
import assert from "node:assert/strict";
import { hintPlace } from "../../static/js/graph/offscreen-hints.js";

const room = { left: 8, top: 50, right: 392, bottom: 420 };

test("no hint for a node inside the free room", () => {
  assert.equal(hintPlace({ x0: 100, y0: 100, x1: 200, y1: 140 }, room), null);
});

test("a hint sits at the edge of the free room nearest the node out of view, its arrow toward it", () => {
  // Far up and to the left: the top left corner of the room, pointing up-left.
  const upLeft = hintPlace({ x0: -900, y0: -600, x1: -750, y1: -560 }, room);
  assert.deepEqual([upLeft.x, upLeft.y, upLeft.arrow], [8 + 56, 50 + 15, "↖"]);
  // Straight below: the bottom edge, above the node, pointing down.
  const below = hintPlace({ x0: 150, y0: 900, x1: 250, y1: 940 }, room);
  assert.deepEqual([below.x, below.y, below.arrow], [200, 420 - 15, "↓"]);
  // To the right: the right edge, pointing right.
  assert.equal(hintPlace({ x0: 500, y0: 200, x1: 600, y1: 240 }, room).arrow, "→");
  // A node mostly in view, its centre in the room, is seen: a hint would only cover it.
  assert.equal(hintPlace({ x0: 300, y0: 200, x1: 480, y1: 240 }, room), null);
  assert.notEqual(hintPlace({ x0: 380, y0: 200, x1: 480, y1: 240 }, room), null);
});
