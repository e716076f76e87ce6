import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../../static/js/core/api.js";
import { RECOMPUTE_DELAY_MS, RunController } from "../../static/js/core/run-controller.js";
import { fakeGraphApi } from "./helpers.mjs";

const PROGRAMS = {
  "y = x*x + q": { free: ["x", "q"] },
  "y = x*x + q + r": { free: ["x", "q", "r"] },
  "y = x*x": { free: ["x"] },
  "q = 2\ny = x*q": { free: ["x"], declared: { q: 2 } },
  "a = 2\nL = a*a": { declared: { a: 2 } },
  "a = 3\nL = a*a": { declared: { a: 3 } },
  "p = 2\nq = 3\nL = p*q": { declared: { p: 2, q: 3 } },
  "p = 2\nq = 4\nL = p*q": { declared: { p: 2, q: 4 } },
  "p = 2\nq = 5\nL = p*q": { declared: { p: 2, q: 5 } },
};

/** A controller over the fake API; `text` is the editor's program. */
function harness(text) {
  const api = fakeGraphApi(PROGRAMS, ApiError);
  const editor = { text };
  const seen = { answers: [], errors: [], busy: [] };
  const runs = new RunController({
    post: api.post,
    source: () => editor.text,
    onBusy: (busy) => seen.busy.push(busy),
    onAnswer: (result, run) => seen.answers.push({ result, run }),
    onError: (error, expression) => seen.errors.push({ error, expression }),
    now: () => 0,
  });
  return { runs, editor, seen, bodies: api.bodies };
}

const valuesOf = (answer) => Object.fromEntries(answer.nodes.map((n) => [n.label, n.value]));

test("a first run asks once, with the default for free variables and no values", async () => {
  const { runs, seen, bodies } = harness("y = x*x + q");
  await runs.run({ step: 3 });
  assert.deepEqual(bodies, [{ expression: "y = x*x + q", default_value: 1, partial: true }]);
  const [{ result, run }] = seen.answers;
  assert.deepEqual(valuesOf(result.answer), { x: 1, q: 1 });
  assert.deepEqual(run.options, { step: 3 });
  assert.equal(run.sequence, 1);
  assert.deepEqual(seen.busy, [true, false]);
});

test("a value set for the program on show is sent with it", async () => {
  const { runs, seen, bodies } = harness("a = 2\nL = a*a");
  await runs.run();
  runs.overrides = { a: 5 };
  await runs.run({ keepStep: true });
  assert.deepEqual(bodies[1], { expression: "a = 2\nL = a*a", values: { a: 5 }, default_value: 1, partial: true });
  assert.deepEqual(valuesOf(seen.answers[1].result.answer), { a: 5 });
  assert.deepEqual(runs.overrides, { a: 5 });
});

test("edited text: its own declarations win over values set before", async () => {
  const { runs, editor, seen, bodies } = harness("a = 2\nL = a*a");
  await runs.run();
  runs.overrides = { a: 5 };
  editor.text = "a = 3\nL = a*a";
  await runs.run();
  assert.equal(bodies.length, 2);
  assert.deepEqual(bodies[1], { expression: "a = 3\nL = a*a", default_value: 1, partial: true });
  assert.deepEqual(valuesOf(seen.answers[1].result.answer), { a: 3 });
  assert.deepEqual(runs.overrides, {});
});

test("edited text: a free variable keeps its value while the program still has it free", async () => {
  const { runs, editor, seen, bodies } = harness("y = x*x + q");
  await runs.run();
  runs.overrides = { x: 4, q: 7 };
  editor.text = "y = x*x + q + r";
  await runs.run();
  // First the new program's free names, then its values: two requests, each for a reason.
  assert.deepEqual(bodies.slice(1), [
    { expression: "y = x*x + q + r", default_value: 1, partial: true },
    { expression: "y = x*x + q + r", values: { x: 4, q: 7 }, default_value: 1, partial: true },
  ]);
  assert.deepEqual(valuesOf(seen.answers[1].result.answer), { x: 4, q: 7, r: 1 });
  assert.deepEqual(runs.overrides, { x: 4, q: 7 });
  assert.deepEqual(seen.errors, []);
});

test("edited text: a value for a name the program no longer has is dropped, never sent", async () => {
  const { runs, editor, seen, bodies } = harness("y = x*x + q");
  await runs.run();
  runs.overrides = { x: 4, q: 7 };
  editor.text = "q = 2\ny = x*q"; // q is declared now, x still free
  await runs.run();
  assert.deepEqual(bodies.slice(1), [
    { expression: "q = 2\ny = x*q", default_value: 1, partial: true },
    { expression: "q = 2\ny = x*q", values: { x: 4 }, default_value: 1, partial: true },
  ]);
  editor.text = "y = x*x + q";
  runs.overrides = { x: 4 };
  await runs.run(); // from "q = 2\ny = x*q": x was free there and still is
  editor.text = "a = 2\nL = a*a";
  await runs.run(); // no x any more: one request, nothing carried
  assert.deepEqual(bodies.at(-1), { expression: "a = 2\nL = a*a", default_value: 1, partial: true });
  assert.deepEqual(seen.errors, []);
  assert.ok(bodies.every((body) => body.default_value === 1));
});

test("a link's values all go with its program, and an unknown name there is the link's error", async () => {
  const { runs, seen, bodies } = harness("y = x*x");
  runs.reset({ x: 2.5 });
  await runs.run();
  assert.deepEqual(bodies, [{ expression: "y = x*x", values: { x: 2.5 }, default_value: 1, partial: true }]);
  runs.reset({ nope: 1 });
  await runs.run();
  assert.equal(bodies.length, 2, "no retry");
  assert.equal(seen.errors[0].error.code, "unknown_variable");
  assert.deepEqual(seen.errors[0].error.names, ["nope"]);
});

test("an error keeps the values and the program they belong to", async () => {
  const { runs, editor, seen, bodies } = harness("a = 2\nL = a*a");
  await runs.run();
  runs.overrides = { a: 5 };
  editor.text = "a = 2\nL = a*";
  await runs.run();
  assert.equal(seen.errors[0].error.code, "parse_error");
  assert.equal(seen.errors[0].expression, "a = 2\nL = a*");
  editor.text = "a = 2\nL = a*a"; // back to the text on show
  await runs.run();
  assert.deepEqual(bodies.at(-1).values, { a: 5 });
});

test("a run overtaken by a newer one reports nothing", async () => {
  const { runs, editor, seen } = harness("y = x*x");
  const first = runs.run();
  editor.text = "y = x*x + q";
  const second = runs.run();
  await Promise.all([first, second]);
  assert.equal(seen.answers.length, 1);
  assert.equal(seen.answers[0].result.expression, "y = x*x + q");
  assert.equal(seen.answers[0].run.sequence, 2);
  assert.deepEqual(seen.busy, [true, true, false]);
});

test("a value set while an answer is on its way is kept for the next run", async () => {
  const { runs, seen } = harness("a = 2\nL = a*a");
  await runs.run();
  const pending = runs.run({ keepStep: true });
  runs.setValue("a", 9); // the slider moves before the answer is back
  await pending;
  assert.deepEqual(runs.overrides, { a: 9 });
  clearTimeout(runs.timer);
  await runs.run({ keepStep: true });
  assert.deepEqual(valuesOf(seen.answers.at(-1).result.answer), { a: 9 });
});

test("setValue recomputes once after a pause, keeping the step", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { runs, seen, bodies } = harness("a = 2\nL = a*a");
  await runs.run();
  runs.setValue("a", 3);
  t.mock.timers.tick(RECOMPUTE_DELAY_MS - 1);
  runs.setValue("a", 4); // a slider still moving: the wait starts over
  t.mock.timers.tick(RECOMPUTE_DELAY_MS - 1);
  assert.equal(bodies.length, 1);
  t.mock.timers.tick(1);
  await new Promise((resolve) => setImmediate(resolve)); // the run's answer comes back
  assert.equal(bodies.length, 2);
  assert.deepEqual(bodies[1].values, { a: 4 });
  assert.deepEqual(seen.answers[1].run.options, { keepStep: true });
});

test("a value written into the text is no override, and the other values still go with the program", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { runs, editor, seen, bodies } = harness("p = 2\nq = 3\nL = p*q");
  runs.reset({ p: 5 }); // a link's value for p
  await runs.run();
  editor.text = "p = 2\nq = 4\nL = p*q"; // the q slider wrote 4 into the text
  runs.textCarries("q", editor.text);
  t.mock.timers.tick(RECOMPUTE_DELAY_MS);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(bodies.at(-1), { expression: "p = 2\nq = 4\nL = p*q", values: { p: 5 }, default_value: 1, partial: true });
  assert.deepEqual(valuesOf(seen.answers.at(-1).result.answer), { p: 5, q: 4 });
  assert.deepEqual(seen.answers.at(-1).run.options, { keepStep: true });
});

test("a value written while a run is on its way still counts as the same program", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { runs, editor, bodies } = harness("p = 2\nq = 3\nL = p*q");
  runs.reset({ p: 5 });
  const first = runs.run();
  editor.text = "p = 2\nq = 4\nL = p*q";
  runs.textCarries("q", editor.text); // written before the first answer is back
  await first;
  t.mock.timers.tick(RECOMPUTE_DELAY_MS);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(bodies.at(-1).values, { p: 5 });
  editor.text = "p = 2\nq = 5\nL = p*q"; // then typed by hand: a new program, its own values
  await runs.run();
  assert.deepEqual(bodies.at(-1), { expression: "p = 2\nq = 5\nL = p*q", default_value: 1, partial: true });
});
