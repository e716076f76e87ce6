// POST /api/train: a training's NDJSON stream as parsed lines, one at a time, as the server sends them.
// Stopping is aborting the request: the server stops the training when the connection closes.

import { ApiError, errorFromBody } from "./api.js";
import { readTrainLines } from "./ndjson.js";

/**
 * Start a training (POST /api/train) and give its stream's lines, parsed, as they come. Aborting
 * `signal` closes the connection, which stops the server's work; the iteration then throws the
 * abort's error. A refusal (422, 503 busy) throws its ApiError before any line.
 * @param {object} body the TrainRequest
 * @param {{signal?: AbortSignal, fetch?: typeof fetch}} [options]
 */
export async function* streamTraining(body, { signal, fetch: fetchImpl = globalThis.fetch } = {}) {
  let response;
  try {
    response = await fetchImpl("/api/train", {
      method: "POST",
      body: JSON.stringify(body),
      headers: { Accept: "application/x-ndjson", "Content-Type": "application/json" },
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError({ code: "network", message: "Could not reach the server. Is it running?" });
  }
  if (!response.ok) {
    let answer = null;
    try {
      answer = await response.json();
    } catch {
      answer = null;
    }
    const error = errorFromBody(answer, response.status);
    const retry = Number(response.headers.get("Retry-After"));
    if (response.status === 503 && retry > 0) {
      error.message = `${error.message} (in about ${retry} s)`;
      error.retryAfter = retry;
    }
    throw error;
  }
  yield* readTrainLines(response.body);
}
