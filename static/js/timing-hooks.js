// How long a run took, from the click to the painted graph, published where tests and benchmarks
// read it: `window.__bpx_timings` ({answered, laidOut, drawn, painted} in ms since the run started),
// `window.__bpx_lastRenderMs`, and on the graph's SVG `data-render-ms` and `data-ready` (the run's
// sequence number: it changes when a newer answer has been painted).

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

  /**
   * Once the browser has painted (two animation frames on), record `painted`, publish all and
   * call `then(ms)`.
   */
  whenPainted(svg, sequence, then = () => {}) {
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        const ms = performance.now() - this.started;
        this.timings.painted = ms;
        window.__bpx_lastRenderMs = ms;
        window.__bpx_timings = this.timings;
        svg.dataset.renderMs = ms.toFixed(1);
        svg.dataset.ready = String(sequence);
        then(ms);
      }),
    );
  }
}
