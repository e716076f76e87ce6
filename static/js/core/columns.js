// The columns answer of POST /api/graph ("format": "columns", docs/api-columns.md) → the object answer
// (contract v1) the rest of the page reads. No DOM; nothing is recomputed but what the format leaves
// out on purpose: ids, `forward`, `gradients`, a step's grad (its node's) and each contribution
// (grad × local, the very product the engine added up).

/** The first index whose value is greater than `value` in the ascending array `sorted`. */
function bisectRight(sorted, value) {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Line and column (1-based) of the character at `offset`, from the answer's table of lines. */
function position(lines, offset) {
  const row = bisectRight(lines.starts, offset) - 1;
  return [lines.numbers[row], offset - lines.starts[row] + 1];
}

/** A node's span from its offsets, as the object answer has it (the end is exclusive). */
function span(lines, offset, endOffset) {
  const [line, column] = position(lines, offset);
  const [endLine, lastColumn] = endOffset > offset ? position(lines, endOffset - 1) : [line, column - 1];
  return { line, column, end_line: endLine, end_column: lastColumn + 1, offset, end_offset: endOffset };
}

/**
 * Rebuild the object answer from a columns answer.
 * @param {object} answer the JSON of a `"format": "columns"` answer
 * @returns {object} the same answer in the object form: output, value, gradients, nodes, forward,
 *   backward, warnings and (when asked) check
 */
export function decodeColumns(answer) {
  const { node_types: nodeTypes, types, labels, values, grads, inputs, spans, lines, backward } = answer;
  const count = types.length;
  const ids = Array.from({ length: count }, (_, i) => `n${i}`);
  const free = new Set(answer.free);

  const firstInput = new Array(count + 1);
  firstInput[0] = 0;
  for (let i = 0; i < count; i++) firstInput[i + 1] = firstInput[i] + inputs.counts[i];
  const inputsOf = (i) => inputs.nodes.slice(firstInput[i], firstInput[i + 1]);

  const nodes = new Array(count);
  const gradients = {};
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const { kind, op } = nodeTypes[types[i]];
    offset += spans.starts[i];
    const node = {
      id: ids[i],
      kind,
      op,
      label: labels[i],
      value: values[i],
      grad: grads[i],
      inputs: inputsOf(i).map((j) => ids[j]),
      span: span(lines, offset, offset + spans.lengths[i]),
    };
    if (kind === "variable") {
      node.free = free.has(i);
      gradients[labels[i]] = grads[i];
    }
    nodes[i] = node;
  }

  let share = 0;
  const steps = backward.nodes.map((i) => {
    const grad = grads[i];
    const contributions = inputsOf(i).map((j) => {
      const local = backward.locals[share++];
      return { input: ids[j], local, contribution: local === null ? null : grad * local };
    });
    return { node: ids[i], grad, contributions };
  });

  const decoded = {
    output: ids[count - 1],
    value: values[count - 1],
    gradients,
    nodes,
    forward: ids,
    backward: steps,
    warnings: answer.warnings,
  };
  if (answer.check !== undefined && answer.check !== null) decoded.check = answer.check;
  return decoded;
}
