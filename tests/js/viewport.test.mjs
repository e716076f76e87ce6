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
