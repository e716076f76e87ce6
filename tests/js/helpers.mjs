// Shared test helpers: load a fixture (API answers recorded from the engine) and the ops table.
import { readFileSync } from "node:fs";

export function fixture(name) {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8"));
}

/** The graph shape of `s_i = tanh(s_{i-1} * w + c_i)` for `lines` lines: structure only, for layout. */
export function tanhChain(lines) {
  const nodes = [];
  const add = (node) => {
    nodes.push({ value: 0, grad: 0, op: null, label: "", inputs: [], ...node });
    return node.id;
  };
  let s = add({ id: "s0", kind: "variable", label: "s_0" });
  const w = add({ id: "w", kind: "variable", label: "w" });
  for (let i = 1; i <= lines; i++) {
    const c = add({ id: `c${i}`, kind: "variable", label: `c_${i}` });
    const m = add({ id: `m${i}`, kind: "operation", op: "mul", inputs: [s, w] });
    const a = add({ id: `a${i}`, kind: "operation", op: "add", inputs: [m, c] });
    s = add({ id: `s${i}`, kind: "operation", op: "tanh", label: `s_${i}`, inputs: [a] });
  }
  return { output: s, nodes, forward: nodes.map((n) => n.id), backward: [] };
}

/**
 * A stand-in for POST /api/graph that knows a few programs by their variables only, and answers as
 * the API does: a value for a name the program does not have is `unknown_variable`, a free variable
 * takes `values`, else `default_value`, else it is `unbound_variable`. Every body it got is kept.
 * @param {Object<string, {free?: string[], declared?: Object<string, number>}>} programs
 */
export function fakeGraphApi(programs, ApiError) {
  const bodies = [];
  async function post(body) {
    bodies.push(structuredClone(body));
    const program = programs[body.expression];
    if (!program) throw new ApiError({ code: "parse_error", message: "unknown program", line: 1, column: 1 });
    const free = program.free ?? [];
    const declared = program.declared ?? {};
    const values = body.values ?? {};
    const unknown = Object.keys(values).filter((name) => !free.includes(name) && !(name in declared));
    if (unknown.length) throw new ApiError({ code: "unknown_variable", message: "unknown", names: unknown });
    const unbound = free.filter((name) => !(name in values) && body.default_value === undefined);
    if (unbound.length) throw new ApiError({ code: "unbound_variable", message: "unbound", names: unbound });
    const nodes = [
      ...Object.entries(declared).map(([name, value]) => ({ name, value: values[name] ?? value, free: false })),
      ...free.map((name) => ({ name, value: values[name] ?? body.default_value, free: true })),
    ].map(({ name, value, free: isFree }, i) => ({
      id: `n${i}`, kind: "variable", op: null, label: name, value, grad: 1, inputs: [], free: isFree,
    }));
    return { output: nodes.at(-1)?.id, nodes, forward: nodes.map((n) => n.id), backward: [] };
  }
  return { post, bodies };
}

/** The program text of a fixture (scripts/make_fixtures.py writes them): unnamed nodes are labelled from it. */
export function program(name) {
  return fixture("programs")[name];
}
