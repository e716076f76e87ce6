// A run's loss and accuracy, epoch by epoch: the loss curve's data. Frames come at most 20 a second,
// but each carries `history`, every epoch since the previous frame, so no epoch is missed. Pure: no DOM.

export class TrainingHistory {
  constructor() {
    this.clear();
  }

  clear() {
    this.epochs = [];
    this.loss = [];
    this.accuracy = [];
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
  append(history) {
    if (!history) return;
    const { epochs, loss, accuracy } = history;
    for (let i = 0; i < epochs.length; i++) {
      if (epochs[i] <= this.lastEpoch) continue;
      this.epochs.push(epochs[i]);
      this.loss.push(loss[i]);
      this.accuracy.push(accuracy[i]);
    }
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
    return top > 0 ? top : 1;
  }
}
