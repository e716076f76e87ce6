import { test } from "node:test";
import assert from "node:assert/strict";
import { indexOps, opGlyph } from "../../static/js/core/ops.js";

const OPS = indexOps([
  { name: "mul", symbol: "*", display: "×", formula: "a · b", rules: ["∂/∂a = b", "∂/∂b = a"] },
  { name: "add", symbol: "+", formula: "a + b", rules: ["∂/∂a = 1", "∂/∂b = 1"] },
  { name: "tanh", symbol: null, formula: "tanh x", rules: ["∂/∂x = 1 - tanh²x"] },
  { name: "odd", symbol: null, formula: "odd", rules: ["no placeholder here"] },
]);

test("ops are indexed by name, each rule split into its placeholder and its expression", () => {
  assert.deepEqual([...OPS.keys()], ["mul", "add", "tanh", "odd"]);
  assert.deepEqual(OPS.get("mul").parsedRules, [
    { placeholder: "a", expression: "b", text: "∂/∂a = b" },
    { placeholder: "b", expression: "a", text: "∂/∂b = a" },
  ]);
  assert.deepEqual(OPS.get("tanh").parsedRules, [{ placeholder: "x", expression: "1 - tanh²x", text: "∂/∂x = 1 - tanh²x" }]);
  assert.deepEqual(OPS.get("odd").parsedRules, [{ placeholder: null, expression: "no placeholder here", text: "no placeholder here" }]);
  assert.equal(indexOps(undefined).size, 0);
});

test("an op node's glyph: the API's display, else its symbol, else its name", () => {
  assert.equal(opGlyph(OPS, "mul"), "×");
  assert.equal(opGlyph(OPS, "add"), "+");
  assert.equal(opGlyph(OPS, "tanh"), "tanh");
  assert.equal(opGlyph(OPS, "softplus"), "softplus", "an op the API did not list is drawn by its name");
  assert.equal(opGlyph(new Map(), null), "?");
});
