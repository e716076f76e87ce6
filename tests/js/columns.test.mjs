import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeColumns } from "../../static/js/core/columns.js";
import { fixture } from "./helpers.mjs";

// Every fixture program, answered by the API in both forms (scripts/make_fixtures.py).
const PROGRAMS = ["lecture", "affine", "square", "reuse", "constant_only", "earlier_output", "undefined_local", "checked"];

for (const name of PROGRAMS) {
  test(`the columns answer of "${name}" decodes to its object answer, number for number`, () => {
    assert.deepStrictEqual(decodeColumns(fixture(`${name}.columns`)), fixture(name));
  });
}

test("contributions are grad × local, and null where the local derivative is", () => {
  const decoded = decodeColumns(fixture("undefined_local.columns"));
  const sqrt = decoded.backward.find((step) => decoded.nodes[Number(step.node.slice(1))].op === "sqrt");
  assert.deepStrictEqual(sqrt.contributions, [{ input: "n0", local: null, contribution: null }]);
  const lecture = decodeColumns(fixture("lecture.columns"));
  assert.deepStrictEqual(lecture.backward[0].contributions.map((c) => c.contribution), [-2, 4]);
});

test("spans come back with lines and columns from the table of lines", () => {
  const lecture = decodeColumns(fixture("lecture.columns"));
  const e = lecture.nodes.find((node) => node.label === "e"); // "e = a*b", line 4: "a*b" is offsets 24..27
  assert.deepStrictEqual(e.span, { line: 4, column: 5, end_line: 4, end_column: 8, offset: 24, end_offset: 27 });
});

test("a tampered column shows in the decoded answer", () => {
  const columns = structuredClone(fixture("lecture.columns"));
  columns.backward.locals[0] = 0.5;
  assert.notDeepStrictEqual(decodeColumns(columns), fixture("lecture"));
});
