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
