// Zoom, pan, fit and follow for the graph's SVG. It moves one group (`.viewport`) that the drawing
// lives in; what is drawn there is graph-view.js's business. Whoever needs to know what is in view
// (drawing only that, the minimap) listens with onChange.

const d3 = globalThis.d3;

/** A new graph is shown whole when that keeps its text at least this large, or it is this small; … */
export const WHOLE_GRAPH_MIN_SCALE = 0.5;
export const WHOLE_GRAPH_MAX_NODES = 30;
/** …it opens at this scale, where node text is readable, and the minimap shows the rest. */
export const READABLE_SCALE = 0.8;
/** Room the overlays take at the drawing's edges (toolbar above, legend below), kept clear by fit. */
const INSETS = { top: 50, right: 12, bottom: 46, left: 12 };

/**
 * The transform that shows a `content` box whole inside a `size` view, centred, leaving `insets`
 * free, never enlarged past `maxScale`. Pure: exported for the tests.
 */
export function fitTransform(content, size, insets = INSETS, maxScale = 1.6) {
  const room = {
    width: Math.max(40, size.width - insets.left - insets.right),
    height: Math.max(40, size.height - insets.top - insets.bottom),
  };
  const k = Math.min(room.width / content.width, room.height / content.height, maxScale);
  return {
    k,
    x: insets.left + (room.width - content.width * k) / 2,
    y: insets.top + (room.height - content.height * k) / 2,
  };
}

export class Viewport {
  /**
   * @param {SVGSVGElement} svg
   * @param {{reducedMotion: () => boolean}} options
   */
  constructor(svg, { reducedMotion }) {
    this.svgElement = svg;
    this.svg = d3.select(svg);
    this.reducedMotion = reducedMotion;
    this.layer = this.svg.append("g").attr("class", "viewport");
    this.layout = null;
    this.large = false;
    this.fitted = false; // the last move was Fit (and no person zoomed since): a new layout is fitted too
    this.listeners = [];
    this.frame = null;

    // The drawing's size on screen, kept current without forcing a layout on every step. A resize
    // keeps the zoom and what is at the centre of the view (a rotated phone, a narrowed window).
    this.size = { width: svg.clientWidth || 800, height: svg.clientHeight || 500 };
    new ResizeObserver(([entry]) => {
      const { width, height } = entry.contentRect;
      if (!width || !height) return;
      const before = this.size;
      this.size = { width, height };
      if (this.layout && (before.width !== width || before.height !== height)) {
        if (this.fitted) {
          this.fit(false); // a fitted graph stays fitted
          return;
        }
        const t = this.transform();
        this.apply(t.translate((width - before.width) / 2 / t.k, (height - before.height) / 2 / t.k), false);
      }
    }).observe(svg);

    this.zoom = d3
      .zoom()
      // The size we already know: D3 would otherwise measure the SVG, forcing the browser to lay out
      // a changed page there and then.
      .extent(() => [[0, 0], [this.size.width, this.size.height]])
      .scaleExtent([0.002, 4])
      .on("zoom", (event) => {
        this.layer.attr("transform", event.transform);
        if (event.sourceEvent) this.fitted = false; // a person zoomed or panned
        this.changed();
      });
    this.svg.call(this.zoom).on("dblclick.zoom", null);
  }

  /** Call `listener({rect, k})` (rect: the part of the drawing in view, in layout units) after each change, once a frame. */
  onChange(listener) {
    this.listeners.push(listener);
  }

  changed() {
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      const view = { rect: this.visibleRect(), k: this.transform().k };
      for (const listener of this.listeners) listener(view);
    });
  }

  /** What is drawn now: the layout's boxes, and whether the graph is big (jumps instead of glides). */
  setContent(layout, { large }) {
    this.layout = layout;
    this.large = large;
    this.changed();
  }

  transform() {
    return d3.zoomTransform(this.svgElement);
  }

  /** The part of the drawing in view, in layout units. */
  visibleRect(transform = this.transform()) {
    const { width, height } = this.size;
    const [x0, y0] = transform.invert([0, 0]);
    const [x1, y1] = transform.invert([width, height]);
    return { x0, y0, x1, y1 };
  }

  duration(ms) {
    return this.reducedMotion() ? 0 : ms;
  }

  /** Fit the whole graph in view, however small it gets (the Fit button). */
  fit(animate = true) {
    if (!this.layout) return;
    const { k, x, y } = fitTransform(this.layout, this.size);
    this.apply(d3.zoomIdentity.translate(x, y).scale(k), animate);
    this.fitted = true;
  }

  /**
   * How a new graph opens: whole when it stays legible so, or is small (a few nodes are worth seeing
   * together on a phone too); otherwise at a readable scale, showing `focusId` (the node the timeline
   * stands at) near the left.
   */
  open(focusId) {
    if (!this.layout) return;
    const fitted = fitTransform(this.layout, this.size);
    const box = this.layout.nodes.get(focusId);
    if (fitted.k >= WHOLE_GRAPH_MIN_SCALE || this.layout.nodes.size <= WHOLE_GRAPH_MAX_NODES || !box) {
      this.fit(false);
      return;
    }
    const k = READABLE_SCALE;
    const { height } = this.size;
    const x = Math.max(INSETS.left + 12, Math.min(this.size.width / 3, 120)) - box.x * k;
    const y = INSETS.top + (height - INSETS.top - INSETS.bottom) / 2 - (box.y + box.height / 2) * k;
    this.apply(d3.zoomIdentity.translate(x, y).scale(k), false);
  }

  zoomBy(factor) {
    this.fitted = false;
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
    const t = this.transform();
    const [x0, y0] = t.apply([box.x, box.y]);
    const [x1, y1] = t.apply([box.x + box.width, box.y + box.height]);
    const margin = 30;
    if (x0 >= margin && y0 >= INSETS.top && x1 <= width - margin && y1 <= height - INSETS.bottom) return;
    // Panning a 1,000-node drawing repaints it every frame: big graphs jump instead of gliding.
    this.centerOn(id, { animate: !this.large });
  }

  /** Put a node at the centre of the view; `scale` at least `minScale` when given. */
  centerOn(id, { animate = true, minScale = 0 } = {}) {
    const box = this.layout?.nodes.get(id);
    if (!box) return;
    this.centerAt({ x: box.x + box.width / 2, y: box.y + box.height / 2 }, { animate, minScale });
  }

  /** Put a point of the drawing (layout units) at the centre of the view. */
  centerAt(point, { animate = false, minScale = 0 } = {}) {
    const { width, height } = this.size;
    const k = Math.max(this.transform().k, minScale);
    const cy = INSETS.top + (height - INSETS.top - INSETS.bottom) / 2;
    this.apply(d3.zoomIdentity.translate(width / 2 - point.x * k, cy - point.y * k).scale(k), animate);
  }

  /** Move so that a node sits where it sat before the layout changed under it (folding a group). */
  keepInPlace(id, before) {
    const box = this.layout?.nodes.get(id);
    if (!box || !before) return;
    const t = this.transform();
    this.apply(d3.zoomIdentity.translate(before.x - box.x * t.k, before.y - box.y * t.k).scale(t.k), false);
  }

  /** The node whose centre is nearest the centre of the view (the one a person is looking at). */
  nodeNearestCentre() {
    if (!this.layout) return null;
    const { x0, y0, x1, y1 } = this.visibleRect();
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    let best = null;
    let bestDistance = Infinity;
    for (const box of this.layout.nodes.values()) {
      const distance = (box.x + box.width / 2 - cx) ** 2 + (box.y + box.height / 2 - cy) ** 2;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = box.id;
      }
    }
    return best;
  }

  /** Where a node's top-left corner is on screen now (for keepInPlace). */
  screenPosition(id) {
    const box = this.layout?.nodes.get(id);
    if (!box) return null;
    const [x, y] = this.transform().apply([box.x, box.y]);
    return { x, y };
  }

  apply(transform, animate) {
    this.fitted = false;
    const duration = animate ? this.duration(350) : 0;
    if (duration) this.svg.transition().duration(duration).call(this.zoom.transform, transform);
    else this.svg.interrupt().call(this.zoom.transform, transform);
  }
}

/** The zoom buttons: in, out, and Fit (the whole graph, every time). */
export function wireZoomButtons(viewport, { zoomIn, zoomOut, fit }) {
  zoomIn.addEventListener("click", () => viewport.zoomBy(1.3));
  zoomOut.addEventListener("click", () => viewport.zoomBy(1 / 1.3));
  fit.addEventListener("click", () => viewport.fit(true));
}
