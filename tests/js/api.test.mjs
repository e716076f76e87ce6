import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError, errorFromBody, FREE_VARIABLE_DEFAULT, graphRequest, postGraph } from "../../static/js/core/api.js";
import { fixture } from "./helpers.mjs";

test("every graph request carries the free variables' default; values and check only when given", () => {
  assert.equal(FREE_VARIABLE_DEFAULT, 1);
  assert.deepEqual(graphRequest("y = x*x", {}, false), { expression: "y = x*x", default_value: 1 });
  assert.deepEqual(graphRequest("y = x*x", { x: 3 }, true), {
    expression: "y = x*x",
    values: { x: 3 },
    check: true,
    default_value: 1,
  });
  assert.deepEqual(graphRequest("y = x", undefined, false, { defaultValue: 0.5 }), { expression: "y = x", default_value: 0.5 });
  assert.deepEqual(graphRequest("y = x", {}, false, { partial: true }), { expression: "y = x", default_value: 1, partial: true });
});

test("the request's values are a copy: later changes to the caller's object do not leak in", () => {
  const values = { x: 1 };
  const body = graphRequest("y = x", values, false);
  values.x = 2;
  assert.equal(body.values.x, 1);
});

test("error bodies become ApiErrors with code, message and position", () => {
  const detail = { code: "parse_error", message: "line 2, column 9: unexpected '*'", line: 2, column: 9, names: [] };
  const error = errorFromBody({ detail }, 422);
  assert.ok(error instanceof ApiError);
  assert.deepEqual([error.code, error.message, error.line, error.column, error.status], ["parse_error", detail.message, 2, 9, 422]);

  const listed = errorFromBody({ detail: [{ loc: ["body", "expression"], msg: "Field required" }] }, 422);
  assert.equal(listed.code, "invalid_request");
  assert.equal(listed.message, "body.expression: Field required");
  assert.equal(errorFromBody({ detail: "Not Found" }, 404).message, "Not Found");
  assert.equal(errorFromBody(null, 502).code, "http_error");
});

test("a math error's partial graph comes along on the error", () => {
  const partial = { nodes: [{ id: "n0" }], forward: ["n0"], failed: "n0", phase: "forward" };
  const detail = { code: "math_error", message: "line 1, column 5: log(0.0)", line: 1, column: 5, names: [] };
  assert.deepEqual(errorFromBody({ detail, partial }, 422).partial, partial);
  assert.equal(errorFromBody({ detail }, 422).partial, null);
  assert.equal(errorFromBody({ detail, partial: { nodes: "junk" } }, 422).partial, null);
});

test("postGraph asks for the columns answer and gives the page the object answer", async (t) => {
  const sent = [];
  t.mock.method(globalThis, "fetch", async (path, options) => {
    sent.push({ path, body: JSON.parse(options.body) });
    return new Response(JSON.stringify(fixture("lecture.columns")), { status: 200, headers: { "Content-Type": "application/json" } });
  });
  const answer = await postGraph({ expression: "a = 2", default_value: 1 });
  assert.deepStrictEqual(sent, [{ path: "/api/graph", body: { expression: "a = 2", default_value: 1, format: "columns" } }]);
  assert.deepStrictEqual(answer, fixture("lecture"));
});

test("postGraph's errors (a math error's partial graph included) come back as ApiError", async (t) => {
  const partial = { nodes: [{ id: "n0" }], forward: ["n0"], failed: "n0", phase: "forward" };
  const body = { detail: { code: "math_error", message: "log(0)", line: 1, column: 5, names: [] }, partial };
  t.mock.method(globalThis, "fetch", async () => new Response(JSON.stringify(body), { status: 422 }));
  await assert.rejects(postGraph({ expression: "y = log(0)" }), (error) => error instanceof ApiError && error.code === "math_error" && error.status === 422 && error.partial.failed === "n0");
});
