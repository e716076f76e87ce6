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

/**
 * The graph shape of a small neural network's squared error, as tests/e2e/programs.py's mlp_program
 * writes it (one statement a neuron, `z = w1*x1 + … + wk*xk + b`, `h = tanh(z)`, `loss = (out - 1)**2`):
 * structure only, for layout. With the defaults, 2 inputs and two layers of 16: ~980 nodes.
 */
export function network(inputs = 2, hidden = [16, 16]) {
  const nodes = [];
  const add = (node) => {
    const id = `n${nodes.length}`;
    nodes.push({ id, value: 0, grad: 0, op: null, label: "", inputs: [], kind: "operation", ...node });
    return id;
  };
  let previous = Array.from({ length: inputs }, (_, i) => add({ kind: "variable", label: `x${i + 1}` }));
  let out = null;
  [...hidden, 1].forEach((size, layer) => {
    const last = layer === hidden.length;
    const current = [];
    for (let j = 1; j <= size; j++) {
      let sum = null;
      previous.forEach((source, k) => {
        const weight = add({ kind: "variable", label: `w${layer + 1}_${j}_${k + 1}` });
        const product = add({ op: "mul", inputs: [weight, source] });
        sum = sum === null ? product : add({ op: "add", inputs: [sum, product] });
      });
      const bias = add({ kind: "variable", label: `b${layer + 1}_${j}` });
      const z = add({ op: "add", inputs: [sum, bias], label: last ? "out" : `z${layer + 1}_${j}` });
      current.push(last ? z : add({ op: "tanh", inputs: [z], label: `h${layer + 1}_${j}` }));
      out = z;
    }
    previous = current;
  });
  const one = add({ kind: "constant", value: -1 });
  const difference = add({ op: "add", inputs: [out, one] });
  const two = add({ kind: "constant", value: 2 });
  const loss = add({ op: "pow", inputs: [difference, two], label: "loss" });
  return { output: loss, nodes, forward: nodes.map((n) => n.id), backward: [] };
}
