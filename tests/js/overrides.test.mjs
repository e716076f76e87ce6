import { test } from "node:test";
import assert from "node:assert/strict";
import { carriedValues, planValues } from "../../static/js/core/overrides.js";
import { fixture } from "./helpers.mjs";

const LECTURE = { expression: "lecture text", answer: fixture("lecture") }; // a, b, c, f declared
const AFFINE = { expression: "y = 2*x + 1", answer: fixture("affine") }; // x free

test("the same program text gets every value the person set", () => {
  assert.deepEqual(planValues({ a: 5, f: 1 }, LECTURE, "lecture text"), { send: { a: 5, f: 1 }, carry: {} });
});

test("with nothing shown yet (a link, an example) every value goes with the program", () => {
  assert.deepEqual(planValues({ a: 5 }, null, "a = 1\nL = a*a"), { send: { a: 5 }, carry: {} });
});

test("changed text: its declarations win, values of free variables are carried", () => {
  assert.deepEqual(planValues({ a: 5, f: 1 }, LECTURE, "a = 3\nL = a*a"), { send: {}, carry: {} });
  assert.deepEqual(planValues({ x: 4 }, AFFINE, "y = 3*x"), { send: {}, carry: { x: 4 } });
});

test("a carried value applies only where the new answer has that name free", () => {
  assert.deepEqual(carriedValues({ x: 4 }, fixture("affine")), { x: 4 });
  assert.deepEqual(carriedValues({ x: 4 }, fixture("lecture")), {});
  assert.deepEqual(carriedValues({ x: 4 }, fixture("square")), {}, "square declares x: its text wins");
});
