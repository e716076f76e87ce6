import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../../static/js/core/api.js";
import { LineSplitter, parseTrainLine, readTrainLines } from "../../static/js/core/ndjson.js";

test("lines cut anywhere by the network come out whole, in order", () => {
  const splitter = new LineSplitter();
  assert.deepEqual(splitter.push('{"type":"st'), []);
  assert.deepEqual(splitter.push('art"}\n{"type":"frame","epoch":1}\n{"ty'), ['{"type":"start"}', '{"type":"frame","epoch":1}']);
  assert.deepEqual(splitter.push('pe":"frame","epoch":2}'), []);
  assert.deepEqual(splitter.push("\n"), ['{"type":"frame","epoch":2}']);
  assert.deepEqual(splitter.end(), []);
});

test("blank lines and \\r\\n endings are taken in stride; a last line without a newline is kept", () => {
  const splitter = new LineSplitter();
  assert.deepEqual(splitter.push('\n{"a":1}\r\n\r\n{"b":2}'), ['{"a":1}']);
  assert.deepEqual(splitter.end(), ['{"b":2}']);
  assert.deepEqual(splitter.end(), []);
});

test("a line must be JSON with a known type", () => {
  assert.deepEqual(parseTrainLine('{"type":"error","epoch":3,"detail":{"code":"math_error","message":"m"}}').epoch, 3);
  for (const bad of ["{", "[]", "3", '{"type":"nope"}', "null"]) {
    assert.throws(() => parseTrainLine(bad), (error) => error instanceof ApiError && error.code === "bad_response");
  }
});

/** A byte stream that gives `bytes` in chunks of the given sizes (the last chunk takes the rest). */
function chunked(bytes, sizes) {
  const chunks = [];
  let at = 0;
  for (const size of sizes) {
    chunks.push(bytes.slice(at, at + size));
    at += size;
  }
  if (at < bytes.length) chunks.push(bytes.slice(at));
  return new ReadableStream({
    pull(controller) {
      if (chunks.length) controller.enqueue(chunks.shift());
      else controller.close();
    },
  });
}

test("a byte stream cut inside a UTF-8 character and inside lines gives the same lines", async () => {
  const lines = [
    { type: "start", names: ["l1_w0_0"], note: "σ(x) → ∂L/∂w" },
    { type: "frame", epoch: 1, loss: 0.5 },
    { type: "frame", epoch: 2, loss: 0.25, final: true },
  ];
  const bytes = new TextEncoder().encode(lines.map((line) => JSON.stringify(line)).join("\n") + "\n");
  const arrow = bytes.indexOf(0xe2); // the first byte of a three-byte character
  for (const sizes of [[1, 1, 1, 5], [arrow + 1, 1], [arrow + 2, 7, 3], [bytes.length]]) {
    const seen = [];
    for await (const line of readTrainLines(chunked(bytes, sizes))) seen.push(line);
    assert.deepEqual(seen, lines, `chunks ${sizes}`);
  }
});

test("leaving the iteration early cancels the stream", async () => {
  let cancelled = false;
  let sent = 0;
  const stream = new ReadableStream({
    pull(controller) {
      controller.enqueue(new TextEncoder().encode(`{"type":"frame","epoch":${++sent}}\n`));
    },
    cancel() {
      cancelled = true;
    },
  });
  for await (const line of readTrainLines(stream)) {
    if (line.epoch === 2) break;
  }
  assert.equal(cancelled, true);
});
