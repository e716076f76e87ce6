// A lesson's checkpoint judged against the API's answers. Pure: no DOM. The answer is never the
// lesson's: it is read from POST /api/graph's answer for the step's program (a value, a gradient,
// which input gets the larger gradient), or, for a task, from the answer the explorer got after the
// learner changed a value (the recomputed graph).

import { isRight, parsePrediction } from "./prediction.js";

/** The node a name stands for in an answer: the last one given that name (a later assignment rebinds). */
export function namedNode(answer, name) {
  let found = null;
  for (const node of answer.nodes) if (node.label === name) found = node;
  return found;
}

/** Does the checkpoint ask for a typed number (through the page's prediction input)? */
export function asksNumber(checkpoint) {
  return checkpoint.kind === "value" || checkpoint.kind === "gradient";
}

/** The right answer on this answer: a number, or a name for `larger`; null when the graph lacks it. */
export function expectedAnswer(checkpoint, answer) {
  const { kind, names } = checkpoint;
  const nodes = names.map((name) => namedNode(answer, name));
  if (nodes.some((node) => node === null)) return null;
  if (kind === "value" || kind === "task-value") return nodes[0].value;
  if (kind === "gradient" || kind === "task-gradient") return nodes[0].grad;
  let best = 0;
  nodes.forEach((node, i) => {
    if (Math.abs(node.grad) > Math.abs(nodes[best].grad)) best = i;
  });
  return names[best];
}

/**
 * Judge a typed number or a chosen name: `{right, expected, guess}`; `guess` null when the text is no
 * number (then nothing is judged and the learner is asked again).
 */
export function judgeAnswer(checkpoint, answer, given) {
  const expected = expectedAnswer(checkpoint, answer);
  if (checkpoint.kind === "larger") return { right: given === expected, expected, guess: given };
  const guess = parsePrediction(given);
  if (guess === null) return { right: false, expected, guess: null };
  return { right: isRight(guess, expected), expected, guess };
}

/** Each variable's value in an answer, by name. */
export function variableValues(answer) {
  const values = {};
  for (const node of answer.nodes) if (node.kind === "variable") values[node.label] = node.value;
  return values;
}

/**
 * A task (`task-value` / `task-gradient`): is it done on `current`, the explorer's latest answer,
 * by changing exactly one value of the step's own answer `start`? `{done, changed, got, message}`.
 */
export function judgeTask(checkpoint, start, current) {
  const before = variableValues(start);
  const after = variableValues(current);
  const names = Object.keys(before);
  const same = names.length === Object.keys(after).length && names.every((name) => name in after);
  if (!same) return { done: false, changed: [], got: null, message: "The program was changed: Back and Next bring the step's program back." };
  const changed = names.filter((name) => before[name] !== after[name]);
  const got = expectedAnswer(checkpoint, current);
  const symbol = checkpoint.kind === "task-gradient" ? `the gradient of ${checkpoint.names[0]}` : checkpoint.names[0];
  if (changed.length === 0) return { done: false, changed, got, message: `Change one value first (${symbol} is ${format(got)}).` };
  if (changed.length > 1) return { done: false, changed, got, message: `Change one value only; ${changed.join(", ")} changed.` };
  const done = got !== null && Math.abs(got - checkpoint.target) <= checkpoint.tolerance;
  const message = done
    ? `✓ With ${changed[0]} = ${format(after[changed[0]])}, ${symbol} is ${format(got)}.`
    : `✗ With ${changed[0]} = ${format(after[changed[0]])}, ${symbol} is ${format(got)}, not ${format(checkpoint.target)}.`;
  return { done, changed, got, message };
}

function format(value) {
  return value === null || value === undefined ? "—" : String(Number(value.toPrecision(6)));
}
