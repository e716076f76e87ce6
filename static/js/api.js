// The JSON API client: one function per endpoint, errors normalised into ApiError.

/** An error the API (or the network) gave: code, message and, when known, line/column/names. */
export class ApiError extends Error {
  constructor({ code = "error", message = "Something went wrong.", line = null, column = null, names = [], status = 0 }) {
    super(message);
    this.code = code;
    this.line = line;
    this.column = column;
    this.names = names ?? [];
    this.status = status;
  }
}

/** `{"detail": {...}}` or FastAPI's list-shaped `detail` → ApiError fields. */
export function errorFromBody(body, status) {
  const detail = body && body.detail;
  if (detail && typeof detail === "object" && !Array.isArray(detail)) {
    return new ApiError({ ...detail, status });
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
 * without a value take it: the page never needs to know in advance which names are free.
 */
export function graphRequest(expression, values, check, defaultValue = FREE_VARIABLE_DEFAULT) {
  const body = { expression };
  if (values && Object.keys(values).length) body.values = { ...values };
  if (check) body.check = true;
  body.default_value = defaultValue;
  return body;
}

export const postGraph = (body) => request("/api/graph", { method: "POST", body: JSON.stringify(body) });
export const postGraphDot = (body) => request("/api/graph/dot", { method: "POST", body: JSON.stringify(body) });
export const getOps = () => request("/api/ops");
export const getExamples = () => request("/api/examples");
