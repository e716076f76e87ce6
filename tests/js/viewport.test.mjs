import { test } from "node:test";
import assert from "node:assert/strict";
import { fitTransform } from "../../static/js/graph/viewport.js";

const insets = { top: 50, right: 12, bottom: 46, left: 12 };

test("fit shows the whole drawing inside the room the overlays leave, centred", () => {
  const { k, x, y } = fitTransform({ width: 2000, height: 500 }, { width: 1000, height: 600 }, insets);
  assert.equal(k, (1000 - 24) / 2000); // the width decides
  assert.equal(x, 12);
  assert.equal(y, 50 + (504 - 500 * k) / 2);
  // Every corner of the drawing lands inside the free room.
  for (const [px, py] of [[0, 0], [2000, 500]]) {
    assert.ok(x + px * k >= 12 - 1e-9 && x + px * k <= 1000 - 12 + 1e-9);
    assert.ok(y + py * k >= 50 && y + py * k <= 600 - 46);
  }
});

test("a small drawing is never blown up past the largest scale", () => {
  const { k, x } = fitTransform({ width: 100, height: 50 }, { width: 1000, height: 600 }, insets, 1.6);
  assert.equal(k, 1.6);
  assert.equal(x, 12 + (976 - 160) / 2);
});

import { LEGIBLE_SCALE, followTransform, layoutDirection, openTransform } from "../../static/js/graph/viewport.js";

const size = { width: 700, height: 600 };
const box = (x, y, width = 160, height = 40) => ({ x, y, width, height });
const onScreen = (b, t) => ({ x0: t.x + b.x * t.k, y0: t.y + b.y * t.k, x1: t.x + (b.x + b.width) * t.k, y1: t.y + (b.y + b.height) * t.k });
const inRoom = (b, t) => {
  const s = onScreen(b, t);
  return s.x0 >= insets.left && s.y0 >= insets.top && s.x1 <= size.width - insets.right && s.y1 <= size.height - insets.bottom;
};

test("a view that already shows a step's node and inputs does not move", () => {
  const t = { k: 1, x: 0, y: 0 };
  assert.equal(followTransform([box(100, 100), box(300, 200)], t, size, insets), null);
});

test("a step out of view is brought to the middle of the free room, at the same zoom when it fits", () => {
  const t = { k: 1, x: 0, y: 0 };
  const step = [box(900, 100), box(1100, 180)];
  const to = followTransform(step, t, size, insets);
  assert.equal(to.k, 1);
  for (const b of step) assert.ok(inRoom(b, to));
});

test("a step a little wider than the view zooms out just enough, never in past the zoom a person chose", () => {
  const step = [box(0, 0), box(520, 0)];
  const to = followTransform(step, { k: 1, x: 500, y: 0 }, size, insets);
  assert.ok(to.k < 1 && to.k >= LEGIBLE_SCALE);
  for (const b of step) assert.ok(inRoom(b, to));
  const small = followTransform([box(900, 0)], { k: 0.5, x: 0, y: 0 }, size, insets);
  assert.equal(small.k, 0.5);
});

test("a step too wide to read whole stays legible: its node in view, the view stretched toward its inputs", () => {
  // The node far right of an input (left to right), then far below one (top to bottom).
  for (const [node, input] of [[box(2000, 0), box(0, 40)], [box(0, 3000), box(400, 0)]]) {
    const to = followTransform([node, input], { k: 1, x: 5000, y: 5000 }, size, insets);
    assert.equal(to.k, LEGIBLE_SCALE);
    assert.ok(13 * to.k >= 12); // graph.css: the numbers are 13px
    assert.ok(inRoom(node, to));
    assert.ok(!inRoom(input, to));
    // The node sits at the edge away from the input: the room shows as much toward it as it can.
    const s = onScreen(node, to);
    if (input.x < node.x) assert.ok(Math.abs(s.x1 - (size.width - insets.right - 10)) < 1e-6);
    else assert.ok(Math.abs(s.y1 - (size.height - insets.bottom - 10)) < 1e-6);
    // Asked again from there, the view stays.
    assert.equal(followTransform([node, input], to, size, insets), null);
  }
  // A zoom a person chose below legible is theirs: the view keeps it.
  const theirs = followTransform([box(2000, 0), box(0, 0)], { k: 0.2, x: 900, y: 0 }, size, insets);
  assert.equal(theirs.k, 0.2);
});

test("a graph too big to read whole opens legible, on the step it stands at", () => {
  const content = { width: 3000, height: 400 };
  const step = [box(2500, 100), box(2300, 200)];
  const t = openTransform(content, step, size, insets);
  assert.equal(t.k, LEGIBLE_SCALE);
  assert.ok(13 * t.k >= 12); // graph.css: the numbers are 13px
  for (const b of step) assert.ok(inRoom(b, t));
  // Small enough to read whole: shown whole.
  assert.deepEqual(openTransform({ width: 500, height: 300 }, step, size, insets), fitTransform({ width: 500, height: 300 }, size, insets));
});

test("layers go top to bottom on a narrow, upright drawing and left to right elsewhere", () => {
  assert.equal(layoutDirection({ width: 378, height: 448 }), "TB");
  assert.equal(layoutDirection({ width: 707, height: 608 }), "LR");
  assert.equal(layoutDirection({ width: 500, height: 200 }), "LR");
});

import { nearestInDirection, nextNode } from "../../static/js/graph/in-view.js";

test("arrow keys: across the layers to the nearest node that way, along them through every node", () => {
  // Two layers left to right: a, b above each other, then c.
  const a = { id: "a", ...box(0, 0) };
  const b = { id: "b", ...box(0, 100) };
  const c = { id: "c", ...box(300, 50) };
  const boxes = [a, b, c];
  assert.equal(nearestInDirection(boxes, a, "ArrowRight").id, "c");
  assert.equal(nearestInDirection(boxes, c, "ArrowLeft").id, "a"); // a tie: the first
  assert.equal(nearestInDirection(boxes, a, "ArrowLeft"), null);
  assert.equal(nextNode(boxes, a, "ArrowDown").id, "b");
  assert.equal(nextNode(boxes, b, "ArrowDown").id, "c"); // on to the next layer
  assert.equal(nextNode(boxes, c, "ArrowDown"), null);
  // Top to bottom the walk goes left to right, the jumps up and down.
  assert.equal(nextNode(boxes, a, "ArrowRight", "TB").id, "c");
  // Walking from any node reaches all of a random drawing.
  const many = Array.from({ length: 200 }, (_, i) => ({ id: `n${i}`, ...box((i * 7919) % 1300, (i * 104729) % 900) }));
  let at = many[17];
  const seen = new Set([at.id]);
  while (nextNode(many, at, "ArrowUp")) at = nextNode(many, at, "ArrowUp");
  for (let next = at; next; next = nextNode(many, next, "ArrowDown")) seen.add(next.id);
  assert.equal(seen.size, 200);
});
