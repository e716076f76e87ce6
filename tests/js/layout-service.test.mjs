import { test } from "node:test";
import assert from "node:assert/strict";
import dagre from "@dagrejs/dagre";
import { collapsedView } from "../../static/js/core/collapse.js";
import { layeredLayout, layoutGraph, OWN_LAYOUT_ABOVE, packLayout } from "../../static/js/core/layout.js";
import { LayoutService } from "../../static/js/core/layout-service.js";
import { fixture, tanhChain } from "./helpers.mjs";

/** A stand-in for the layout worker: answers each message on a later turn, as layout-worker.js does. */
function fakeWorker({ fail = false } = {}) {
  const worker = {
    messages: [],
    terminated: false,
    postMessage(message) {
      worker.messages.push(message);
      setTimeout(() => {
        if (fail) {
          worker.onerror({ message: "worker failed" });
          return;
        }
        const { id, graph, options, phases } = message;
        if (phases.includes("quick")) worker.onmessage({ data: { id, phase: "quick", layout: packLayout(layeredLayout(graph, options)) } });
        if (phases.includes("final")) worker.onmessage({ data: { id, phase: "final", layout: packLayout(layoutGraph(graph, dagre, options)) } });
      }, 1);
    },
    terminate() {
      worker.terminated = true;
    },
  };
  return worker;
}

/** A createWorker that makes fresh fakes (the page makes two: dagre's and the quick one's); the first is dagre's. */
function fakeWorkers(options) {
  const made = [];
  const create = () => made[made.push(fakeWorker(options)) - 1];
  return { made, create };
}

test("a small graph is laid out at once on this thread; a big one by the worker, once", async () => {
  const { made, create } = fakeWorkers();
  const service = new LayoutService({ dagre, createWorker: create, inlineLimit: 150 });
  const messages = () => made[0]?.messages ?? []; // dagre's worker's
  const small = collapsedView(fixture("lecture"), []);
  assert.ok(service.now(small));
  assert.equal(messages().length, 0);

  const big = collapsedView(tanhChain(60), []);
  assert.equal(service.now(big), null); // not cached, too big to make here
  const [first, second] = await Promise.all([service.layout(big), service.layout(big)]);
  assert.equal(messages().length, 1); // two asks, one layout
  assert.equal(first, second);
  assert.deepEqual(first, layoutGraph(big, dagre)); // unpacked: the layout this thread would make
  // The message carries the structure, not the numbers.
  assert.equal(messages()[0].graph.nodes[0].value, undefined);
  assert.deepEqual(service.stats, { inline: 1, worker: 1, cached: 0 });
});

test("new values, same structure: the layout comes from the cache", async () => {
  const { made, create } = fakeWorkers();
  const service = new LayoutService({ dagre, createWorker: create, inlineLimit: 150 });
  const messages = () => made[0]?.messages ?? []; // dagre's worker's
  const graph = tanhChain(60);
  const layout = await service.layout(collapsedView(graph, []));
  const recomputed = structuredClone(graph);
  for (const node of recomputed.nodes) node.value = 42;
  assert.equal(service.now(collapsedView(recomputed, [])), layout);
  assert.equal(messages().length, 1);
  assert.equal(service.stats.cached, 1);
  // The page keeps the layout on show for a recompute without asking: counted as from the cache.
  service.reused();
  assert.deepEqual(service.stats, { inline: 0, worker: 1, cached: 2 });
  assert.equal(messages().length, 1);
});

test("when the worker fails, this thread lays the graph out instead", async () => {
  const { made, create } = fakeWorkers({ fail: true });
  const service = new LayoutService({ dagre, createWorker: create, inlineLimit: 5 });
  const view = collapsedView(fixture("neuron_statement"), []);
  const layout = await service.layout(view);
  assert.equal(layout.nodes.size, view.nodes.length);
  assert.ok(made.every((worker) => worker.terminated));
  assert.equal(service.worker, null);
  // From now on, big graphs are laid out here.
  assert.ok(service.now(collapsedView(tanhChain(20), [])));
});

test("without workers (or when one cannot be made) everything is laid out on this thread", () => {
  const service = new LayoutService({
    dagre,
    createWorker: () => {
      throw new Error("no workers here");
    },
    inlineLimit: 10,
  });
  assert.ok(service.now(collapsedView(tanhChain(20), [])));
});

test("the quick layout comes first, from a worker of its own, for the newest asker, and is not cached", async () => {
  const { made: workers, create } = fakeWorkers();
  const service = new LayoutService({ dagre, createWorker: create, inlineLimit: 150 });
  const big = collapsedView(tanhChain(60), []);
  const seen = [];
  const first = service.layout(big, {}, () => seen.push("first asker"));
  const second = service.layout(big, {}, (quick) => seen.push(quick));
  const final = await first;
  assert.equal(await second, final);
  assert.equal(workers.length, 2); // dagre's, and the quick one's
  assert.deepEqual(workers.map((w) => w.messages.map((m) => m.phases)), [[["final"]], [["quick"]]]);
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0], layeredLayout(big));
  assert.notDeepEqual(seen[0], final);
  assert.equal(service.now(big), final); // the cache holds dagre's layout, never the quick one
});

test("the names drawn are part of the layout: other names, another layout", async () => {
  const { made, create } = fakeWorkers();
  const service = new LayoutService({ dagre, createWorker: create, inlineLimit: 150 });
  const messages = () => made[0]?.messages ?? []; // dagre's worker's
  const view = collapsedView(fixture("lecture"), []);
  const plain = service.now(view);
  const named = service.now(view, { labels: new Map([["n4", "a·b (a long name)"]]) });
  assert.notEqual(plain, named);
  assert.ok(named.nodes.get("n4").width > plain.nodes.get("n4").width);
  assert.equal(service.now(view, { labels: new Map([["n4", "a·b (a long name)"]]) }), named); // cached
  // Big graphs take their names and spacing to the worker.
  const big = collapsedView(tanhChain(60), []);
  const labels = new Map([["m1", "s_0·w"]]);
  const layout = await service.layout(big, { labels });
  assert.equal(messages()[0].options.labels, labels);
  assert.deepEqual(layout, layoutGraph(big, dagre, { labels }));
});

test("a graph past OWN_LAYOUT_ABOVE nodes gets its layered layout with no quick one first; folds travel with their edges", async () => {
  const { made: workers, create } = fakeWorkers();
  const service = new LayoutService({ dagre, createWorker: create, inlineLimit: 150 });
  const graph = tanhChain(100); // 402 nodes
  const big = collapsedView(graph, []);
  assert.ok(big.nodes.length > OWN_LAYOUT_ABOVE);
  const seen = [];
  const layout = await service.layout(big, {}, (quick) => seen.push(quick));
  assert.deepEqual(seen, []);
  assert.deepEqual(workers.map((w) => w.messages.map((m) => m.phases)), [[["final"]], []]);
  assert.deepEqual(layout, layeredLayout(big));
  // Nothing folded: the worker works the edges out itself. Folded: they come with the message.
  assert.equal(workers[0].messages[0].graph.edges, undefined);
  const folded = collapsedView(graph, ["s1", "s2"]);
  const foldedLayout = await service.layout(folded, {}, () => {});
  assert.deepEqual(workers[0].messages[1].graph.edges, folded.edges);
  assert.deepEqual(foldedLayout, layoutGraph(folded, dagre));
  assert.equal(foldedLayout.nodes.has("m1"), false); // inside s1's box
});
