// The variables panel: a number input and a slider per variable, its gradient and, when asked,
// the numeric check. Rows are kept while the same variables stay, so typing is never interrupted.

import { formatNumber, nodeName } from "./format.js";

function sliderRange(value) {
  const reach = Math.max(5, Math.ceil(Math.abs(value) * 2));
  return { min: -reach, max: reach, step: reach / 250 };
}

/** Is a variable free (used, never assigned)? Its span is then just its name. */
export function isFree(node, source) {
  const span = node.span;
  if (!span || !Number.isInteger(span.offset)) return false;
  return [...source].slice(span.offset, span.end_offset).join("") === node.label;
}

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
  }

  /** Show the variables of an API answer; `source` is the program text it came from. */
  setGraph(graph, source) {
    const variables = graph.nodes.filter((n) => n.kind === "variable" && n.label);
    const names = variables.map((n) => n.label);
    if (names.join("\u0000") !== [...this.rows.keys()].join("\u0000")) {
      this.rows.clear();
      this.container.replaceChildren(...variables.map((node) => this.buildRow(node, source)));
    }
    for (const node of variables) this.updateRow(this.rows.get(node.label), node, graph);
    this.emptyNote.hidden = variables.length > 0;
    if (!variables.length) this.emptyNote.textContent = "This program has no variables: only constants.";
  }

  buildRow(node, source) {
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
    if (isFree(node, source)) {
      const tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = "free: set here";
      tag.title = "Used but never assigned in the program: its value comes from here (1.0 to start).";
      meta.append(tag);
    }

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
    this.rows.set(name, { row, number, slider, grad, check, output: null });
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
    const L = nodeName(graph.nodes.find((n) => n.id === graph.output));
    row.grad.textContent = `∂${L}/∂${node.label} = ${formatNumber(graph.gradients?.[node.label] ?? node.grad)}`;
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

  clear() {
    this.rows.clear();
    this.container.replaceChildren();
    this.emptyNote.hidden = false;
  }
}
