// The minimap: the whole graph in miniature in a corner of the graph card, with a frame around the part
// in view. A click or a drag on it moves the view there. Shown whenever part of the graph is out of
// view. The boxes are painted once per layout into a canvas of their own; a change of view only
// copies that and draws the frame. On a narrow panel (a phone) it would cover a good part of what
// the camera shows: there it starts folded away, and its toggle (the Map button) opens it.

/** The largest the minimap gets (CSS pixels), and at most this share of the card's width. */
const MAX_SIZE = { width: 180, height: 110 };
const MAX_SHARE = 0.4;

/**
 * Where the layout goes in a minimap no larger than `max`: its scale and the canvas size. Pure.
 * @param {{width: number, height: number}} layout
 */
export function minimapGeometry(layout, max = MAX_SIZE) {
  const scale = Math.min(max.width / layout.width, max.height / layout.height);
  return { scale, width: Math.max(24, Math.round(layout.width * scale)), height: Math.max(16, Math.round(layout.height * scale)) };
}

/** Panels narrower than this (CSS px) start with the minimap folded away: viewport.js's narrow width. */
export const NARROW_PANEL = 600;

/** Is the minimap open: as the person set it with its toggle, else open on wide panels only. Pure. */
export function minimapOpen(chosen, room) {
  return chosen ?? room >= NARROW_PANEL;
}

/** Is all of the layout inside the part in view (then the minimap has nothing to add)? Pure. */
export function wholeInView(layout, rect) {
  return rect.x0 <= 0 && rect.y0 <= 0 && rect.x1 >= layout.width && rect.y1 >= layout.height;
}

const KIND_COLOURS = { variable: "#6e84c4", constant: "#b4bbc9", operation: "#8d97ab" };

export class Minimap {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {(point: {x: number, y: number}) => void} onPan centre the view at this point of the layout
   * @param {{toggle?: HTMLButtonElement, onToggle?: () => void}} [options] the button that opens and
   *   folds it (without one it is open whenever it has something to add), and who hears it did
   */
  constructor(canvas, onPan, { toggle = null, onToggle = () => {} } = {}) {
    this.canvas = canvas;
    this.onPan = onPan;
    this.toggle = toggle;
    this.chosen = toggle ? null : true; // the person's choice with the toggle (null: none yet)
    toggle?.addEventListener("click", () => {
      this.chosen = !this.isOpen();
      this.draw();
      onToggle();
    });
    this.layout = null;
    this.geometry = null;
    this.boxes = null; // an offscreen canvas with the boxes painted
    this.view = null;
    this.active = null;
    this.ratio = 1;

    const pan = (event) => {
      if (!this.geometry) return;
      const bounds = canvas.getBoundingClientRect();
      const { scale } = this.geometry;
      this.onPan({ x: (event.clientX - bounds.left) / scale, y: (event.clientY - bounds.top) / scale });
    };
    canvas.addEventListener("pointerdown", (event) => {
      canvas.setPointerCapture(event.pointerId);
      pan(event);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", (event) => {
      if (canvas.hasPointerCapture(event.pointerId)) pan(event);
    });
  }

  /** A new layout: paint its boxes once. `room`: the graph card's width (the minimap takes a share). */
  setContent(layout, room = 1000) {
    if (layout === this.layout && room === this.room) return;
    this.layout = layout;
    this.room = room;
    this.geometry = minimapGeometry(layout, { width: Math.min(MAX_SIZE.width, room * MAX_SHARE), height: MAX_SIZE.height });
    this.ratio = Math.min(2, globalThis.devicePixelRatio || 1);
    const { width, height, scale } = this.geometry;
    const boxes = document.createElement("canvas");
    boxes.width = Math.round(width * this.ratio);
    boxes.height = Math.round(height * this.ratio);
    const context = boxes.getContext("2d");
    context.scale(this.ratio * scale, this.ratio * scale);
    for (const box of layout.nodes.values()) {
      context.fillStyle = KIND_COLOURS[box.kind] ?? KIND_COLOURS.operation;
      // At least a pixel or two on the minimap, however small the graph makes a box.
      context.fillRect(box.x, box.y, Math.max(box.width, 2 / scale), Math.max(box.height, 2 / scale));
    }
    this.boxes = boxes;
    this.canvas.width = boxes.width;
    this.canvas.height = boxes.height;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.draw();
  }

  /** No graph on show: nothing to map. */
  clear() {
    this.layout = null;
    this.boxes = null;
    this.canvas.hidden = true;
    if (this.toggle) this.toggle.disabled = true;
  }

  /** Is it open (when it has something to add)? */
  isOpen() {
    return minimapOpen(this.chosen, this.room ?? 1000);
  }

  /** The part in view changed (viewport.onChange). */
  setView({ rect }) {
    this.view = rect;
    this.draw();
  }

  /** Mark the node the timeline stands at (null: none). */
  showActive(id) {
    if (this.active === id) return;
    this.active = id;
    this.draw();
  }

  draw() {
    if (!this.boxes || !this.view) return;
    const whole = wholeInView(this.layout, this.view);
    const open = this.isOpen();
    if (this.toggle) {
      this.toggle.disabled = whole; // nothing to map
      this.toggle.setAttribute("aria-pressed", String(open && !whole));
    }
    const hidden = whole || !open;
    this.canvas.hidden = hidden;
    if (hidden) return;
    const context = this.canvas.getContext("2d");
    const { scale } = this.geometry;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    context.drawImage(this.boxes, 0, 0);
    context.setTransform(this.ratio * scale, 0, 0, this.ratio * scale, 0, 0);
    const box = this.active ? this.layout.nodes.get(this.active) : null;
    if (box) {
      context.fillStyle = "#d9822b";
      const r = Math.max(box.height / 2, 3 / scale);
      context.beginPath();
      context.arc(box.x + box.width / 2, box.y + box.height / 2, r, 0, 2 * Math.PI);
      context.fill();
    }
    const { x0, y0, x1, y1 } = this.view;
    context.lineWidth = 1.5 / scale;
    context.strokeStyle = "#2d5bd7";
    context.fillStyle = "rgba(45, 91, 215, 0.08)";
    context.fillRect(x0, y0, x1 - x0, y1 - y0);
    context.strokeRect(x0, y0, x1 - x0, y1 - y0);
  }
}
