import { test } from "node:test";
import assert from "node:assert/strict";
import { FRAME_FIELDS, FrameLog, snapshot } from "../../static/js/core/training-frames.js";

const run = (epoch, extra = {}) => ({ epoch, loss: 1 / (epoch + 1), parameters: { w: epoch }, boundary: { size: 1, values: [epoch] }, points: [[0, 0]], ...extra });

test("a snapshot keeps what changes from frame to frame, shared not copied, and nothing else", () => {
  const live = run(3, { warnings: [{ code: "stalled", message: "…" }] });
  const frame = snapshot(live);
  assert.deepEqual(Object.keys(frame), FRAME_FIELDS);
  assert.equal(frame.parameters, live.parameters);
  assert.equal(frame.boundary, live.boundary);
  assert.equal(frame.testAccuracy, null);
  assert.ok(!("points" in frame));
  live.parameters = { w: 99 }; // the session replaces objects, never changes them: the record stays
  assert.deepEqual(frame.parameters, { w: 3 });
});

test("frames are kept in epoch order; a replayed epoch replaces the later ones; a reset keeps epoch 0", () => {
  const log = new FrameLog();
  for (const epoch of [0, 1, 2, 3]) log.record(run(epoch));
  assert.deepEqual(log.frames.map((f) => f.epoch), [0, 1, 2, 3]);
  log.record(run(2, { loss: 7 })); // going on from epoch 2 again
  assert.deepEqual(log.frames.map((f) => f.epoch), [0, 1, 2]);
  assert.equal(log.last.loss, 7);
  assert.equal(log.at(1).epoch, 1);
  assert.equal(log.at(9), null);
  log.keepFirst();
  assert.deepEqual(log.frames.map((f) => f.epoch), [0]);
  log.clear();
  assert.equal(log.length, 0);
  assert.equal(log.last, null);
});
