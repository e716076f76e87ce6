// Predict mode, the pure part: which gradient a backward step is about to reveal, reading a learner's
// guess, judging it with a tolerance, and the worked chain rule to show after. No DOM.

import { contributionEquation, runningTotalLine } from "./chainrule.js";
import { formatNumber } from "./format.js";
import { gradientSymbol } from "./notation.js";
import { stateAt } from "./timeline.js";

/** A guess is right within 1% of the answer, or within 0.005 of it when the answer is near 0. */
export const RELATIVE_TOLERANCE = 0.01;
export const ABSOLUTE_TOLERANCE = 0.005;

/**
 * What step `index` (1-based: the step about to be shown) reveals, one target per input that receives
 * a gradient, in the order of the step's inputs (an input used twice, `x*x`, is asked once: its total
 * after the step); the seed step asks for the output's own gradient. Empty for a forward step or a
 * step whose inputs are all constants.
 * @returns {Array<{index, id, name, symbol, answer, position, of}>} the node whose gradient to predict,
 *   its `∂L/∂x`, its gradient once the step is shown (the API's numbers, summed in the API's order),
 *   and where it stands among the step's questions (`position` from 1, `of` of them)
 */
export function predictionTargets(timeline, index) {
  const step = timeline.steps[index - 1];
  if (!step || step.phase !== "backward") return [];
  const { nodeById, labels, graph } = timeline;
  const ids = [];
  for (const c of step.contributions) {
    if (c.contribution !== null && nodeById.get(c.input)?.kind !== "constant" && !ids.includes(c.input)) ids.push(c.input);
  }
  if (!ids.length && step.seed) ids.push(graph.output);
  const grads = ids.length ? stateAt(timeline, index).grads : null;
  const L = labels.get(graph.output);
  return ids.map((id, i) => {
    const name = labels.get(id);
    return { index, id, name, symbol: gradientSymbol(L, name), answer: grads.get(id), position: i + 1, of: ids.length };
  });
}

/** The first question of step `index` (see predictionTargets), or null when it asks none. */
export function predictionTarget(timeline, index) {
  return predictionTargets(timeline, index)[0] ?? null;
}

/** A typed number: `-2`, `−2` (a typographic minus), `0,5`, `1/3`, `2e-3`. Null when it is none. */
export function parsePrediction(text) {
  const clean = String(text ?? "").trim().replace(/\u2212/g, "-").replace(/,/g, ".").replace(/\s+/g, "");
  if (!clean) return null;
  const fraction = /^([-+]?\d*\.?\d+)\/([-+]?\d*\.?\d+)$/.exec(clean);
  if (fraction) {
    const value = Number(fraction[1]) / Number(fraction[2]);
    return Number.isFinite(value) ? value : null;
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(clean)) return null;
  const value = Number(clean);
  return Number.isFinite(value) ? value : null;
}

/** Is a guess right: within the tolerance of the answer? */
export function isRight(guess, answer) {
  return Math.abs(guess - answer) <= Math.max(ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE * Math.abs(answer));
}

/**
 * The chain rule worked out for the target: each of the step's contributions to it, and its running
 * total when it has more than one.
 */
export function workedLines(timeline, target, opsByName) {
  const state = stateAt(timeline, target.index);
  const step = state.step;
  const lines = [];
  if (step.seed && target.id === timeline.graph.output) lines.push(`${target.symbol} = 1 (the output's gradient with respect to itself)`);
  step.contributions.forEach((c, position) => {
    if (c.input === target.id && c.contribution !== null) lines.push(contributionEquation(timeline, step, position, opsByName));
  });
  if ((timeline.contributionTotals.get(target.id) ?? 0) > 1) lines.push(runningTotalLine(timeline, state, target.id));
  return lines;
}

/** The verdict on a guess, in words: `Right: ∂L/∂d = -2` / `Not quite: you said 3, ∂L/∂d = -2`. */
export function verdict(guess, target) {
  const answer = formatNumber(target.answer);
  return isRight(guess, target.answer)
    ? `Right: ${target.symbol} = ${answer}`
    : `Not quite: you said ${formatNumber(guess)}, ${target.symbol} = ${answer}`;
}
