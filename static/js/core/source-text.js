// Positions in the program text: the API's spans (code-point offsets, 1-based lines and columns) as
// string indices, the statement a node belongs to, and a variable's declaration to write a value back
// into. Pure: no DOM.

/** Texts known to hold no character outside the BMP (the usual program): offsets need no converting. */
let plainText = null;
const ASTRAL = /[\uD800-\uDFFF]/;

/** Python counts characters by code point, JavaScript strings by UTF-16 unit: convert an offset. */
export function codePointToIndex(text, offset) {
  // Every node's span is converted: walking a 10,000-character program once per node would add up.
  if (text === plainText || (text.length > 256 && !ASTRAL.test(text) && (plainText = text))) {
    return Math.min(Math.max(0, offset), text.length);
  }
  let index = 0;
  let points = 0;
  for (const char of text) {
    if (points >= offset) break;
    index += char.length;
    points += 1;
  }
  return index;
}

/** 1-based line and column (in code points) → string index. */
export function lineColumnToIndex(text, line, column) {
  const lines = text.split("\n");
  let index = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) index += lines[i].length + 1;
  const rest = lines[Math.min(line - 1, lines.length - 1)] ?? "";
  return index + codePointToIndex(rest, Math.max(0, column - 1));
}

/** An API span → [start, end) string indices in `text`, or null when the span says nothing. */
export function spanRange(text, span) {
  if (!span || span.line === undefined) return null;
  const start = Number.isInteger(span.offset) ? codePointToIndex(text, span.offset) : lineColumnToIndex(text, span.line, span.column);
  const end = Number.isInteger(span.end_offset)
    ? codePointToIndex(text, span.end_offset)
    : lineColumnToIndex(text, span.end_line, span.end_column);
  return [start, Math.max(start, end)];
}

/** The text a span covers, or "" when it covers nothing. */
export function spanText(text, span) {
  const range = spanRange(text, span);
  return range ? text.slice(range[0], range[1]) : "";
}

/**
 * The statement around [start, end): from after the previous newline or `;` to before the next
 * newline, `;` or comment, without surrounding blanks. Statements are one line each (see DESIGN).
 */
export function statementRange(text, start, end) {
  let from = start;
  while (from > 0 && text[from - 1] !== "\n" && text[from - 1] !== ";") from -= 1;
  let to = Math.max(end, start);
  while (to < text.length && text[to] !== "\n" && text[to] !== ";" && text[to] !== "#") to += 1;
  while (from < to && /\s/.test(text[from])) from += 1;
  while (to > from && /\s/.test(text[to - 1])) to -= 1;
  return [from, to];
}

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;

/** How a value is written into the program: JavaScript's shortest round-trip form (`0.3`, `-2`, `1e-7`). */
export function numberText(value) {
  return Object.is(value, -0) ? "0" : String(value);
}

/**
 * The program with the declaration `name = <number>` rewritten to `value`; with several, the one
 * nearest to `near` (a string index: where the shown answer had it). Null when there is none.
 */
export function writeBackValue(text, name, value, near = 0) {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(String.raw`(^|[\n;])([ \t]*${escaped}[ \t]*=[ \t]*)(${NUMBER})(?=[ \t]*(?:$|[\n;#]))`, "g");
  let best = null;
  for (const match of text.matchAll(pattern)) {
    const numberStart = match.index + match[1].length + match[2].length;
    const distance = Math.abs(match.index + match[1].length - near);
    if (!best || distance < best.distance) best = { numberStart, length: match[3].length, distance };
  }
  if (!best) return null;
  return text.slice(0, best.numberStart) + numberText(value) + text.slice(best.numberStart + best.length);
}
