// Running a program: one request (two when values carry over to a changed program), newest run wins.
// No DOM: the API call and the program text are passed in, and what happens next is the listener's.
// Every request asks a math error to bring its partial graph (the page draws it up to the failure).

import { graphRequest } from "./api.js";
import { variableNames } from "./graph-structure.js";
import { carriedValues, planValues } from "./overrides.js";

/** How long a changed value waits for the next one before it recomputes (a dragged slider). */
export const RECOMPUTE_DELAY_MS = 220;

export class RunController {
  /**
   * @param {object} options
   * @param {(body: object) => Promise<object>} options.post POST /api/graph
   * @param {() => string} options.source the program text to run (the editor's)
   * @param {(busy: boolean) => void} [options.onBusy]
   * @param {(result: {answer, body, expression}, run: {sequence, started, answered, options}) => void} options.onAnswer
   * @param {(error: Error, expression: string, run: {sequence, options}) => void} options.onError
   * @param {() => number} [options.now] a clock in milliseconds (performance.now in the page)
   * @param {boolean} [options.partial] ask for the partial graph of a math error
   */
  constructor({ post, source, onBusy = () => {}, onAnswer, onError, now = () => performance.now(), partial = true }) {
    this.post = post;
    this.source = source;
    this.onBusy = onBusy;
    this.onAnswer = onAnswer;
    this.onError = onError;
    this.now = now;
    this.partial = partial;
    this.overrides = {}; // values the person set, by variable name
    this.check = false;
    this.basis = null; // {expression, answer}: the program the overrides belong to
    this.sequence = 0;
    this.timer = null;
    this.rewritten = null; // the text as the last value written into it left it (see textCarries)
  }

  /** Start over with these values, all meant for the next program run (a link, an example). */
  reset(values = {}) {
    this.overrides = { ...values };
    this.basis = null;
  }

  /** A person set a variable: recompute shortly, keeping the step. */
  setValue(name, value) {
    this.overrides = { ...this.overrides, [name]: value };
    this.schedule();
  }

  /**
   * A variable's new value was written into the program text (`expression`, a slider): the text
   * carries it now, so it is no override; the program is the same one, so the other values set for
   * it still go with it. Recompute shortly, keeping the step.
   */
  textCarries(name, expression) {
    const { [name]: _written, ...rest } = this.overrides;
    this.overrides = rest;
    this.rewritten = expression;
    if (this.basis) this.basis = { ...this.basis, expression };
    this.schedule();
  }

  /** Recompute shortly (a dragged slider sends one request, not fifty), keeping the step. */
  schedule(options = { keepStep: true }) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(options), RECOMPUTE_DELAY_MS);
  }

  /**
   * Run the current program text. `options` are handed to the listeners untouched (the step to
   * show). A run that a newer one overtook reports nothing.
   */
  async run(options = {}) {
    clearTimeout(this.timer);
    const started = this.now();
    const expression = this.source();
    const sequence = ++this.sequence;
    const asked = this.overrides;
    this.onBusy(true);
    try {
      const result = await this.compute(expression);
      if (sequence !== this.sequence) return;
      this.overrides = keptValues(result, asked, this.overrides);
      // A value written into the text while this run was on its way changed only that number.
      const now = this.source();
      this.basis = { expression: now !== expression && now === this.rewritten ? now : expression, answer: result.answer };
      this.onAnswer({ ...result, expression }, { sequence, started, answered: this.now() - started, options });
    } catch (error) {
      if (sequence !== this.sequence) return;
      this.onError(error, expression, { sequence, options });
    } finally {
      if (sequence === this.sequence) this.onBusy(false);
    }
  }

  /** Ask the API; free variables without a value take the API's default (1.0). */
  async compute(expression) {
    const { send, carry } = planValues(this.overrides, this.basis, expression);
    const options = { partial: this.partial };
    let body = graphRequest(expression, send, this.check, options);
    let answer = await this.post(body);
    const carried = carriedValues(carry, answer);
    if (Object.keys(carried).length) {
      // Deliberately a second request: only the first answer tells which names the changed
      // program still has free, and those keep the values the person gave them.
      body = graphRequest(expression, { ...send, ...carried }, this.check, options);
      answer = await this.post(body);
    }
    return { answer, body };
  }
}

/**
 * The overrides after an answer: the values it was computed with, plus any a person set while it was
 * on its way (their recompute is already scheduled) for names the new program has.
 */
function keptValues({ answer, body }, asked, current) {
  const names = variableNames(answer);
  const kept = { ...(body.values ?? {}) };
  for (const [name, value] of Object.entries(current)) {
    if (asked[name] !== value && names.has(name)) kept[name] = value;
  }
  return kept;
}
