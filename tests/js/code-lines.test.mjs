import { test } from "node:test";
import assert from "node:assert/strict";
import { codeLines } from "../../static/js/core/code-lines.js";
import { nodeLabels } from "../../static/js/core/notation.js";
import { indexOps } from "../../static/js/core/ops.js";
import { buildTimeline } from "../../static/js/core/timeline.js";
import { fixture, program } from "./helpers.mjs";

const OPS = indexOps(fixture("ops").ops);
const timelineOf = (name) => buildTimeline(fixture(name), { labels: nodeLabels(fixture(name), program(name), OPS) });
const backwardStep = (timeline, label) =>
  timeline.steps.slice(timeline.forwardCount).find((s) => timeline.labels.get(s.node) === label);

test("a product's step: micrograd's two lines and minitorch's return, with the step's numbers", () => {
  const timeline = timelineOf("lecture");
  const lines = codeLines(timeline, backwardStep(timeline, "e"), OPS);
  assert.deepEqual(
    lines.map((l) => [l.library, l.code, l.filled, l.native]),
    [
      ["micrograd", "self.grad += other.data * out.grad", "a.grad += (-3)·(-2)", true],
      ["micrograd", "other.grad += self.data * out.grad", "b.grad += 2·(-2)", true],
      ["minitorch", "return b * d_output, a * d_output", "return (-3)·(-2), 2·(-2)", true],
    ],
  );
});

test("an op written in the library's style says so; a constant input gets no micrograd line", () => {
  const timeline = timelineOf("cases");
  const lines = codeLines(timeline, backwardStep(timeline, "1 - y·s"), OPS);
  const micrograd = lines.filter((l) => l.library === "micrograd");
  assert.deepEqual(micrograd.map((l) => l.filled), ["(y·s).grad += -1"]); // 1 is a constant
  assert.equal(micrograd[0].native, false);
  assert.equal(lines.at(-1).kind, "code-note");
  assert.match(lines.at(-1).text, /a \+ \(-b\)/);
});

test("every op the table serves has code for its steps; forward steps and failed steps have none", () => {
  for (const op of OPS.values()) assert.ok(op.micrograd?.length && op.minitorch, op.name);
  const timeline = timelineOf("lecture");
  assert.deepEqual(codeLines(timeline, timeline.steps[0], OPS), []);
  assert.deepEqual(codeLines(timeline, { ...backwardStep(timeline, "e"), failed: true }, OPS), []);
  assert.deepEqual(codeLines(timeline, backwardStep(timeline, "e"), new Map()), []); // no table: no code
});
