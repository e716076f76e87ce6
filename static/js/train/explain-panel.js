// "From training", beside the explorer when it shows one point's loss (a click on the Train plot):
// which point, at which epoch, the way back to the run, and closing the loop once the backward pass
// has given ∂Lₙ/∂w: each parameter's update `w ← w − lr·∂Lₙ/∂w` with the real numbers, and for a
// chosen parameter its batch gradient as the sum of every point's term (POST /api/train/gradients),
// the points coloured by their terms, so the `+=` over the dataset shows.

import { formatNumber } from "../core/format.js";
import { batchTerms, exampleUpdate, termText, updateText, weightText } from "../core/param-update.js";
import { gradientsBody } from "../core/train-settings.js";
import { TrainPlot } from "./train-plot.js";

function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** A table cell with a number shown short and carried whole (`data-value`). */
function numberCell(value, tag = "td") {
  const cell = el(tag, "num", formatNumber(value));
  cell.dataset.value = String(value);
  return cell;
}

export class ExplainPanel {
  /**
   * @param {object} elements
   * @param {HTMLElement} elements.card the whole card (hidden while no point is explored)
   * @param {HTMLElement} elements.summary
   * @param {HTMLElement} elements.edited the note shown once the program was edited
   * @param {HTMLElement} elements.actions the "Show the update" row
   * @param {HTMLButtonElement} elements.showUpdate
   * @param {HTMLButtonElement} elements.back
   * @param {HTMLElement} elements.update the update table's place
   * @param {HTMLElement} elements.batch the chosen parameter's sum
   * @param {object} listeners
   * @param {() => void} listeners.onBack back to the Train view
   * @param {(body: object) => Promise<object>} listeners.postGradients POST /api/train/gradients
   * @param {(name: string, batch: object) => void} listeners.onTerms a parameter's terms are known
   *   (the Train plot colours its points by them too)
   */
  constructor(elements, { onBack, postGradients, onTerms }) {
    this.elements = elements;
    this.postGradients = postGradients;
    this.onTerms = onTerms;
    this.context = null; // the Train view's exampleContext, with `example` (/api/train/example's answer)
    this.answer = null; // the explorer's answer for the example's program, as it came
    this.rows = null; // exampleUpdate's rows, once shown
    this.chosen = null;
    this.asked = 0;
    this.miniPlot = null;
    elements.back.addEventListener("click", () => onBack());
    elements.showUpdate.addEventListener("click", () => this.showUpdate());
  }

  get open() {
    return this.context !== null;
  }

  /** A point's example is being opened in the explorer. */
  show(context, example) {
    this.context = { ...context, example };
    this.answer = null;
    this.rows = null;
    this.chosen = null;
    this.asked += 1;
    const { elements } = this;
    const { index, epoch, settings, labels, points } = this.context;
    elements.summary.textContent =
      `Point #${index} of ${points.length} (${settings.dataset}, label ${labels[index]}) at epoch ${epoch} ` +
      `of the ${settings.preset} preset: its own loss is ${formatNumber(example.loss)}` +
      (example.loss === 0 ? " (past the hinge's margin: every ∂Lₙ/∂w will be 0, this point pulls on nothing). " : ". ") +
      "Step the backward pass: at its end, each parameter's ∂Lₙ/∂w is ready for gradient descent.";
    elements.edited.hidden = true;
    elements.actions.hidden = false;
    elements.showUpdate.disabled = true;
    elements.update.hidden = true;
    elements.update.replaceChildren();
    elements.batch.hidden = true;
    elements.batch.replaceChildren();
    elements.card.hidden = false;
  }

  /** No point explored any more (another program was opened). */
  close() {
    this.context = null;
    this.answer = null;
    this.asked += 1;
    this.elements.card.hidden = true;
  }

  /** The explorer shows an answer: the example's own (its gradients are ∂Lₙ/∂w), or an edit of it. */
  answered({ answer, expression }) {
    if (!this.context) return;
    if (expression === this.context.example.program) {
      if (!this.answer) this.answer = answer;
      this.elements.showUpdate.disabled = false;
      this.elements.edited.hidden = true;
    } else {
      this.elements.edited.hidden = this.answer === null;
    }
  }

  /** The explorer's timeline moved: at the end of the backward pass the update is shown. */
  stepped(state) {
    if (!this.context || !this.answer || this.rows) return;
    if (state && state.total > 0 && state.index === state.total && state.phase === "backward") this.showUpdate();
  }

  /** Each parameter's update by this example alone, then the strongest one's sum over the batch. */
  showUpdate() {
    if (!this.context || !this.answer) return;
    const { names, example, learningRate, epoch, settings } = this.context;
    const when = epoch < settings.epochs ? `at epoch ${epoch + 1}` : "(the schedule's rate, were the run to go on)";
    const rows = exampleUpdate(names, example.values, this.answer.gradients, learningRate);
    this.rows = rows;
    const { update } = this.elements;
    update.dataset.learningRate = String(learningRate);
    const intro = el("p", "train-update-intro");
    intro.append(
      "Gradient descent moves each parameter against its gradient, ",
      el("code", "", "w ← w − lr·∂L/∂w"),
      `, with lr = ${formatNumber(learningRate)} ${when}. With this point's own ∂Lₙ/∂w, `,
      el("code", "", "new w = w − lr·∂Lₙ/∂w"),
      ":",
    );
    const table = el("table", "train-update-table");
    const head = el("tr");
    for (const title of ["parameter", "w", "∂Lₙ/∂w", "new w"]) {
      const th = el("th", "", title);
      th.scope = "col";
      head.append(th);
    }
    table.append(el("thead"), el("tbody"));
    table.tHead.append(head);
    for (const row of rows) {
      const tr = el("tr");
      Object.assign(tr.dataset, { param: row.name, value: String(row.value), grad: String(row.grad), step: String(row.step), next: String(row.next) });
      tr.title = `${row.name} ← ${updateText(row.value, learningRate, row.grad, row.next)}`;
      const th = el("th");
      th.scope = "row";
      const pick = el("button", "param-pick", row.name);
      pick.type = "button";
      pick.title = `${row.name}: its gradient over the whole batch, point by point`;
      pick.setAttribute("aria-pressed", "false");
      pick.addEventListener("click", () => this.choose(row.name));
      th.append(pick);
      tr.append(th, numberCell(row.value), numberCell(row.grad), numberCell(row.next));
      table.tBodies[0].append(tr);
    }
    const note = el(
      "p",
      "train-update-note",
      `But a training step does not use one point: it uses the batch gradient, the mean of ∂Lₙ/∂w over all ` +
        `${this.context.points.length} points` +
        (this.context.settings.preset === "micrograd" ? " plus the L2 term's 2·10⁻⁴·w" : "") +
        ". Pick a parameter to see that sum, point by point.",
    );
    const scroll = el("div", "train-update-scroll");
    scroll.append(table);
    update.replaceChildren(intro, scroll, note);
    update.hidden = false;
    this.elements.actions.hidden = true;
    // The parameter this point pulls hardest, to start with.
    let strongest = rows[0];
    for (const row of rows) if (Math.abs(row.grad) > Math.abs(strongest.grad)) strongest = row;
    if (strongest) this.choose(strongest.name);
  }

  /** Show parameter `name`'s batch gradient as the sum of every point's term. */
  async choose(name) {
    if (!this.context) return;
    const asked = ++this.asked;
    this.chosen = name;
    for (const button of this.elements.update.querySelectorAll(".param-pick")) {
      button.setAttribute("aria-pressed", String(button.textContent === name));
    }
    const { settings, parameters } = this.context;
    let answer;
    try {
      answer = await this.postGradients(gradientsBody(settings, parameters, [name]));
    } catch (error) {
      if (asked !== this.asked) return;
      this.elements.batch.replaceChildren(el("p", "train-batch-error", `Could not get the batch gradient: ${error.message}`));
      this.elements.batch.hidden = false;
      return;
    }
    if (asked !== this.asked) return;
    const batch = batchTerms(answer, name);
    this.renderBatch(batch);
    this.onTerms(name, batch);
  }

  renderBatch(batch) {
    const { index, labels, points, square, learningRate } = this.context;
    const count = batch.terms.length;
    const value = this.context.parameters[batch.name];
    const next = value - learningRate * batch.gradient;
    const box = this.elements.batch;
    Object.assign(box.dataset, {
      param: batch.name,
      gradient: String(batch.gradient),
      sum: String(batch.sum),
      regularization: String(batch.regularization),
      next: String(next),
    });
    const title = el("h3", "train-batch-title", `∂L/∂${batch.name} over the batch: += point by point`);
    const formula = el(
      "p",
      "train-batch-formula",
      `∂L/∂w = Σₙ (${weightText(batch.weights[0], count)})·∂Lₙ/∂w` + (batch.regularization ? " + 2·10⁻⁴·w" : "") +
        ": each point adds its term (on the plot: green adds, purple takes away; the ring is its label y).",
    );

    if (!this.miniPlot) {
      const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("class", "train-batch-plot");
      svg.setAttribute("role", "img");
      this.miniPlotSvg = svg;
      this.miniPlot = new TrainPlot(svg, { compact: true });
    }
    this.miniPlotSvg.setAttribute("aria-label", `The points coloured by their term of ∂L/∂${batch.name}`);
    this.miniPlot.setData({ points, labels, square });
    this.miniPlot.setTerms(batch);
    this.miniPlot.mark(index);

    const mine = el("p", "train-batch-this");
    mine.dataset.index = String(index);
    mine.append(
      el("strong", "", `This point, #${index}: `),
      termText(batch.weights[index], count, batch.exampleGradients[index], batch.terms[index]),
    );
    const sum = el("p", "train-batch-sum");
    sum.append(
      `Σ of the ${count} terms = ${formatNumber(batch.sum)}` +
        (batch.regularization ? ` + L2 ${formatNumber(batch.regularization)}` : "") +
        ` → ∂L/∂w = ${formatNumber(batch.gradient)}`,
    );
    const step = el("p", "train-batch-step");
    step.append("The next epoch: ", el("code", "", `${batch.name} ← ${updateText(value, learningRate, batch.gradient, next)}`));

    const table = el("table", "train-batch-table");
    const head = el("tr");
    for (const text of ["#", "y", "∂Lₙ/∂w", "term", "Σ so far"]) {
      const th = el("th", "", text);
      th.scope = "col";
      head.append(th);
    }
    table.append(el("thead"), el("tbody"));
    table.tHead.append(head);
    batch.terms.forEach((term, n) => {
      const tr = el("tr");
      tr.dataset.index = String(n);
      tr.dataset.term = String(term);
      if (n === index) tr.className = "this-point";
      tr.append(el("td", "num", String(n)), el("td", "num", String(labels[n])), numberCell(batch.exampleGradients[n]), numberCell(term), numberCell(batch.running[n]));
      table.tBodies[0].append(tr);
    });
    const scroll = el("div", "train-batch-scroll");
    scroll.tabIndex = 0;
    scroll.setAttribute("aria-label", `Every point's term of ∂L/∂${batch.name}, with the running sum`);
    scroll.append(table);
    box.replaceChildren(title, formula, this.miniPlotSvg, mine, sum, step, scroll);
    box.hidden = false;
    // The explained point's row in view inside its scroller (not the page).
    const row = table.tBodies[0].children[index];
    if (row) scroll.scrollTop = Math.max(0, row.offsetTop - scroll.clientHeight / 2);
  }
}
