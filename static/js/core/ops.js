// The operations the API knows, from GET /api/ops: looked up by name, each derivative rule split into
// its placeholder and its expression, and the glyph an operation node is drawn with. Pure: no DOM.
// The page keeps no list of its own: a new operation in the engine shows up here by itself.

/** ops: the `ops` array of GET /api/ops → a Map by name, each op with its `parsedRules`. */
export function indexOps(ops) {
  const byName = new Map();
  for (const op of ops ?? []) {
    const rules = (op.rules ?? []).map((text) => {
      const match = /^\s*∂\/∂([A-Za-z_]\w*)\s*=\s*(.*)$/u.exec(text);
      return match ? { placeholder: match[1], expression: match[2], text } : { placeholder: null, expression: text, text };
    });
    byName.set(op.name, { ...op, parsedRules: rules });
  }
  return byName;
}

/**
 * The glyph in an operation node's circle: the API's `display` (`×` for mul), else its operator
 * symbol, else its name (`tanh`). An op the API did not list is drawn by its name.
 */
export function opGlyph(opsByName, name) {
  const op = opsByName.get(name);
  if (!op) return name ?? "?";
  return op.display ?? op.symbol ?? op.name;
}
