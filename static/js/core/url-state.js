// The page's shareable state and its URL form: pure, no DOM (url-sync.js reads and writes the URL).
// `#e=<expression>&v=a:2,b:-3&s=<step>&c=1` — the hash never reaches the server, and
// URLSearchParams does the escaping, so any expression round-trips exactly. Without `s` a link opens
// where Run stands (the end of the forward pass); `s=0` is before the forward pass.

const NAME = /^[A-Za-z_][A-Za-z_0-9]*$/;

/**
 * @typedef {{expression: string, values: Object<string, number>, step: number | null, check: boolean}} PageState
 *   step null: where a run stands by default
 */

/** PageState → the hash part of a URL (with the leading `#`). */
export function encodeState({ expression = "", values = {}, step = null, check = false }) {
  const params = new URLSearchParams();
  params.set("e", expression);
  const pairs = Object.entries(values)
    .filter(([name, value]) => NAME.test(name) && Number.isFinite(value))
    .map(([name, value]) => `${name}:${String(value)}`);
  if (pairs.length) params.set("v", pairs.join(","));
  if (Number.isFinite(step) && step >= 0) params.set("s", String(Math.trunc(step)));
  if (check) params.set("c", "1");
  return `#${params.toString()}`;
}

/** The hash part of a URL → PageState, or null when it carries no expression. Junk is ignored. */
export function decodeState(hash) {
  const text = (hash ?? "").replace(/^#/, "");
  if (!text) return null;
  const params = new URLSearchParams(text);
  if (!params.has("e")) return null;
  const values = {};
  for (const pair of (params.get("v") ?? "").split(",")) {
    const colon = pair.indexOf(":");
    if (colon < 0) continue;
    const name = pair.slice(0, colon);
    const raw = pair.slice(colon + 1).trim();
    const value = raw === "" ? NaN : Number(raw);
    if (NAME.test(name) && Number.isFinite(value)) values[name] = value;
  }
  const step = Number.parseInt(params.get("s") ?? "", 10);
  return {
    expression: params.get("e"),
    values,
    step: Number.isFinite(step) && step >= 0 ? step : null,
    check: params.get("c") === "1",
  };
}
