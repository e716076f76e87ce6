import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../../static/js/core/api.js";
import { streamTraining } from "../../static/js/core/train-stream.js";

function ndjson(lines) {
  return new Response(lines.map((line) => JSON.stringify(line) + "\n").join(""), {
    headers: { "Content-Type": "application/x-ndjson" },
  });
}

async function collect(iterable) {
  const lines = [];
  for await (const line of iterable) lines.push(line);
  return lines;
}

test("the request is POST /api/train with the body as JSON and the caller's signal", async () => {
  const calls = [];
  const controller = new AbortController();
  const fakeFetch = async (url, options) => {
    calls.push({ url, options });
    return ndjson([{ type: "start" }, { type: "frame", epoch: 1, final: true }]);
  };
  const lines = await collect(streamTraining({ preset: "minitorch", steps: 1 }, { signal: controller.signal, fetch: fakeFetch }));
  assert.deepEqual(lines.map((l) => l.type), ["start", "frame"]);
  assert.equal(calls[0].url, "/api/train");
  assert.equal(calls[0].options.method, "POST");
  assert.deepEqual(JSON.parse(calls[0].options.body), { preset: "minitorch", steps: 1 });
  assert.equal(calls[0].options.signal, controller.signal);
});

test("refusals become ApiErrors: busy says when to try again, a bad body says what is wrong", async () => {
  const busy = async () =>
    new Response(JSON.stringify({ detail: { code: "busy", message: "this worker already runs 16 trainings; try again shortly" } }), {
      status: 503,
      headers: { "Retry-After": "2", "Content-Type": "application/json" },
    });
  await assert.rejects(collect(streamTraining({}, { fetch: busy })), (error) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.code, "busy");
    assert.equal(error.status, 503);
    assert.match(error.message, /try again shortly \(in about 2 s\)$/);
    return true;
  });
  const invalid = async () => new Response(JSON.stringify({ detail: [{ loc: ["body", "points"], msg: "too many" }] }), { status: 422 });
  await assert.rejects(collect(streamTraining({}, { fetch: invalid })), { code: "invalid_request", message: "body.points: too many" });
});

test("no server is a network error; an abort is the abort's own error", async () => {
  const down = async () => {
    throw new TypeError("Failed to fetch");
  };
  await assert.rejects(collect(streamTraining({}, { fetch: down })), { code: "network" });
  const controller = new AbortController();
  controller.abort();
  const aborted = async (url, { signal }) => {
    throw signal.reason;
  };
  await assert.rejects(collect(streamTraining({}, { fetch: aborted, signal: controller.signal })), { name: "AbortError" });
});
