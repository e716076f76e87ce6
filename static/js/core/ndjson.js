// Newline-delimited JSON, as POST /api/train streams it: one JSON object a line. The network cuts the
// stream into chunks anywhere (inside a line, inside a UTF-8 character), so lines are put back
// together here before they are parsed. No DOM: ReadableStream and TextDecoder are in Node too.

import { ApiError } from "./api.js";

/** The kinds of line the training stream sends (docs/training.md). */
export const LINE_TYPES = new Set(["start", "frame", "error"]);

/** Text chunks in, whole lines out: what is left after the last newline waits for the next chunk. */
export class LineSplitter {
  constructor() {
    this.rest = "";
  }

  /** The lines completed by `text` (blank lines skipped; a `\r` before the newline dropped). */
  push(text) {
    const parts = (this.rest + text).split("\n");
    this.rest = parts.pop();
    return parts.map(trimReturn).filter((line) => line.trim() !== "");
  }

  /** The stream ended: a last line without its newline, if any. */
  end() {
    const last = trimReturn(this.rest);
    this.rest = "";
    return last.trim() === "" ? [] : [last];
  }
}

function trimReturn(line) {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** One line of the training stream → its object; anything else is a `bad_response` ApiError. */
export function parseTrainLine(text) {
  let line;
  try {
    line = JSON.parse(text);
  } catch {
    throw new ApiError({ code: "bad_response", message: `The training stream sent a line that is not JSON: ${text.slice(0, 80)}` });
  }
  if (!line || typeof line !== "object" || !LINE_TYPES.has(line.type)) {
    throw new ApiError({ code: "bad_response", message: `The training stream sent a line of no known type: ${text.slice(0, 80)}` });
  }
  return line;
}

/**
 * Every line of a byte stream (a fetch Response's body), parsed, as they arrive. Stopping the
 * iteration early (a `break`, an abort) cancels the stream.
 * @param {ReadableStream<Uint8Array>} stream
 */
export async function* readTrainLines(stream) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const splitter = new LineSplitter();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const line of splitter.push(decoder.decode(value, { stream: true }))) yield parseTrainLine(line);
    }
    finished = true;
    for (const line of splitter.push(decoder.decode())) yield parseTrainLine(line);
    for (const line of splitter.end()) yield parseTrainLine(line);
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
