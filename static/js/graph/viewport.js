// Zoom, pan, fit and follow for the graph's SVG. It moves one group (`.viewport`) that the drawing
// lives in; what is drawn there is graph-view.js's business. Whoever needs to know what is in view
// (drawing only that, the minimap) listens with onChange.

const d3 = globalThis.d3;

/**
 * The smallest zoom at which a node's value and gradient (13px in graph.css) are at least 12 CSS px
 * on screen. A new graph is shown whole when that keeps this scale; otherwise it opens at this scale
 * on the step the timeline stands at, and the minimap and Fit show the whole.
 */
export const LEGIBLE_SCALE = 0.94;
/** Room the overlays take at the drawing's edges (toolbar above, legend below) before they are measured. */
const INSETS = { top: 50, right: 12, bottom: 46, left: 12 };
/** The graph card's parts drawn over the drawing: the view keeps what it must show clear of them. */
const OVERLAYS = ".graph-toolbar, .minimap, .legend, .graph-meta";
/** Room kept between what the view must show and the edge of the free room. */
const MARGIN = 10;
/** A resize settles for this long (ms) before the layout direction is chosen again (a rotation, a drag). */
const DIRECTION_SETTLE_MS = 250;

/** Top to bottom where the drawing is narrow (a phone held upright), left to right elsewhere. */
export function layoutDirection(size) {
  return size.width < 600 && size.height > size.width * 0.9 ? "TB" : "LR";
}

/** The box around some boxes ({x, y, width, height}, layout units). */
export function boundsOf(boxes) {
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.width));
  const y1 = Math.max(...boxes.map((b) => b.y + b.height));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * Where the view must move so `boxes` (the step's node first, then its inputs) are inside the free
 * room of a `size` view (less `insets` and a margin), as `t` ({k, x, y}) shows them now: null when
 * they are already (or the view is where it would go), else a transform that centres them, at
 * `preferredScale` (the zoom it had) or less, as much less as they need — but never below `floor`
 * (a legible scale, or the person's own smaller zoom): boxes that do not fit there keep the step's
 * node in view and the view stretches from it toward its inputs (the hints say what is left out).
 * Pure: exported for the tests.
 */
export function followTransform(boxes, t, size, insets = INSETS, preferredScale = t.k, floor = Math.min(preferredScale, LEGIBLE_SCALE)) {
  if (!boxes.length) return null;
  const b = boundsOf(boxes);
  const left = insets.left + MARGIN;
  const top = insets.top + MARGIN;
  const right = size.width - insets.right - MARGIN;
  const bottom = size.height - insets.bottom - MARGIN;
  const x0 = t.x + b.x * t.k;
  const y0 = t.y + b.y * t.k;
  if (x0 >= left && y0 >= top && x0 + b.width * t.k <= right && y0 + b.height * t.k <= bottom) return null;
  const fits = Math.min(preferredScale, Math.max(1e-3, right - left) / b.width, Math.max(1e-3, bottom - top) / b.height);
  const k = Math.max(fits, Math.min(floor, preferredScale));
  const node = boxes[0];
  const to = {
    k,
    x: axisOffset(b.x, b.width, node.x, node.width, left, right, k),
    y: axisOffset(b.y, b.height, node.y, node.height, top, bottom, k),
  };
  const still = Math.abs(to.k - t.k) < 1e-9 && Math.abs(to.x - t.x) < 0.5 && Math.abs(to.y - t.y) < 0.5;
  return still ? null : to;
}

/**
 * One axis of followTransform: the offset that centres the span [start, start + length) between `low`
 * and `high` at scale k; when it does not fit, the one that puts the node's span [nodeStart, +nodeLength)
 * at the edge away from the rest, so the view shows as much of the rest (the inputs) as it can.
 */
function axisOffset(start, length, nodeStart, nodeLength, low, high, k) {
  if (length * k <= high - low) return (low + high) / 2 - (start + length / 2) * k;
  const restBefore = start + length / 2 < nodeStart + nodeLength / 2;
  return restBefore ? high - (nodeStart + nodeLength) * k : low - nodeStart * k;
}

/**
 * How a new graph opens in a `size` view: whole when that keeps its text legible (LEGIBLE_SCALE),
 * else at that scale with `boxes` (the step's node and its inputs) at the centre of the free room.
 * Pure: exported for the tests.
 */
export function openTransform(content, boxes, size, insets = INSETS) {
  const whole = fitTransform(content, size, insets);
  if (whole.k >= LEGIBLE_SCALE || !boxes.length) return whole;
  const far = { k: LEGIBLE_SCALE, x: -1e9, y: -1e9 }; // out of view: followTransform centres them
  return followTransform(boxes, far, size, insets);
}

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
    this.stepListeners = [];
    this.directionListeners = [];
    this.directionTimer = null;
    this.frame = null;

    // The drawing's size on screen, kept current without forcing a layout on every step. A resize
    // keeps the zoom and what is at the centre of the view (a rotated phone, a narrowed window).
    this.size = { width: svg.clientWidth || 800, height: svg.clientHeight || 500 };
    new ResizeObserver(([entry]) => {
      const { width, height } = entry.contentRect;
      if (!width || !height) return;
      this.measuredInsets = null; // the overlays may have moved (they wrap with the width)
      const before = this.size;
      this.size = { width, height };
      if (this.layout && (before.width !== width || before.height !== height)) {
        if (this.fitted) {
          this.fit(false); // a fitted graph stays fitted
          return;
        }
        // From where a glide under way was going (a resize would otherwise stop it halfway), and then
        // the step shown stays in view (a panel below that grew has shrunk the drawing).
        const t = this.target ?? this.transform();
        this.apply(t.translate((width - before.width) / 2 / t.k, (height - before.height) / 2 / t.k), false);
        if (this.stepId && !this.personMoved) this.follow(this.stepId, { animate: false });
        this.settleDirection();
      }
    }).observe(svg);
    const overlays = new ResizeObserver(() => (this.measuredInsets = null));
    overlays.observe(svg);
    for (const overlay of svg.parentElement?.querySelectorAll(OVERLAYS) ?? []) overlays.observe(overlay);

    this.zoom = d3
      .zoom()
      // The size we already know: D3 would otherwise measure the SVG, forcing the browser to lay out
      // a changed page there and then.
      .extent(() => [[0, 0], [this.size.width, this.size.height]])
      .scaleExtent([0.002, 4])
      .on("zoom", (event) => {
        this.layer.attr("transform", event.transform);
        if (event.sourceEvent) {
          this.fitted = false; // a person zoomed or panned
          this.zoomedOut = false;
          this.personMoved = true;
        }
        this.changed();
      });
    this.svg.call(this.zoom).on("dblclick.zoom", null);
  }

  /** The step shown now is at drawn node `id` (null: none), followed or not: `onStep`'s listeners hear it. */
  setStep(id) {
    this.stepId = id;
    for (const listener of this.stepListeners) listener(id);
  }

  /** Call `listener(id)` whenever the step shown changes (setStep). */
  onStep(listener) {
    this.stepListeners.push(listener);
  }

  /**
   * Call `listener(direction)` when the drawing, resized across the narrow↔wide line (a phone turned),
   * wants the other layout direction than the one on show: once the size has settled, and never
   * when the direction stays.
   */
  onDirectionChange(listener) {
    this.directionListeners.push(listener);
  }

  settleDirection() {
    clearTimeout(this.directionTimer);
    this.directionTimer = setTimeout(() => {
      const wanted = layoutDirection(this.size);
      if (this.layout?.direction && this.layout.direction !== wanted) for (const listener of this.directionListeners) listener(wanted);
    }, DIRECTION_SETTLE_MS);
  }

  /** An overlay opened or closed (the minimap's toggle): measure the free room again, keep the step clear. */
  overlaysChanged() {
    this.measuredInsets = null;
    if (this.stepId) this.follow(this.stepId);
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
    // Each drawn node's inputs (the sources of the edges into it): a step is about a node and its inputs.
    this.inputs = new Map();
    for (const edge of layout?.edges ?? []) {
      if (!this.inputs.has(edge.target)) this.inputs.set(edge.target, new Set());
      this.inputs.get(edge.target).add(edge.source);
    }
    this.changed();
  }

  /** The boxes a step at drawn node `id` is about: the node's and its inputs'. */
  stepBoxes(id) {
    const ids = [id, ...(this.inputs?.get(id) ?? [])];
    return ids.map((i) => this.layout?.nodes.get(i)).filter(Boolean);
  }

  /**
   * The room the overlays leave free, measured (they wrap and move with the window: the minimap sits
   * at the top on narrow screens): each overlay takes a band at the top or bottom of the drawing.
   */
  insets() {
    // Measured once and kept until an overlay or the drawing changes size: measuring on every step
    // would make the browser lay out the step's changes there and then (on a 1,000-node drawing).
    return (this.measuredInsets ??= this.measureInsets());
  }

  measureInsets() {
    const svg = this.svgElement.getBoundingClientRect();
    const card = this.svgElement.parentElement;
    if (!card || !svg.height) return INSETS;
    const insets = { top: 8, right: 8, bottom: 8, left: 8 };
    for (const overlay of card.querySelectorAll(OVERLAYS)) {
      const r = overlay.getBoundingClientRect();
      if (!r.width || !r.height) continue; // not shown
      if (r.top + r.height / 2 < svg.top + svg.height / 2) insets.top = Math.max(insets.top, r.bottom - svg.top);
      else insets.bottom = Math.max(insets.bottom, svg.bottom - r.top);
    }
    return insets;
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
    const { k, x, y } = fitTransform(this.layout, this.size, this.insets());
    this.apply(d3.zoomIdentity.translate(x, y).scale(k), animate);
    this.fitted = true;
  }

  /**
   * How a new graph opens: whole when its text stays legible so; otherwise at a legible scale, with
   * the step the timeline stands at (drawn node `focusId` and its inputs) in the middle of the view.
   */
  open(focusId) {
    if (!this.layout) return;
    this.stepId = focusId;
    const insets = this.insets();
    const { k, x, y } = openTransform(this.layout, this.stepBoxes(focusId), this.size, insets);
    this.apply(d3.zoomIdentity.translate(x, y).scale(k), false);
    this.fitted = fitTransform(this.layout, this.size, insets).k === k;
    this.zoomedOut = !this.fitted && k < LEGIBLE_SCALE;
    this.personMoved = false;
  }

  zoomBy(factor) {
    this.fitted = false;
    this.personMoved = true;
    const duration = this.duration(200);
    if (duration) this.svg.transition().duration(duration).call(this.zoom.scaleBy, factor);
    else this.svg.call(this.zoom.scaleBy, factor);
  }

  /**
   * Keep a step in view: when drawn node `id` or one of its inputs is outside the room the overlays
   * leave, move so they are all in its middle (zooming out only when they would not fit). A view
   * that shows them already stays where it is.
   */
  follow(id, { animate = true } = {}) {
    if (!this.layout || !id) return;
    this.stepId = id;
    // Where the view is, or is gliding to.
    const t = this.target ?? this.transform();
    // A zoom this view chose to take in a step far apart gives way to a legible one at the next move;
    // a zoom a person chose stays.
    const preferred = this.zoomedOut ? Math.max(t.k, LEGIBLE_SCALE) : t.k;
    const to = followTransform(this.stepBoxes(id), t, this.size, this.insets(), preferred);
    if (!to) return;
    this.zoomedOut = to.k < Math.min(preferred, LEGIBLE_SCALE);
    this.personMoved = false;
    // Panning a 1,000-node drawing repaints it every frame: big graphs jump instead of gliding.
    this.apply(d3.zoomIdentity.translate(to.x, to.y).scale(to.k), animate && !this.large);
  }

  /** Bring drawn node `id` into the free room when it is not there (the keyboard moved to it). */
  show(id) {
    const box = this.layout?.nodes.get(id);
    if (!box) return;
    const to = followTransform([box], this.target ?? this.transform(), this.size, this.insets());
    if (to) this.apply(d3.zoomIdentity.translate(to.x, to.y).scale(to.k), !this.large);
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
    const insets = this.insets();
    const cy = insets.top + (height - insets.top - insets.bottom) / 2;
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
    if (duration) {
      this.target = transform; // until the glide ends (or a person takes over)
      this.svg
        .transition()
        .duration(duration)
        .call(this.zoom.transform, transform)
        .on("end interrupt", () => {
          if (this.target === transform) this.target = null;
        });
    } else {
      this.target = null;
      this.svg.interrupt().call(this.zoom.transform, transform);
    }
  }
}

/** The zoom buttons: in, out, and Fit (the whole graph, every time). */
export function wireZoomButtons(viewport, { zoomIn, zoomOut, fit }) {
  zoomIn.addEventListener("click", () => viewport.zoomBy(1.3));
  zoomOut.addEventListener("click", () => viewport.zoomBy(1 / 1.3));
  fit.addEventListener("click", () => viewport.fit(true));
}
