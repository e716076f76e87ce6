// The Train view's parameter table: each parameter's value, the last epoch's gradient and the change
// it made (−lr·∂L/∂w), updated live. Rows stay while the model's parameters stay, so a frame only
// changes text. Each row carries the full numbers (`data-value`, `data-grad`, `data-update`); a name
// is a button that picks the parameter, for its pull point by point.

import { formatNumber } from "../core/format.js";

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
        entry.cells[key].textContent = value === null ? "—" : formatNumber(value);
        if (value === null) entry.row.removeAttribute(`data-${key}`);
        else entry.row.setAttribute(`data-${key}`, String(value));
      }
    }
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
