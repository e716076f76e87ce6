// A run's loss and accuracy, epoch by epoch: the loss curve's data. Frames come at most 20 a second,
// but each carries `history`, every epoch since the previous frame, so no epoch is missed. The test
// set's loss comes once a frame (`test_loss`; every epoch when a frame's history carries it), its own
// sparser curve. Pure: no DOM.

export class TrainingHistory {
  constructor() {
    this.clear();
  }

  clear() {
    this.epochs = [];
    this.loss = [];
    this.accuracy = [];
    this.test = { epochs: [], loss: [] };
  }

  get length() {
    return this.epochs.length;
  }

  get lastEpoch() {
    return this.epochs.length ? this.epochs[this.epochs.length - 1] : 0;
  }

  /**
   * Add a frame's `history` ({epochs, loss, accuracy}). Epochs the curve already has are skipped, so
   * a frame seen twice changes nothing; the run going on from a stop continues the same arrays.
   */
  append(history, testLoss = null) {
    if (!history) return;
    const { epochs, loss, accuracy } = history;
    const lastTest = this.test.epochs.length ? this.test.epochs[this.test.epochs.length - 1] : 0;
    for (let i = 0; i < epochs.length; i++) {
      if (Array.isArray(history.test_loss) && epochs[i] > lastTest) this.addTest(epochs[i], history.test_loss[i]);
      if (epochs[i] <= this.lastEpoch) continue;
      this.epochs.push(epochs[i]);
      this.loss.push(loss[i]);
      this.accuracy.push(accuracy[i]);
    }
    const epoch = epochs[epochs.length - 1];
    if (!Array.isArray(history.test_loss) && testLoss !== null && epoch !== undefined) this.addTest(epoch, testLoss);
  }

  addTest(epoch, loss) {
    const { test } = this;
    if (loss === null || loss === undefined || (test.epochs.length && test.epochs[test.epochs.length - 1] >= epoch)) return;
    test.epochs.push(epoch);
    test.loss.push(loss);
  }

  /** Is there a test set's curve? */
  get hasTest() {
    return this.test.epochs.length > 0;
  }

  /** The test loss at the recorded test epoch nearest to `epoch`, or null. */
  testLossNear(epoch) {
    const { epochs, loss } = this.test;
    let best = -1;
    for (let i = 0; i < epochs.length; i++) if (best < 0 || Math.abs(epochs[i] - epoch) < Math.abs(epochs[best] - epoch)) best = i;
    return best < 0 ? null : loss[best];
  }

  /** Epoch i's numbers ({epoch, loss, accuracy}) by position. */
  at(i) {
    return { epoch: this.epochs[i], loss: this.loss[i], accuracy: this.accuracy[i] };
  }

  /** The position of the recorded epoch nearest to `epoch` (a hover), or -1 when there is none. */
  nearest(epoch) {
    const { epochs } = this;
    if (!epochs.length) return -1;
    let low = 0;
    let high = epochs.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (epochs[middle] < epoch) low = middle + 1;
      else high = middle;
    }
    if (low > 0 && epoch - epochs[low - 1] <= epochs[low] - epoch) return low - 1;
    return low;
  }

  /** The loss axis's top: the largest loss recorded (1 before any; never 0, so the axis has a height). */
  lossTop() {
    let top = 0;
    for (const value of this.loss) if (Number.isFinite(value) && value > top) top = value;
    for (const value of this.test.loss) if (Number.isFinite(value) && value > top) top = value;
    return top > 0 ? top : 1;
  }
}
