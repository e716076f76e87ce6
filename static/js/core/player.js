// The timeline player: which step is shown, stepping, play/pause at a chosen speed.
// It knows only numbers; whoever listens draws the step. A gate may hold a move back (predict mode
// asks before a step reveals a gradient): a held-back move leaves the step as it was and stops play.

const BASE_INTERVAL_MS = 750;

export class Player {
  /** @param {(index: number, cause: string) => void} onChange */
  constructor(onChange) {
    this.onChange = onChange;
    this.index = 0;
    this.total = 0;
    this.speed = 1;
    this.timer = null;
    this.onPlayingChange = () => {};
    /** @type {(index: number, cause: string) => boolean} may the player move to `index`? */
    this.gate = () => true;
  }

  get playing() {
    return this.timer !== null;
  }

  setTotal(total, index = this.index) {
    this.total = Math.max(0, total);
    this.go(index, "load");
  }

  /** Move to step `index` (clamped); false when the gate held the move back. */
  go(index, cause = "go") {
    const next = Math.min(Math.max(Math.trunc(Number(index)) || 0, 0), this.total);
    if (next !== this.index && !this.gate(next, cause)) {
      this.pause();
      return false;
    }
    this.index = next;
    this.onChange(next, cause);
    if (this.playing && next >= this.total) this.pause();
    return true;
  }

  forward() { this.go(this.index + 1, "forward"); }
  back() { this.go(this.index - 1, "back"); }
  toStart() { this.go(0, "start"); }
  toEnd() { this.go(this.total, "end"); }

  play() {
    if (this.playing || this.total === 0) return;
    if (this.index >= this.total) this.go(0, "restart");
    this.timer = setTimeout(() => this.tick(), this.interval());
    this.onPlayingChange(true);
  }

  pause() {
    if (!this.playing) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.onPlayingChange(false);
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  setSpeed(speed) {
    this.speed = speed > 0 ? speed : 1;
  }

  interval() {
    return BASE_INTERVAL_MS / this.speed;
  }

  tick() {
    this.timer = null;
    const moved = this.go(this.index + 1, "play");
    if (moved && this.index < this.total) this.timer = setTimeout(() => this.tick(), this.interval());
    else this.onPlayingChange(false);
  }
}
