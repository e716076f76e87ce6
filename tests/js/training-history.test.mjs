import { test } from "node:test";
import assert from "node:assert/strict";
import { TrainingHistory } from "../../static/js/core/training-history.js";

test("frames' histories join into one curve that misses no epoch and repeats none", () => {
  const history = new TrainingHistory();
  assert.equal(history.lastEpoch, 0);
  assert.equal(history.lossTop(), 1);
  history.append({ epochs: [1, 2, 3], loss: [0.9, 0.8, 0.7], accuracy: [0.5, 0.5, 0.6] });
  history.append({ epochs: [3, 4], loss: [0.7, 0.65], accuracy: [0.6, 0.62] }); // epoch 3 again: skipped
  history.append(undefined);
  history.append({ epochs: [5], loss: [0.6], accuracy: [0.7] }); // a run going on after a stop
  assert.deepEqual(history.epochs, [1, 2, 3, 4, 5]);
  assert.deepEqual(history.loss, [0.9, 0.8, 0.7, 0.65, 0.6]);
  assert.deepEqual(history.accuracy, [0.5, 0.5, 0.6, 0.62, 0.7]);
  assert.equal(history.length, 5);
  assert.equal(history.lastEpoch, 5);
  assert.deepEqual(history.at(3), { epoch: 4, loss: 0.65, accuracy: 0.62 });
  assert.equal(history.lossTop(), 0.9);
  history.clear();
  assert.equal(history.length, 0);
});

test("a hover finds the nearest recorded epoch (the earlier one on a tie)", () => {
  const history = new TrainingHistory();
  assert.equal(history.nearest(3), -1);
  history.append({ epochs: [1, 2, 4, 8], loss: [1, 1, 1, 1], accuracy: [0, 0, 0, 0] });
  assert.equal(history.nearest(-10), 0);
  assert.equal(history.nearest(1.4), 0);
  assert.equal(history.nearest(1.6), 1);
  assert.equal(history.nearest(3), 1);
  assert.equal(history.nearest(3.1), 2);
  assert.equal(history.nearest(6), 2);
  assert.equal(history.nearest(7), 3);
  assert.equal(history.nearest(1000), 3);
});

test("the test set's loss makes its own curve, a point a frame, and raises the axis when higher", () => {
  const history = new TrainingHistory();
  history.append({ epochs: [1, 2], loss: [0.9, 0.8], accuracy: [0.5, 0.6] }, 1.4);
  history.append({ epochs: [3], loss: [0.7], accuracy: [0.6] }, null); // a frame without a test set
  history.append({ epochs: [3, 4], loss: [0.7, 0.6], accuracy: [0.6, 0.7] }, 1.1);
  history.append({ epochs: [4], loss: [0.6], accuracy: [0.7] }, 1.0); // epoch 4 again: skipped
  assert.deepEqual(history.test, { epochs: [2, 4], loss: [1.4, 1.1] });
  assert.ok(history.hasTest);
  assert.equal(history.lossTop(), 1.4);
  assert.equal(history.testLossNear(3.9), 1.1);
  history.clear();
  assert.ok(!history.hasTest);
  assert.equal(history.testLossNear(1), null);
});
