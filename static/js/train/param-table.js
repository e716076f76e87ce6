// The Train view's parameter table: each parameter's value, the last epoch's gradient and the change
// it made (−lr·∂L/∂w), updated live. Rows stay while the model's parameters stay, so a frame only
// changes text. Each row carries the full numbers (`data-value`, `data-grad`, `data-update`); a name
// is a button that picks the parameter, for its pull point by point.

import { shortNumber } from "../core/train-lab.js";

const CELLS = ["value", "grad", "update"];

export class ParamTable {
  /**
   * @param {HTMLTableElement} table with a <tbody>
   * @param {{onPick: (name: string) => void}} listeners
   */
  constructor(table, { onPick }) {
    this.body = table.tBodies[0];
    this.onPick = onPick;
    this.names = [];
    this.rows = new Map(); // name → {row, cells: {value, grad, update}, shown: {value, grad, update}}
    this.chosen = null;
    this.highlighted = null; // {names, unit}: a hidden unit's parameters, marked
  }

  /** The model's parameters (names in its order, and each one's dotted path in the library). */
  setNames(names, paths = {}) {
    if (names.join(" ") === this.names.join(" ")) return;
    this.names = [...names];
    this.rows.clear();
    const rows = names.map((name) => {
      const row = document.createElement("tr");
      row.dataset.param = name;
      const head = document.createElement("th");
      head.scope = "row";
      const pick = document.createElement("button");
      pick.type = "button";
      pick.className = "param-pick";
      pick.textContent = name;
      pick.title = `${paths[name] ?? name}: show each point's pull on it`;
      pick.addEventListener("click", () => this.onPick(name));
      head.append(pick);
      row.append(head);
      const cells = {};
      for (const key of CELLS) {
        cells[key] = document.createElement("td");
        row.append(cells[key]);
      }
      this.rows.set(name, { row, cells, shown: {} });
      return row;
    });
    this.body.replaceChildren(...rows);
    this.setChosen(this.chosen);
    if (this.highlighted) this.highlight(this.highlighted.names, this.highlighted.unit);
  }

  /** New numbers (param-update.js's parameterRows). Only text that changed is written. */
  show(rows) {
    for (const numbers of rows) {
      const entry = this.rows.get(numbers.name);
      if (!entry) continue;
      for (const key of CELLS) {
        const value = numbers[key];
        if (entry.shown[key] === value) continue;
        entry.shown[key] = value;
        entry.cells[key].textContent = value === null ? "—" : shortNumber(value);
        if (value === null) entry.row.removeAttribute(`data-${key}`);
        else entry.row.setAttribute(`data-${key}`, String(value));
      }
    }
  }

  /**
   * Mark a hidden unit's parameters (unit-pictures.js's pick: its weights in and out, its bias), the
   * first one scrolled into view; an empty list clears the mark.
   */
  highlight(names, unit = null) {
    const marked = new Set(names);
    this.highlighted = { names: [...names], unit };
    let first = null;
    for (const [name, { row }] of this.rows) {
      const on = marked.has(name);
      row.classList.toggle("unit-part", on);
      if (on) row.dataset.unitPart = unit ?? "";
      else delete row.dataset.unitPart;
      if (on && !first) first = row;
    }
    first?.scrollIntoView({ block: "nearest" });
  }

  /** Mark the parameter whose pulls are shown (null: none). */
  setChosen(name) {
    this.chosen = name;
    for (const [rowName, { row }] of this.rows) {
      const on = rowName === name;
      row.classList.toggle("chosen", on);
      row.querySelector("button").setAttribute("aria-pressed", String(on));
    }
  }
}
