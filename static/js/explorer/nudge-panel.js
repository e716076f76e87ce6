// The Nudge: a variable's button asks the API for the output with that variable moved by h, and the
// panel shows the output's change beside grad·h (nudge.js writes the lines).

import { DEFAULT_H, nudgeReport, nudgeRequest } from "../core/nudge.js";

export class NudgePanel {
  /**
   * @param {HTMLElement} result where the report goes (data-testid nudge-result)
   * @param {HTMLInputElement} hInput the step h
   * @param {object} options
   * @param {(body: object) => Promise<object>} options.post POST /api/graph
   * @param {(name: string) => ({body, node, grad, outputName, value} | null)} options.context what the
   *   page shows about a variable: the request on show, its node, its gradient (the bug's in bug mode)
   */
  constructor(result, hInput, { post, context }) {
    this.result = result;
    this.hInput = hInput;
    this.post = post;
    this.context = context;
    this.sequence = 0;
    hInput.value = String(DEFAULT_H);
  }

  get h() {
    const h = this.hInput.valueAsNumber;
    return Number.isFinite(h) && h !== 0 ? h : DEFAULT_H;
  }

  clear() {
    this.sequence += 1;
    this.result.replaceChildren();
    this.result.hidden = true;
    for (const key of ["name", "delta", "predicted", "agrees"]) delete this.result.dataset[key];
  }

  async nudge(name) {
    const shown = this.context(name);
    if (!shown) return;
    const h = this.h;
    const sequence = ++this.sequence;
    this.say(`Nudging ${name} by ${h}…`);
    let nudged;
    try {
      nudged = await this.post(nudgeRequest(shown.body, name, shown.node.value, h));
    } catch (error) {
      if (sequence === this.sequence) this.say(`The nudged program failed: ${error.message}`);
      return;
    }
    if (sequence !== this.sequence) return;
    const report = nudgeReport({
      name,
      value: shown.node.value,
      h,
      before: shown.value,
      after: nudged.value,
      grad: shown.grad,
      outputName: shown.outputName,
    });
    const lines = report.lines.map((text, i) => {
      const div = document.createElement("div");
      div.className = i === 3 ? `nudge-verdict ${report.agrees ? "ok" : "bad"}` : "nudge-line";
      div.textContent = text;
      return div;
    });
    this.result.replaceChildren(...lines);
    this.result.hidden = false;
    Object.assign(this.result.dataset, {
      name,
      delta: String(report.delta),
      predicted: String(report.predicted),
      agrees: String(report.agrees),
    });
  }

  say(text) {
    this.result.hidden = false;
    this.result.textContent = text;
  }
}
