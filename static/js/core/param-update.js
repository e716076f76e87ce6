// Gradient descent's arithmetic as the page writes it out: the parameter table's rows, one example's
// update `w ← w − lr·∂Lₙ/∂w`, and a parameter's batch gradient taken apart point by point
// (POST /api/train/gradients) so `+=` over the dataset shows. Pure: no DOM. The numbers are the API's;
// only `w − lr·g` and running sums of its terms are done here, in the order they are shown.

import { formatFactor, formatNumber } from "./format.js";

/**
 * The learning rate epoch `done + 1` uses: the preset's schedule, as engine/training.py's
 * `learning_rate_at` has it (micrograd's demo decays it: lr·(1 − 0.9·k/epochs) at step k, 0-based;
 * minitorch keeps it). The same expression, so the same float.
 */
export function learningRateAt(preset, learningRate, done, epochs) {
  if (preset === "micrograd") return learningRate * (1.0 - 0.9 * done / epochs);
  return learningRate;
}

/**
 * The parameter table: each parameter's value, the gradient of the last epoch and the change that
 * epoch made, `−lr·∂L/∂w` (null before the first epoch).
 * @param {string[]} names
 * @param {Object<string, number>} parameters
 * @param {Object<string, number> | null} gradients the last frame's
 * @param {number | null} learningRate the last frame's
 */
export function parameterRows(names, parameters, gradients, learningRate) {
  return names.map((name) => {
    const grad = gradients ? gradients[name] : null;
    const update = grad === null || grad === undefined || learningRate === null ? null : -(learningRate * grad);
    return { name, value: parameters[name], grad: grad ?? null, update };
  });
}

/**
 * One example's update for every parameter, as if the batch were this one point:
 * `next = value − lr·grad`, with `grad` the explorer's ∂Lₙ/∂w.
 * @param {string[]} names the parameters, in the model's order
 * @param {Object<string, number>} values their values (the example's program declares them)
 * @param {Object<string, number>} gradients ∂Lₙ/∂w for each (the explored answer's `gradients`)
 * @param {number} learningRate
 */
export function exampleUpdate(names, values, gradients, learningRate) {
  return names.map((name) => {
    const value = values[name];
    const grad = gradients[name] ?? 0;
    const step = learningRate * grad;
    return { name, value, grad, step, next: value - step };
  });
}

/**
 * One parameter's batch gradient as the sum of the points' terms, from /api/train/gradients:
 * ∂L/∂w = Σₙ weights[n]·∂Lₙ/∂w + regularization. `running[n]` is the sum after point n (`+=` in the
 * points' order); `gradient` is the API's (what a training step uses), which the running sum plus the
 * regularization reaches up to rounding.
 * @param {object} answer POST /api/train/gradients's answer
 * @param {string} name the parameter
 */
export function batchTerms(answer, name) {
  const exampleGradients = answer.example_gradients[name];
  const terms = exampleGradients.map((g, n) => answer.weights[n] * g);
  const running = [];
  let sum = 0;
  for (const term of terms) {
    sum += term;
    running.push(sum);
  }
  let largest = 0;
  for (const term of terms) largest = Math.max(largest, Math.abs(term));
  return {
    name,
    exampleGradients,
    weights: answer.weights,
    terms,
    running,
    sum,
    regularization: answer.regularization[name] ?? 0,
    gradient: answer.gradients[name],
    largest,
    // Both presets weigh every point alike (1/N): the text says "the mean" when that holds.
    mean: answer.weights.every((w) => w === answer.weights[0]),
  };
}

/** The points in order of how hard they pull (|term|, largest first): their indices. */
export function strongestPulls(terms, count) {
  return terms
    .map((term, index) => ({ index, size: Math.abs(term) }))
    .sort((a, b) => b.size - a.size || a.index - b.index)
    .slice(0, count)
    .map((entry) => entry.index);
}

// -- the lines written out ------------------------------------------------------------------------------

/** A point's weight in the batch: `1/50` when it is one over the count, else the number. */
export function weightText(weight, count) {
  return weight * count === 1 || Math.abs(weight * count - 1) < 1e-12 ? `1/${count}` : formatNumber(weight);
}

/** `w − lr·g = next` with the numbers: `0.4376 − 0.5·(-0.25) = 0.5626`. */
export function updateText(value, learningRate, grad, next) {
  return `${formatNumber(value)} − ${formatNumber(learningRate)}·${formatFactor(grad)} = ${formatNumber(next)}`;
}

/** A point's term of the batch gradient: `(1/50)·(-0.0123) = -0.000246`. */
export function termText(weight, count, grad, term) {
  return `(${weightText(weight, count)})·${formatFactor(grad)} = ${formatNumber(term)}`;
}
