// What every hidden unit computes, TensorFlow Playground's way: one small picture per unit, its output
// over the boundary's grid (the frames' `units`), layer by layer. Dead units (the diagnosis names them)
// are marked. Clicking a unit picks it: its weights in and out and its bias are marked in the
// parameter table.

import { unitPixels } from "../core/heatmap.js";
import { unitLayers } from "../core/train-lab.js";

export class UnitPictures {
  /**
   * @param {HTMLElement} box the `train-neurons` element
   * @param {{onPick: (name: string | null) => void}} listeners
   */
  constructor(box, { onPick }) {
    this.box = box;
    this.onPick = onPick;
    this.names = "";
    this.items = new Map(); // name → {button, canvas, drawn}
    this.chosen = null;
    this.canvas = document.createElement("canvas");
  }

  /**
   * Show the units' outputs (`{name: values}` over a `size`² grid), `dead` (a Set of names) marked;
   * `centre` is the activation's middle (0.5 for sigmoid, else 0). Null units: say why there are none.
   */
  show(units, size, dead, centre) {
    if (!units) {
      this.clear("The units' pictures come with the next boundary.");
      return;
    }
    const names = Object.keys(units);
    if (names.join(" ") !== this.names) this.build(names);
    for (const [name, item] of this.items) {
      const grid = units[name];
      const values = Array.isArray(grid) ? grid : grid?.values;
      const side = Array.isArray(grid) ? size : (grid?.size ?? size);
      if (values && item.drawn !== values) {
        item.drawn = values;
        item.canvas.width = side;
        item.canvas.height = side;
        item.canvas.getContext("2d").putImageData(new ImageData(unitPixels(values, side, centre), side, side), 0, 0);
      }
      const isDead = dead.has(name);
      item.button.classList.toggle("dead", isDead);
      if (isDead) item.button.dataset.dead = "true";
      else delete item.button.dataset.dead;
      item.button.title = `${name}${isDead ? ": dead (the same output on every training point)" : ""}: click for its weights`;
      item.button.setAttribute("aria-label", isDead ? `${name}, dead` : name);
    }
  }

  clear(message = "") {
    this.names = "";
    this.items.clear();
    const note = document.createElement("p");
    note.className = "muted small";
    note.textContent = message;
    this.box.replaceChildren(note);
  }

  build(names) {
    this.names = names.join(" ");
    this.items.clear();
    const layers = unitLayers(names);
    // Many units a layer: smaller pictures without captions (the name is the picture's title).
    this.box.classList.toggle("many", layers.some((layer) => layer.names.length > 8));
    const rows = layers.map(({ layer, names: layerNames }) => {
      const row = document.createElement("div");
      row.className = "train-neuron-layer";
      const label = document.createElement("span");
      label.className = "train-neuron-layer-name";
      label.textContent = layer === null ? "units" : `layer ${layer}`;
      row.append(label);
      for (const name of layerNames) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "train-neuron";
        button.dataset.unit = name;
        button.setAttribute("aria-pressed", String(name === this.chosen));
        button.setAttribute("aria-label", name);
        const canvas = document.createElement("canvas");
        canvas.setAttribute("aria-hidden", "true");
        const caption = document.createElement("span");
        caption.className = "train-neuron-name";
        caption.textContent = name;
        button.append(canvas, caption);
        button.addEventListener("click", () => this.pick(this.chosen === name ? null : name));
        this.items.set(name, { button, canvas, drawn: null });
        row.append(button);
      }
      return row;
    });
    this.box.replaceChildren(...rows);
  }

  pick(name) {
    this.chosen = name;
    for (const [unit, item] of this.items) item.button.setAttribute("aria-pressed", String(unit === name));
    this.onPick(name);
  }
}
