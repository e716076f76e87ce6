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
    this.latest = new Map(); // name → the newest numbers, written or not
    this.inView = new Set(); // the rows in the table's scrolled view
    // While a run goes only the rows in view are written (hundreds of rows of text 20 times a second
    // cost the page its frames); a row scrolled into view takes its newest numbers then.
    this.observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const name = entry.target.dataset.param;
          if (entry.isIntersecting) {
            this.inView.add(name);
            this.write(name);
          } else this.inView.delete(name);
        }
      },
      { root: table.closest(".train-table-scroll") ?? null },
    );
  }

  /** The model's parameters (names in its order, and each one's dotted path in the library). */
  setNames(names, paths = {}) {
    if (names.join(" ") === this.names.join(" ")) return;
    this.names = [...names];
    this.rows.clear();
    this.latest.clear();
    this.inView.clear();
    this.observer.disconnect();
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
      this.observer.observe(row);
      return row;
    });
    this.body.replaceChildren(...rows);
    this.setChosen(this.chosen);
    if (this.highlighted) this.highlight(this.highlighted.names, this.highlighted.unit);
  }

  /**
   * New numbers (param-update.js's parameterRows). Only text that changed is written; with
   * `inViewOnly` (a run going on), only in the rows in view, the others when they come into view.
   */
  show(rows, { inViewOnly = false } = {}) {
    for (const numbers of rows) {
      this.latest.set(numbers.name, numbers);
      if (!inViewOnly || this.inView.has(numbers.name)) this.write(numbers.name);
    }
  }

  /** Every row's latest numbers written, in view or not (a run at rest: nothing may read stale). */
  flush() {
    for (const name of this.latest.keys()) this.write(name);
  }

  write(name) {
    const entry = this.rows.get(name);
    const numbers = this.latest.get(name);
    if (!entry || !numbers) return;
    for (const key of CELLS) {
      const value = numbers[key];
      if (entry.shown[key] === value) continue;
      entry.shown[key] = value;
      entry.cells[key].textContent = value === null ? "—" : shortNumber(value);
      if (value === null) entry.row.removeAttribute(`data-${key}`);
      else entry.row.setAttribute(`data-${key}`, String(value));
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
