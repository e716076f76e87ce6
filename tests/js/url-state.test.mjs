import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeState, encodeState } from "../../static/js/core/url-state.js";

test("expression, values, step and check round-trip through the hash", () => {
  const state = {
    expression: "a = 2; b = -3\n# comment & stuff = ?\nL = a*b + c # 100%",
    values: { c: 1, a: -0.1 + 0.2 * 3, big: 1e300 },
    step: 12,
    check: true,
  };
  const hash = encodeState(state);
  assert.ok(hash.startsWith("#"));
  assert.deepEqual(decodeState(hash), state);
});

test("defaults are left out of the URL and come back as defaults: no step is where a run stands", () => {
  const hash = encodeState({ expression: "x*x", values: {}, step: null, check: false });
  assert.equal(hash, "#e=x*x");
  assert.deepEqual(decodeState(hash), { expression: "x*x", values: {}, step: null, check: false });
});

test("step 0 (before the forward pass) is kept apart from no step", () => {
  const hash = encodeState({ expression: "x*x", step: 0 });
  assert.equal(hash, "#e=x*x&s=0");
  assert.equal(decodeState(hash).step, 0);
});

test("unicode and HTML-looking text survive", () => {
  const expression = "<img src=x onerror=alert(1)>\nσ = 1";
  assert.equal(decodeState(encodeState({ expression })).expression, expression);
});

test("junk in the hash is ignored, never thrown", () => {
  assert.equal(decodeState(""), null);
  assert.equal(decodeState("#"), null);
  assert.equal(decodeState("#foo=bar"), null);
  const state = decodeState("#e=x&v=x:abc,1y:2,ok:3,:4,z:,w&s=-5");
  assert.deepEqual(state.values, { ok: 3 });
  assert.equal(state.step, null);
});
