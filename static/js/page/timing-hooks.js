// How long a run took, from the click to the painted graph, published where tests and benchmarks
// read it: `window.__bpx_timings` ({answered, laidOut, viewDrawn, viewPainted, drawn, painted} in ms
// since the run started: the answer back, the layout there, the part in view drawn and painted, every
// element drawn and painted),
// `window.__bpx_lastRenderMs`, and on the graph's SVG `data-render-ms` and `data-ready` (a count of
// drawings painted: it changes when a newer answer, or a fold, has been painted).

export class RunTiming {
  /** @param {number} started performance.now() when the run started */
  constructor(started) {
    this.started = started;
    this.timings = {};
  }

  /** Record a stage as the time since the run started; `at` overrides the clock. */
  mark(stage, at = performance.now() - this.started) {
    this.timings[stage] = at;
  }

  /** Record `stage` once the browser has painted what is drawn now (two animation frames on). */
  whenFramePainted(stage) {
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        this.timings[stage] = performance.now() - this.started;
      }),
    );
  }

  /**
   * Once the browser has painted (two animation frames on), record `painted`, publish all and
   * call `then(ms)`.
   */
  whenPainted(svg, count, then = () => {}) {
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        const ms = performance.now() - this.started;
        this.timings.painted = ms;
        window.__bpx_lastRenderMs = ms;
        window.__bpx_timings = this.timings;
        svg.dataset.renderMs = ms.toFixed(1);
        svg.dataset.ready = String(count);
        then(ms);
      }),
    );
  }
}
