import { test } from "node:test";
import assert from "node:assert/strict";
import dagre from "@dagrejs/dagre";
import { collapsedView, collapsibleGroups, revaluedView } from "../../static/js/core/collapse.js";
import { graphEdges, layoutGraph } from "../../static/js/core/layout.js";
import { fixture, tanhChain } from "./helpers.mjs";

// neuron: n0..n4 = x1 x2 w1 w2 b; n5 = x1*w1, n6 = x2*w2, n7 = n5 + n6, n8 = n (n7 + b), n9 = o = tanh(n)

test("a neuron's statement is one group: its named sum and the unnamed products and sum under it", () => {
  const groups = collapsibleGroups(fixture("neuron_statement"));
  assert.deepEqual([...groups], [["n8", ["n8", "n5", "n6", "n7"]]]); // o = tanh(n) is one node: nothing to fold
});

test("a group stops at variables and at other named nodes", () => {
  const lecture = fixture("lecture"); // every operation is named: no group has more than its root
  assert.equal(collapsibleGroups(lecture).size, 0);
  const chain = tanhChain(3); // s_i = tanh(s_{i-1}*w + c_i): the tanh, the sum and the product
  const groups = collapsibleGroups(chain);
  assert.deepEqual([...groups.keys()], ["s1", "s2", "s3"]);
  assert.deepEqual(groups.get("s2"), ["s2", "m2", "a2"]);
});

test("an unnamed node something outside also uses stays out of the group, and what only it fed", () => {
  const node = (id, inputs, label = "", kind = "operation") => ({ id, kind, label, op: "add", inputs });
  const graph = {
    nodes: [
      node("x", [], "x", "variable"),
      node("u", ["x"]), // used by v (under p) and by q: in neither group
      node("v", ["u"]), // used by p only
      node("p", ["v", "x"], "p"),
      node("q", ["u"], "q"),
    ],
    forward: ["x", "u", "v", "p", "q"],
  };
  assert.deepEqual(collapsibleGroups(graph).get("p"), ["p", "v"]);
  assert.equal(collapsibleGroups(graph).has("q"), false); // q's only candidate, u, is used by v too
});

test("folding draws one box fed by the group's outside inputs, and keeps every edge's key", () => {
  const graph = fixture("neuron_statement");
  const view = collapsedView(graph, ["n8"]);
  assert.deepEqual(view.nodes.map((n) => n.id), ["n0", "n1", "n2", "n3", "n4", "n8", "n9"]);
  const box = view.nodes.find((n) => n.id === "n8");
  assert.equal(box.collapsed, true);
  assert.equal(box.members, 4);
  assert.deepEqual(box.inputs, ["n0", "n2", "n1", "n3", "n4"]);
  assert.deepEqual(
    view.edges.map((e) => [e.key, e.source, e.target]),
    [["n5:0", "n0", "n8"], ["n5:1", "n2", "n8"], ["n6:0", "n1", "n8"], ["n6:1", "n3", "n8"], ["n8:1", "n4", "n8"], ["n9:0", "n8", "n9"]],
  );
  assert.deepEqual(view.forward, ["n0", "n1", "n2", "n3", "n4", "n8", "n9"]);
  for (const id of ["n5", "n6", "n7", "n8"]) assert.equal(view.representative.get(id), "n8");
  assert.equal(view.representative.get("n0"), "n0");
  assert.equal(view.nodes.find((n) => n.id === "n0").foldable, undefined);
});

test("nothing folded: the answer's own nodes and edges, the groups' roots marked foldable", () => {
  const graph = fixture("neuron_statement");
  const view = collapsedView(graph, []);
  assert.deepEqual(view.nodes.map((n) => n.id), graph.forward);
  assert.deepEqual(view.edges.map((e) => e.key), graphEdges(graph).map((e) => e.key));
  assert.deepEqual(view.nodes.filter((n) => n.foldable).map((n) => n.id), ["n8"]);
  assert.equal(view.nodes.find((n) => n.id === "n8").collapsed, undefined);
  // Unknown or unfoldable ids are ignored.
  assert.deepEqual(collapsedView(graph, ["n9", "nope"]).nodes.length, graph.nodes.length);
});

test("a repeated input into a folded box gives parallel edges that bow apart", () => {
  // q = (x*x) + x: x enters the box three times.
  const graph = {
    nodes: [
      { id: "x", kind: "variable", label: "x", op: null, inputs: [] },
      { id: "m", kind: "operation", label: "", op: "mul", inputs: ["x", "x"] },
      { id: "q", kind: "operation", label: "q", op: "add", inputs: ["m", "x"] },
    ],
    forward: ["x", "m", "q"],
  };
  const view = collapsedView(graph, ["q"]);
  assert.deepEqual(view.edges.map((e) => [e.key, e.parallel, e.parallelCount]), [["m:0", 0, 3], ["m:1", 1, 3], ["q:1", 2, 3]]);
  const layout = layoutGraph(view, dagre);
  assert.equal(new Set(layout.edges.map((e) => e.path)).size, 3);
});

test("a folded view lays out with the box to the right of its inputs", () => {
  const view = collapsedView(fixture("neuron_statement"), ["n8"]);
  const layout = layoutGraph(view, dagre);
  assert.equal(layout.nodes.size, 7);
  const box = layout.nodes.get("n8");
  for (const input of ["n0", "n1", "n2", "n3", "n4"]) assert.ok(layout.nodes.get(input).x + layout.nodes.get(input).width <= box.x);
  assert.ok(box.x + box.width <= layout.nodes.get("n9").x);
});

test("a recompute's view takes the new numbers and keeps the old view's edges, folded or not", () => {
  const before = fixture("neuron_statement");
  const after = structuredClone(before);
  after.nodes.forEach((n, i) => {
    n.value = i + 0.5;
    n.grad = -i;
  });
  for (const folded of [[], ["n8"]]) {
    const view = collapsedView(before, folded);
    const revalued = revaluedView(view, after);
    assert.deepEqual(revalued.nodes, collapsedView(after, folded).nodes); // values, folds, inputs, members
    assert.equal(revalued.edges, view.edges);
    assert.equal(revalued.representative, view.representative);
    assert.deepEqual(revalued.forward, view.forward);
    assert.equal(revalued.nodes.find((n) => n.id === "n0"), after.nodes[0]); // a plain node is the answer's own
  }
  const box = revaluedView(collapsedView(before, ["n8"]), after).nodes.find((n) => n.id === "n8");
  assert.deepEqual([box.value, box.grad, box.collapsed, box.members], [8.5, -8, true, 4]);
  assert.throws(() => revaluedView(collapsedView(before, []), { nodes: after.nodes.slice(1) }), /n0 is not in the new answer/);
});
