// The frames a run has received, kept so the Train view can look back (its scrubber): each one where
// the run stood after that frame's epoch — parameters, gradients, loss, accuracy, the test set's
// numbers, the boundary and the units' pictures in force then, and the warnings. The start line at
// epoch 0 is the first. Boundaries and unit grids are shared, not copied: a frame without one keeps
// the last one's. Pure: no DOM.

/** The fields of a run (training-session.js) that change from frame to frame. */
export const FRAME_FIELDS = [
  "epoch",
  "loss",
  "accuracy",
  "testLoss",
  "testAccuracy",
  "learningRate",
  "parameters",
  "gradients",
  "boundary",
  "units",
  "warnings",
];

/** A run's changing state, as it stands, for the record. */
export function snapshot(run) {
  const frame = {};
  for (const field of FRAME_FIELDS) frame[field] = run[field] ?? null;
  return frame;
}

export class FrameLog {
  constructor() {
    this.frames = [];
  }

  get length() {
    return this.frames.length;
  }

  clear() {
    this.frames = [];
  }

  /** The run as it stands now, recorded (a frame of an epoch already recorded replaces the later ones). */
  record(run) {
    const frame = snapshot(run);
    while (this.frames.length && this.frames[this.frames.length - 1].epoch >= frame.epoch) this.frames.pop();
    this.frames.push(frame);
  }

  /** Back to the first frame alone (a reset: epoch 0 again). */
  keepFirst() {
    this.frames = this.frames.slice(0, 1);
  }

  at(index) {
    return this.frames[index] ?? null;
  }

  get last() {
    return this.frames.length ? this.frames[this.frames.length - 1] : null;
  }
}
