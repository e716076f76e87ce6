// Hints at the edge of the graph panel for the step's node and inputs that are out of view: an arrow
// toward each and its name; a tap brings it into view. The camera never zooms below a legible scale
// to show a step (viewport.js), so an input far from its node is out of view, and this says so.

import { LEGIBLE_SCALE } from "./viewport.js";

/** At most this many hints at once: the node and its first inputs (a folded group can have dozens). */
const MAX_HINTS = 3;
/** Half a hint's size (CSS px): its centre stays this far inside the free room. */
const HALF = { width: 56, height: 15 };
const ARROWS = ["→", "↘", "↓", "↙", "←", "↖", "↑", "↗"];

/**
 * Where a hint for a box whose centre is out of the free room `room` ({left, top, right, bottom},
 * screen px) goes: the point of the room (less half a hint) nearest that centre, and the arrow from
 * there toward it. Null when the centre is in the room: the box shows enough to be seen (a hint
 * there would cover it). Pure: exported for the tests.
 */
export function hintPlace(box, room) {
  const cx = (box.x0 + box.x1) / 2;
  const cy = (box.y0 + box.y1) / 2;
  if (cx >= room.left && cx <= room.right && cy >= room.top && cy <= room.bottom) return null;
  const clamp = (v, lo, hi) => (lo > hi ? (lo + hi) / 2 : Math.min(hi, Math.max(lo, v)));
  const x = clamp(cx, room.left + HALF.width, room.right - HALF.width);
  const y = clamp(cy, room.top + HALF.height, room.bottom - HALF.height);
  const angle = Math.atan2(cy - y, cx - x);
  const arrow = ARROWS[(Math.round(angle / (Math.PI / 4)) + 8) % 8];
  return { x, y, arrow };
}

export class OffscreenHints {
  /**
   * @param {HTMLElement} host where the hints go (over the graph, its top left at the drawing's)
   * @param {import("./viewport.js").Viewport} viewport
   * @param {(id: string) => string} name a drawn node's name as the graph shows it
   */
  constructor(host, viewport, name) {
    this.host = host;
    this.viewport = viewport;
    this.name = name;
    this.buttons = [];
    this.frame = null;
    viewport.onChange(() => this.update());
    viewport.onStep(() => this.schedule());
  }

  /** Update once, at the next frame (a step and the glide it starts both ask). */
  schedule() {
    this.frame ??= requestAnimationFrame(() => {
      this.frame = null;
      this.update();
    });
  }

  update() {
    const viewport = this.viewport;
    const id = viewport.stepId;
    const wanted = [];
    if (id && viewport.layout) {
      const t = viewport.transform();
      const insets = viewport.insets();
      const room = { left: insets.left, top: insets.top, right: viewport.size.width - insets.right, bottom: viewport.size.height - insets.bottom };
      const boxes = viewport.stepBoxes(id);
      for (const [index, box] of boxes.entries()) {
        const onScreen = { x0: t.x + box.x * t.k, y0: t.y + box.y * t.k, x1: t.x + (box.x + box.width) * t.k, y1: t.y + (box.y + box.height) * t.k };
        const place = hintPlace(onScreen, room);
        if (place) wanted.push({ id: box.id, place, role: index === 0 ? "the step's node" : "an input of this step" });
        if (wanted.length === MAX_HINTS) break;
      }
    }
    while (this.buttons.length < wanted.length) this.buttons.push(this.makeButton());
    for (const [index, button] of this.buttons.entries()) {
      const hint = wanted[index];
      button.hidden = !hint;
      if (!hint) continue;
      const label = this.name(hint.id) ?? hint.id;
      button.dataset.hintFor = hint.id;
      button.textContent = `${hint.place.arrow} ${label}`;
      button.setAttribute("aria-label", `${label}, ${hint.role}, is out of view: show it`);
      button.style.left = `${hint.place.x}px`;
      button.style.top = `${hint.place.y}px`;
    }
  }

  makeButton() {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "offscreen-hint";
    button.dataset.testid = "offscreen-hint";
    button.hidden = true;
    button.addEventListener("click", () => {
      const id = button.dataset.hintFor;
      if (id) this.viewport.centerOn(id, { animate: true, minScale: Math.min(LEGIBLE_SCALE, this.viewport.transform().k) });
    });
    this.host.append(button);
    return button;
  }
}
