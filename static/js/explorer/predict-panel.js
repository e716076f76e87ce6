// Predict mode on the page: before a backward step reveals a gradient, the learner types what it will
// be; the page says right or wrong, shows the chain rule worked out and keeps the score. The checking
// is prediction.js's; the Explorer decides when to ask.

import { parsePrediction, isRight, verdict } from "../core/prediction.js";

export class PredictPanel {
  /**
   * @param {{box, question, input, submit, skip, result, score}} elements
   * @param {(target: object, guess: number | null) => void} onAnswer called with the guess (null: skipped)
   */
  constructor(elements, onAnswer) {
    this.elements = elements;
    this.onAnswer = onAnswer;
    this.target = null;
    this.right = 0;
    this.asked = 0;
    elements.submit.addEventListener("click", () => this.submit());
    elements.skip.addEventListener("click", () => this.answer(null));
    elements.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.submit();
      } else if (event.key === "Escape") {
        event.preventDefault();
        this.answer(null);
      }
    });
  }

  /** Predict mode on or off: on starts a new score. */
  setEnabled(on) {
    this.elements.box.hidden = !on;
    this.cancel();
    if (on) {
      this.right = 0;
      this.asked = 0;
      this.elements.result.replaceChildren();
      delete this.elements.result.dataset.result;
      this.showScore();
      this.elements.question.textContent = "Step forward into the backward pass: you will be asked first.";
    }
  }

  /** Ask about a target (prediction.js's predictionTarget); `context` is the step's title line. */
  ask(target, context) {
    this.target = target;
    const { question, input, submit, skip } = this.elements;
    const which = target.of > 1 ? ` (input ${target.position} of ${target.of})` : "";
    question.textContent = `${context}. Predict ${target.symbol} after this step${which}:`;
    input.disabled = false;
    submit.disabled = false;
    skip.disabled = false;
    input.value = "";
    input.setAttribute("aria-invalid", "false");
    input.focus({ preventScroll: true });
    // On a narrow screen the question sits under the graph: bring it up when it is out of sight.
    const box = this.elements.box.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) this.elements.box.scrollIntoView({ block: "nearest" });
  }

  /** No question open (the graph changed under it). */
  cancel() {
    this.target = null;
    const { input, submit, skip } = this.elements;
    input.disabled = true;
    submit.disabled = true;
    skip.disabled = true;
    if (!this.elements.box.hidden) this.elements.question.textContent = "Step forward: the next backward step asks first.";
  }

  get asking() {
    return this.target !== null;
  }

  submit() {
    if (!this.target) return;
    const guess = parsePrediction(this.elements.input.value);
    if (guess === null) {
      this.elements.input.setAttribute("aria-invalid", "true");
      this.elements.question.textContent = `Type a number for ${this.target.symbol} (like -2, 0.5 or 1/3), or skip.`;
      return;
    }
    this.answer(guess);
  }

  /** Judge a guess (null: skipped, not scored), show the worked lines, hand the step on. */
  answer(guess) {
    const target = this.target;
    if (!target) return;
    this.target = null;
    this.lastGuess = guess;
    this.onAnswer(target, guess);
  }

  /** Show the verdict on the last answer with the chain rule worked out (`lines`). */
  showResult(target, guess, lines) {
    const { result } = this.elements;
    const parts = [];
    const head = document.createElement("div");
    head.className = "prediction-verdict";
    if (guess === null) {
      head.textContent = `Skipped: ${target.symbol} = ${formatAnswer(target)}`;
      result.dataset.result = "skipped";
    } else {
      const right = isRight(guess, target.answer);
      this.asked += 1;
      if (right) this.right += 1;
      head.textContent = `${right ? "✓" : "✗"} ${verdict(guess, target)}`;
      result.dataset.result = right ? "right" : "wrong";
    }
    parts.push(head);
    for (const line of lines) {
      const div = document.createElement("div");
      div.className = "prediction-work";
      div.textContent = line;
      parts.push(div);
    }
    result.replaceChildren(...parts);
    this.showScore();
    this.cancel();
  }

  showScore() {
    this.elements.score.textContent = `Score: ${this.right} of ${this.asked} right`;
    this.elements.score.dataset.right = String(this.right);
    this.elements.score.dataset.asked = String(this.asked);
  }
}

function formatAnswer(target) {
  return String(Number(target.answer.toPrecision(4)));
}
