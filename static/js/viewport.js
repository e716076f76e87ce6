// Zoom, pan, fit and follow for the graph's SVG. It moves one group (`.viewport`) that the drawing
// lives in; what is drawn there is graph-view.js's business.

const d3 = globalThis.d3;

export class Viewport {
  /**
   * @param {SVGSVGElement} svg
   * @param {{reducedMotion: () => boolean}} options
   */
  constructor(svg, { reducedMotion }) {
    this.svg = d3.select(svg);
    this.reducedMotion = reducedMotion;
    this.layer = this.svg.append("g").attr("class", "viewport");
    this.layout = null;
    this.startId = null; // the node a huge graph is shown from: the start of the forward pass
    this.large = false;

    // The drawing's size on screen, kept current without forcing a layout on every step.
    this.size = { width: svg.clientWidth || 800, height: svg.clientHeight || 500 };
    new ResizeObserver(([entry]) => {
      this.size = { width: entry.contentRect.width, height: entry.contentRect.height };
    }).observe(svg);

    this.zoom = d3
      .zoom()
      .scaleExtent([0.002, 4])
      .on("zoom", (event) => this.layer.attr("transform", event.transform));
    this.svg.call(this.zoom).on("dblclick.zoom", null);
    window.addEventListener("resize", () => this.fit(false));
  }

  /** What is drawn now: the layout's boxes, where the forward pass starts, whether the graph is big. */
  setContent(layout, { startId, large }) {
    this.layout = layout;
    this.startId = startId;
    this.large = large;
  }

  duration(ms) {
    return this.reducedMotion() ? 0 : ms;
  }

  /** Fit the whole graph in view; huge graphs start readable at their inputs instead. */
  fit(animate = true) {
    if (!this.layout) return;
    const { width, height } = this.size;
    if (!width || !height) return;
    const lw = this.layout.width;
    const lh = this.layout.height;
    let k = Math.min(width / lw, height / lh, 1.6) * 0.94;
    let tx = (width - lw * k) / 2;
    let ty = (height - lh * k) / 2;
    const first = this.layout.nodes.get(this.startId);
    if (k < 0.25 && first) {
      // A fitted 1,000-node graph is a hairline: show the start of the forward pass legibly instead.
      k = 0.7;
      tx = 24 - first.x * k;
      ty = height / 2 - (first.y + first.height / 2) * k;
    }
    this.apply(d3.zoomIdentity.translate(tx, ty).scale(k), animate);
  }

  /** Show the whole graph however small it gets (the Fit button's second press, or tests). */
  fitAll(animate = true) {
    if (!this.layout) return;
    const { width, height } = this.size;
    const k = Math.min(width / this.layout.width, height / this.layout.height, 1.3) * 0.96;
    const transform = d3.zoomIdentity
      .translate((width - this.layout.width * k) / 2, (height - this.layout.height * k) / 2)
      .scale(k);
    this.apply(transform, animate);
  }

  zoomBy(factor) {
    const duration = this.duration(200);
    if (duration) this.svg.transition().duration(duration).call(this.zoom.scaleBy, factor);
    else this.svg.call(this.zoom.scaleBy, factor);
  }

  /** Pan (keeping the zoom) so a node is in view, when it is not. */
  follow(id) {
    if (!this.layout || !id) return;
    const box = this.layout.nodes.get(id);
    if (!box) return;
    const { width, height } = this.size;
    const t = d3.zoomTransform(this.svg.node());
    const [x0, y0] = t.apply([box.x, box.y]);
    const [x1, y1] = t.apply([box.x + box.width, box.y + box.height]);
    const margin = 30;
    if (x0 >= margin && y0 >= margin && x1 <= width - margin && y1 <= height - margin) return;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const transform = d3.zoomIdentity.translate(width / 2 - cx * t.k, height / 2 - cy * t.k).scale(t.k);
    // Panning a 1,000-node drawing repaints it every frame: big graphs jump instead of gliding.
    this.apply(transform, !this.large);
  }

  apply(transform, animate) {
    const duration = animate ? this.duration(350) : 0;
    if (duration) this.svg.transition().duration(duration).call(this.zoom.transform, transform);
    else this.svg.call(this.zoom.transform, transform);
  }
}

/** The zoom buttons: in, out, and Fit (first press: the readable fit; again: the whole graph). */
export function wireZoomButtons(viewport, { zoomIn, zoomOut, fit }) {
  zoomIn.addEventListener("click", () => viewport.zoomBy(1.3));
  zoomOut.addEventListener("click", () => viewport.zoomBy(1 / 1.3));
  let fitPresses = 0;
  fit.addEventListener("click", () => {
    if (fitPresses++ % 2 === 0) viewport.fit(true);
    else viewport.fitAll(true);
  });
}
