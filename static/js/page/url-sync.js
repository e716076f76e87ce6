// The URL follows the page: after each change (debounced) the shown program, values, step and check
// are written into the hash, and opening or changing the hash by hand opens that state.
// The format is url-state.js's for the explorer; the Train view has its own (train-settings.js), and
// its own UrlSync: each one opens only the hashes its format reads.

import { decodeState, encodeState } from "../core/url-state.js";

const URL_DELAY_MS = 150;

/** Who keeps the URL instead of the views (a lesson being played: its place is the link), or null. */
let heldBy = null;

/** While `owner` is not null, no view writes its state into the URL. */
export function holdUrl(owner) {
  heldBy = owner;
}

export class UrlSync {
  /**
   * @param {object} options
   * @param {() => (import("../core/url-state.js").PageState | null)} options.current the state on show
   * @param {(state: import("../core/url-state.js").PageState) => void} options.open show a state from a URL
   * @param {(state: object) => string} [options.encode] state → hash (url-state.js's encodeState)
   * @param {(hash: string) => (object | null)} [options.decode] hash → state, null when not this format's
   */
  constructor({ current, open, encode = encodeState, decode = decodeState }) {
    this.current = current;
    this.open = open;
    this.encode = encode;
    this.decode = decode;
    this.written = "";
    this.timer = null;
    window.addEventListener("hashchange", () => {
      if (location.hash !== this.written) this.openFromUrl();
    });
  }

  /**
   * Write the URL soon: stepping through a graph writes it once, after the last step, and when the
   * page is idle (writing the URL makes the browser bring every style up to date there and then: in
   * the middle of drawing a big graph that costs a long pause).
   */
  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (globalThis.requestIdleCallback) requestIdleCallback(() => this.write(), { timeout: 2000 });
      else this.write();
    }, URL_DELAY_MS);
  }

  write() {
    if (heldBy) return;
    const state = this.current();
    if (!state) return;
    const hash = this.encode(state);
    // The other view may have written the URL since: then it is written again even if unchanged here.
    if (hash === this.written && location.hash === hash) return;
    this.written = hash;
    history.replaceState(null, "", `${location.pathname}${location.search}${hash}`);
  }

  /** Open the state the URL carries; false when it carries none. */
  openFromUrl() {
    const state = this.decode(location.hash);
    if (!state) return false;
    this.written = location.hash;
    this.open(state);
    return true;
  }
}
