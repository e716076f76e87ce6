// The variables panel: a number input and a slider per variable, its gradient and, when asked,
// the numeric check. Rows are kept while the same variables stay, so typing is never interrupted.

import { formatNumber, nodeName } from "./format.js";

function sliderRange(value) {
  const reach = Math.max(5, Math.ceil(Math.abs(value) * 2));
  // A round step (0.1, 1, …) so slider values stay round numbers.
  return { min: -reach, max: reach, step: 10 ** Math.floor(Math.log10(reach / 50)) };
}

// Long programs can have hundreds of variables: the first rows are drawn, the rest on request.
const FIRST_ROWS = 24;

export class VariablesPanel {
  /**
   * @param {HTMLElement} container
   * @param {HTMLElement} emptyNote
   * @param {(name: string, value: number) => void} onChange
   */
  constructor(container, emptyNote, onChange) {
    this.container = container;
    this.emptyNote = emptyNote;
    this.onChange = onChange;
    this.rows = new Map();
    this.names = [];
    this.graph = null;
  }

  /** Show the variables of an API answer. */
  setGraph(graph) {
    const variables = graph.nodes.filter((n) => n.kind === "variable" && n.label);
    const names = variables.map((n) => n.label);
    this.outputName = nodeName(graph.nodes.find((n) => n.id === graph.output));
    if (names.join("\u0000") !== this.names.join("\u0000")) {
      this.rows.clear();
      this.names = names;
      const first = variables.slice(0, FIRST_ROWS).map((node) => this.buildRow(node));
      const rest = variables.slice(FIRST_ROWS);
      if (rest.length) {
        const more = document.createElement("button");
        more.type = "button";
        more.className = "btn btn-ghost more-variables";
        more.textContent = `Show ${rest.length} more variables`;
        more.addEventListener("click", () => {
          const graphNow = this.graph;
          const rows = rest.map((node) => this.buildRow(node));
          more.replaceWith(...rows);
          for (const node of graphNow.nodes) if (this.rows.has(node.label)) this.updateRow(this.rows.get(node.label), node, graphNow);
        });
        first.push(more);
      }
      this.container.replaceChildren(...first);
    }
    this.graph = graph;
    for (const node of variables) {
      const row = this.rows.get(node.label);
      if (row) this.updateRow(row, node, graph);
    }
    this.emptyNote.hidden = variables.length > 0;
    if (!variables.length) this.emptyNote.textContent = "This program has no variables: only constants.";
  }

  buildRow(node) {
    const name = node.label;
    const row = document.createElement("div");
    row.className = "variable";
    row.dataset.row = name;

    const label = document.createElement("label");
    label.className = "variable-name";
    label.textContent = name;
    label.title = name;

    const number = document.createElement("input");
    number.type = "number";
    number.step = "any";
    number.dataset.variable = name;
    number.id = `variable-${name}`;
    label.htmlFor = number.id;

    const slider = document.createElement("input");
    slider.type = "range";
    slider.dataset.slider = name;
    slider.setAttribute("aria-label", `${name} slider`);
    const range = sliderRange(node.value);
    slider.min = String(range.min);
    slider.max = String(range.max);
    slider.step = String(range.step);

    const meta = document.createElement("div");
    meta.className = "variable-meta";
    const grad = document.createElement("span");
    grad.className = "grad";
    const check = document.createElement("span");
    check.className = "check";
    meta.append(grad, check);
    // The API says which variables are free; the tag follows it on every answer (updateRow).
    const free = document.createElement("span");
    free.className = "tag";
    free.textContent = "free: set here";
    free.title = "Used but never assigned in the program: its value comes from here (1.0 to start).";
    free.hidden = node.free !== true;
    meta.append(free);

    number.addEventListener("input", () => {
      const value = number.valueAsNumber;
      if (!Number.isFinite(value)) return;
      if (value >= Number(slider.min) && value <= Number(slider.max)) slider.value = String(value);
      this.onChange(name, value);
    });
    slider.addEventListener("input", () => {
      const value = Number(slider.value);
      number.value = String(value);
      this.onChange(name, value);
    });

    row.append(label, number, slider, meta);
    this.rows.set(name, { row, number, slider, grad, check, free });
    return row;
  }

  updateRow(row, node, graph) {
    if (document.activeElement !== row.number) row.number.value = String(node.value);
    if (document.activeElement !== row.slider) {
      if (node.value < Number(row.slider.min) || node.value > Number(row.slider.max)) {
        const range = sliderRange(node.value);
        row.slider.min = String(range.min);
        row.slider.max = String(range.max);
        row.slider.step = String(range.step);
      }
      row.slider.value = String(node.value);
    }
    row.nodeId = node.id;
    row.free.hidden = node.free !== true;
    this.showGradient(row, node.label, this.shownGrads?.get(node.id));
    const check = graph.check?.[node.label];
    if (check) {
      row.check.textContent = `analytic ${formatNumber(check.analytic)} · numeric ${formatNumber(check.numeric)} ${check.ok ? "✓" : "✗"}`;
      row.check.className = `check ${check.ok ? "ok" : "bad"}`;
      row.check.title = `analytic ${check.analytic}, central difference ${check.numeric}`;
      row.check.dataset.check = check.ok ? "ok" : "bad";
    } else {
      row.check.textContent = "";
      row.check.className = "check";
      delete row.check.dataset.check;
    }
  }

  /**
   * Show each variable's gradient as far as the timeline has got: nothing before the backward
   * pass reaches it, then its running sum, and at the end the API's final value.
   * @param {Map<string, number>} grads node id → gradient so far (the timeline's state)
   */
  showStep(grads) {
    this.shownGrads = grads;
    for (const [name, row] of this.rows) this.showGradient(row, name, grads.get(row.nodeId));
  }

  showGradient(row, name, grad) {
    const L = this.outputName;
    const pending = grad === undefined;
    row.grad.textContent = pending ? `∂${L}/∂${name} = ? (backward pass)` : `∂${L}/∂${name} = ${formatNumber(grad)}`;
    row.grad.classList.toggle("pending", pending);
  }
}
