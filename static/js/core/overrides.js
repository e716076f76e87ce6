// Which of the values a person has set (number inputs, sliders, a shared link) a request carries.
// Pure: no DOM. The program text is the source of truth: when it changes, its own declarations win,
// and a free variable keeps the value it was given only if the new program still has it free. Only the
// API knows which names a program has free, so that takes its answer (see RunController.compute).

import { freeVariableNames } from "./graph-structure.js";

function pick(values, keep) {
  return Object.fromEntries(Object.entries(values).filter(([name]) => keep(name)));
}

/**
 * The values for a run of `expression`, given the person's overrides and the last answer shown.
 * @param {Object<string, number>} overrides
 * @param {{expression: string, answer: object} | null} last
 * @param {string} expression
 * @returns {{send: Object<string, number>, carry: Object<string, number>}} send: the first request's
 *   values; carry: values that apply only to the names the first answer reports free.
 */
export function planValues(overrides, last, expression) {
  // Same text (a slider moved, the check toggled) or nothing shown yet (a link): every override
  // belongs to this program.
  if (!last || last.expression === expression) return { send: { ...overrides }, carry: {} };
  const free = freeVariableNames(last.answer);
  return { send: {}, carry: pick(overrides, (name) => free.has(name)) };
}

/** The carried values that apply to an answer: those of its free variables. */
export function carriedValues(carry, answer) {
  const free = freeVariableNames(answer);
  return pick(carry, (name) => free.has(name));
}
