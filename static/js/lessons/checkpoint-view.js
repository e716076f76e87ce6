// A step's checkpoint on the page: the question, and the way to answer it. A number is typed into the
// page's own prediction input (borrowed from the explorer's predict box for as long as the question
// waits, so `prediction` / `prediction-result` are the hooks, as in predict mode); "which is larger"
// is a button per name; a task is judged live on every graph the explorer gets after a value changed.
// The judging is core/lesson-checkpoint.js's; this module only shows it.

import { asksNumber, expectedAnswer, judgeAnswer, judgeTask } from "../core/lesson-checkpoint.js";

export class CheckpointView {
  /**
   * @param {object} elements
   * @param {HTMLElement} elements.area holds the checkpoint and, after it, the verdict
   * @param {HTMLElement} elements.box `lesson-checkpoint`: shown while the checkpoint waits
   * @param {HTMLElement} elements.question
   * @param {HTMLElement} elements.answer where the input or the choices go
   * @param {HTMLButtonElement} elements.check
   * @param {HTMLButtonElement} elements.skip
   * @param {HTMLElement} elements.verdict for choices and tasks (`lesson-verdict`)
   * @param {HTMLElement} elements.explain
   * @param {{input: HTMLInputElement, result: HTMLElement}} borrowed the explorer's prediction input and result
   * @param {(outcome: "right" | "skipped") => void} onDone
   */
  constructor(elements, borrowed, onDone) {
    this.el = elements;
    this.borrowed = borrowed;
    this.onDone = onDone;
    this.checkpoint = null;
    this.stepAnswer = null;
    this.waiting = false;
    this.homes = null;
    elements.check.addEventListener("click", () => this.submit());
    elements.skip.addEventListener("click", () => this.skip());
    borrowed.input.addEventListener("keydown", (event) => {
      if (!this.waiting || !this.homes || event.key !== "Enter") return;
      event.preventDefault();
      this.submit();
    });
    // The explorer disables its input whenever a graph is drawn; while it is ours, it stays usable.
    new MutationObserver(() => {
      if (this.homes && this.waiting && this.stepAnswer && borrowed.input.disabled) borrowed.input.disabled = false;
    }).observe(borrowed.input, { attributes: true, attributeFilter: ["disabled"] });
  }

  /** Show a step's checkpoint (null: none). `done`: answered before (it may be answered again). */
  show(checkpoint) {
    this.giveBack();
    this.checkpoint = checkpoint;
    this.stepAnswer = null;
    this.waiting = checkpoint !== null;
    const { area, box, question, answer, verdict, explain, check } = this.el;
    area.hidden = checkpoint === null;
    this.mark(checkpoint !== null);
    delete box.dataset.ready; // set once the step's graph is there to judge by
    verdict.replaceChildren();
    verdict.hidden = true;
    delete verdict.dataset.result;
    explain.hidden = true;
    explain.textContent = checkpoint?.explain ?? "";
    answer.replaceChildren();
    if (!checkpoint) return;
    question.textContent = checkpoint.question;
    check.hidden = !asksNumber(checkpoint);
    check.disabled = true;
    if (asksNumber(checkpoint)) this.borrow();
    else if (checkpoint.kind === "larger") {
      for (const name of checkpoint.names) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn lesson-choice";
        button.dataset.choice = name;
        button.textContent = name;
        button.disabled = true;
        button.addEventListener("click", () => this.choose(name));
        answer.append(button);
      }
    } else {
      const hint = document.createElement("p");
      hint.className = "lesson-task-hint muted small";
      hint.textContent = "Change a value in the Variables panel (or in the program); the graph is checked each time it is recomputed.";
      answer.append(hint);
    }
  }

  /** The explorer's prediction input and result move here while the question waits. */
  borrow() {
    const { input, result } = this.borrowed;
    this.homes = [input, result].map((node) => ({ node, parent: node.parentNode, next: node.nextSibling }));
    input.value = "";
    input.disabled = true;
    input.setAttribute("aria-invalid", "false");
    input.setAttribute("aria-label", this.checkpoint.question);
    result.replaceChildren();
    delete result.dataset.result;
    this.el.answer.append(input);
    this.el.area.insertBefore(result, this.el.explain);
  }

  /** Put the borrowed input and result back where the explorer keeps them. */
  giveBack() {
    if (!this.homes) return;
    const { input, result } = this.borrowed;
    input.removeAttribute("aria-label");
    input.value = "";
    input.disabled = true;
    result.replaceChildren();
    delete result.dataset.result;
    for (const { node, parent, next } of this.homes) parent.insertBefore(node, next && next.parentNode === parent ? next : null);
    this.homes = null;
  }

  /** The explorer got its first graph of the step: the question can be answered from it. */
  ready(answer) {
    this.stepAnswer = answer;
    if (!this.waiting) return;
    const { check, answer: holder, box } = this.el;
    box.dataset.ready = "true";
    check.disabled = false;
    for (const button of holder.querySelectorAll("[data-choice]")) button.disabled = false;
    if (this.homes) this.borrowed.input.disabled = false;
  }

  /** A later graph (the learner changed something): a task is judged on it. */
  recomputed(answer) {
    if (!this.waiting || !this.stepAnswer || !this.checkpoint.kind.startsWith("task")) return;
    const outcome = judgeTask(this.checkpoint, this.stepAnswer, answer);
    if (outcome.changed.length === 0) return;
    this.showVerdict(this.el.verdict, outcome.done ? "right" : "wrong", outcome.message);
    if (outcome.done) this.finish("right");
  }

  submit() {
    if (!this.waiting || !this.stepAnswer || !this.homes) return;
    const { input, result } = this.borrowed;
    const judged = judgeAnswer(this.checkpoint, this.stepAnswer, input.value);
    if (judged.guess === null) {
      input.setAttribute("aria-invalid", "true");
      this.showVerdict(result, "invalid", "Type a number (like -2, 0.5 or 1/3), or skip.");
      return;
    }
    input.setAttribute("aria-invalid", "false");
    const text = judged.right
      ? `✓ Right: ${formatNumber(judged.expected)}.`
      : `✗ Not ${formatNumber(judged.guess)}. Look at the graph and try again, or skip to see the answer.`;
    this.showVerdict(result, judged.right ? "right" : "wrong", text);
    if (judged.right) this.finish("right");
  }

  choose(name) {
    if (!this.waiting || !this.stepAnswer) return;
    const judged = judgeAnswer(this.checkpoint, this.stepAnswer, name);
    const text = judged.right ? `✓ Right: ${name}.` : `✗ Not ${name}: compare the gradients on the graph, and try again.`;
    this.showVerdict(this.el.verdict, judged.right ? "right" : "wrong", text);
    if (judged.right) this.finish("right");
  }

  skip() {
    if (!this.waiting) return;
    const { checkpoint, stepAnswer } = this;
    let text = "Skipped.";
    if (checkpoint.kind.startsWith("task")) {
      const [name, value] = Object.entries(checkpoint.solution)[0];
      text = `Skipped: one way is ${name} = ${value}.`;
    } else if (stepAnswer) {
      const expected = expectedAnswer(checkpoint, stepAnswer);
      text = `Skipped: the answer is ${typeof expected === "number" ? formatNumber(expected) : expected}.`;
    }
    this.showVerdict(this.homes ? this.borrowed.result : this.el.verdict, "skipped", text);
    this.finish("skipped");
  }

  showVerdict(element, result, text) {
    const line = document.createElement("div");
    line.className = "prediction-verdict";
    line.textContent = text;
    element.replaceChildren(line);
    element.dataset.result = result;
    element.hidden = false;
  }

  /** The checkpoint box is on the page (and carries its test hook) only while it waits. */
  mark(waiting) {
    const { box } = this.el;
    box.hidden = !waiting;
    if (waiting) box.dataset.testid = "lesson-checkpoint";
    else delete box.dataset.testid;
  }

  finish(outcome) {
    this.waiting = false;
    this.mark(false);
    for (const button of this.el.answer.querySelectorAll("[data-choice]")) button.disabled = true;
    this.el.explain.hidden = !this.el.explain.textContent;
    this.onDone(outcome);
  }
}

function formatNumber(value) {
  return String(Number(value.toPrecision(6)));
}
