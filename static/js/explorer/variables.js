// The variables panel: a number input, a slider and a nudge button per variable, its gradient and,
// when asked, the numeric check. Rows are kept while the same variables stay, so typing is never
// interrupted. A gradient (and its numeric check) shows only once the backward pass has revealed it.

import { agreesWithCheck } from "../core/bug-replay.js";
import { formatNumber } from "../core/format.js";
import { gradientSymbol } from "../core/notation.js";

function sliderRange(value) {
  const reach = Math.max(5, Math.ceil(Math.abs(value) * 2));
  // A round step (0.1, 1, …) so slider values stay round numbers.
  return { min: -reach, max: reach, step: 10 ** Math.floor(Math.log10(reach / 50)) };
}

// Long programs can have hundreds of variables: the first rows are drawn, the rest on request.
const FIRST_ROWS = 24;
const EMPTY_NOTE = "Run a program to see its variables.";

export class VariablesPanel {
  /**
   * @param {HTMLElement} container
   * @param {HTMLElement} emptyNote
   * @param {(name: string, value: number) => void} onChange
   * @param {(name: string) => void} [onNudge] a row's nudge button
   */
  constructor(container, emptyNote, onChange, onNudge = () => {}) {
    this.container = container;
    this.emptyNote = emptyNote;
    this.onChange = onChange;
    this.onNudge = onNudge;
    this.rows = new Map();
    this.names = [];
    this.graph = null;
    this.shownGrads = new Map();
    this.right = null;
  }

  /**
   * Show the variables of an API answer; `outputName` is the output's shown name. `failed`: a partial
   * graph (the math failed), whose variables can still be changed but have no gradient.
   */
  setGraph(graph, outputName, { failed = false } = {}) {
    const variables = graph.nodes.filter((n) => n.kind === "variable" && n.label);
    const names = variables.map((n) => n.label);
    this.outputName = outputName;
    this.failed = failed;
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

  /** No program on show (an error): no rows, nothing to edit. */
  clear() {
    this.rows.clear();
    this.names = [];
    this.graph = null;
    this.container.replaceChildren();
    this.emptyNote.hidden = false;
    this.emptyNote.textContent = EMPTY_NOTE;
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

    const nudge = document.createElement("button");
    nudge.type = "button";
    nudge.className = "btn btn-ghost btn-nudge";
    nudge.dataset.nudge = name;
    nudge.textContent = "nudge";
    nudge.title = `Add h to ${name} and see how much the output moves`;
    nudge.setAttribute("aria-label", `Nudge ${name} by h`);
    nudge.addEventListener("click", () => this.onNudge(name));

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

    row.append(label, number, slider, nudge, meta);
    this.rows.set(name, { row, number, slider, nudge, grad, check, free });
    return row;
  }

  updateRow(row, node, graph) {
    // Only what changed is written: a recompute after a slider moved changes one row's value, and
    // every write to an input makes the browser lay it out again.
    const text = String(node.value);
    if (document.activeElement !== row.number && row.number.value !== text) row.number.value = text;
    if (document.activeElement !== row.slider) {
      if (node.value < Number(row.slider.min) || node.value > Number(row.slider.max)) {
        const range = sliderRange(node.value);
        row.slider.min = String(range.min);
        row.slider.max = String(range.max);
        row.slider.step = String(range.step);
      }
      if (row.slider.value !== text) row.slider.value = text;
    }
    row.nodeId = node.id;
    row.free.hidden = node.free !== true;
    this.showGradient(row, node.label);
  }

  /**
   * Show each variable's gradient as far as the timeline has got: nothing before the backward
   * pass reaches it, then its running sum, and at the end the final value.
   * @param {Map<string, number>} grads node id → gradient so far (the timeline's state)
   * @param {{right?: Map<string, number> | null, complete?: Set<string>}} [options] right: with the
   *   `+=` bug on, the right gradients so far; complete: the nodes whose gradient has all its
   *   contributions (their numeric check may show); lockNudges: predict mode, where a nudge is locked
   *   until the backward pass has revealed the variable's whole gradient (it would print it)
   */
  showStep(grads, { right = null, complete = new Set(), lockNudges = false } = {}) {
    this.shownGrads = grads;
    this.lockNudges = lockNudges;
    this.right = right;
    this.complete = complete;
    for (const [name, row] of this.rows) this.showGradient(row, name);
  }

  showGradient(row, name) {
    const grad = this.shownGrads.get(row.nodeId);
    const symbol = gradientSymbol(this.outputName, name);
    const pending = grad === undefined;
    const right = this.right?.get(row.nodeId);
    const wrong = !pending && right !== undefined && right !== grad;
    const gradText = this.failed
      ? "no gradient: the math failed"
      : pending
      ? `${symbol} = ? (backward pass)`
      : `${symbol} = ${formatNumber(grad)}${wrong ? `  (with +=: ${formatNumber(right)})` : ""}`;
    if (row.grad.textContent !== gradText) row.grad.textContent = gradText;
    row.grad.classList.toggle("pending", pending);
    row.grad.classList.toggle("wrong", wrong);
    const revealed = this.complete?.has(row.nodeId) ?? false;
    this.showCheck(row, name, revealed ? grad : undefined);
    const locked = Boolean(this.lockNudges) && !revealed && !this.failed;
    if (row.nudge.disabled !== locked) {
      row.nudge.disabled = locked;
      row.nudge.title = locked ? `Locked in predict mode until the backward pass reveals ${symbol}` : `Add h to ${name} and see how much the output moves`;
    }
  }

  /**
   * The numeric check of one variable: "?" until the backward pass has revealed its whole gradient
   * (`grad` undefined: the check would give the answer away); then that gradient against the central
   * difference.
   */
  showCheck(row, name, grad) {
    const check = this.graph?.check?.[name];
    if (!check) {
      row.check.textContent = "";
      row.check.className = "check";
      delete row.check.dataset.check;
      return;
    }
    if (grad === undefined) {
      row.check.textContent = "numeric check: ?";
      row.check.className = "check pending";
      row.check.title = "Shown once the backward pass has revealed this gradient.";
      delete row.check.dataset.check;
      return;
    }
    // With the `+=` bug on, the gradient shown is the bug's: the check compares that one.
    const buggy = this.right !== null;
    const ok = buggy ? agreesWithCheck(grad, check.numeric, this.graph.value) : check.ok;
    const analytic = buggy ? grad : check.analytic;
    row.check.textContent = `analytic ${formatNumber(analytic)} · numeric ${formatNumber(check.numeric)} ${ok ? "✓" : "✗"}`;
    row.check.className = `check ${ok ? "ok" : "bad"}`;
    row.check.title = `analytic ${analytic}, central difference ${check.numeric}`;
    row.check.dataset.check = ok ? "ok" : "bad";
  }
}
