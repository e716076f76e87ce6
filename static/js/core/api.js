// The JSON API client: one function per endpoint, errors normalised into ApiError.

import { decodeColumns } from "./columns.js";

/**
 * An error the API (or the network) gave: code, message and, when known, line/column/names; a
 * math_error asked with `partial` also carries the graph built up to the failure.
 */
export class ApiError extends Error {
  constructor({ code = "error", message = "Something went wrong.", line = null, column = null, names = [], status = 0, partial = null }) {
    super(message);
    this.code = code;
    this.line = line;
    this.column = column;
    this.names = names ?? [];
    this.status = status;
    this.partial = partial;
  }
}

/**
 * `{"detail": {...}}` or FastAPI's list-shaped `detail` → ApiError fields; a top-level `partial`
 * (`{nodes, forward, failed, phase}`) comes along.
 */
export function errorFromBody(body, status) {
  const detail = body && body.detail;
  if (detail && typeof detail === "object" && !Array.isArray(detail)) {
    const partial = body.partial && Array.isArray(body.partial.nodes) ? body.partial : null;
    return new ApiError({ ...detail, status, partial });
  }
  if (Array.isArray(detail)) {
    const message = detail.map((item) => `${(item.loc ?? []).join(".")}: ${item.msg}`).join("; ");
    return new ApiError({ code: "invalid_request", message: message || "The request was not valid.", status });
  }
  if (typeof detail === "string") return new ApiError({ code: "error", message: detail, status });
  return new ApiError({ code: "http_error", message: `The server answered ${status}.`, status });
}

async function request(path, options = {}) {
  let response;
  try {
    response = await fetch(path, {
      ...options,
      headers: { Accept: "application/json", ...(options.body ? { "Content-Type": "application/json" } : {}) },
    });
  } catch {
    throw new ApiError({ code: "network", message: "Could not reach the server. Is it running?" });
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) throw errorFromBody(body, response.status);
  if (body === null) throw new ApiError({ code: "bad_response", message: "The server's answer was not JSON.", status: response.status });
  return body;
}

/** The value a free variable takes when the person has not given it one. */
export const FREE_VARIABLE_DEFAULT = 1.0;

/**
 * The body both graph endpoints take. Every request carries `default_value`, so free variables
 * without a value take it: the page never needs to know in advance which names are free. `partial`
 * asks a math error to bring the graph built up to the failing node.
 */
export function graphRequest(expression, values, check, { defaultValue = FREE_VARIABLE_DEFAULT, partial = false } = {}) {
  const body = { expression };
  if (values && Object.keys(values).length) body.values = { ...values };
  if (check) body.check = true;
  body.default_value = defaultValue;
  if (partial) body.partial = true;
  return body;
}

/**
 * POST /api/graph, asked for the compact columns answer (docs/api-columns.md: about a fifth of the
 * bytes, and less work for the server), decoded into the object answer the page reads.
 */
export const postGraph = async (body) =>
  decodeColumns(await request("/api/graph", { method: "POST", body: JSON.stringify({ ...body, format: "columns" }) }));
export const postGraphDot = (body) => request("/api/graph/dot", { method: "POST", body: JSON.stringify(body) });
export const getOps = () => request("/api/ops");
export const getExamples = () => request("/api/examples");

// -- training (docs/training.md) ----------------------------------------------------------------------

export const getDatasets = () => request("/api/datasets");
export const postTrainExample = (body) => request("/api/train/example", { method: "POST", body: JSON.stringify(body) });
export const postTrainGradients = (body) => request("/api/train/gradients", { method: "POST", body: JSON.stringify(body) });
// POST /api/train streams: train-stream.js.

