// The layout's own thread: dagre lays big graphs out here, so the page keeps answering clicks, keys
// and scrolling meanwhile. For each graph it posts twice: first a quick layout (layout.js's
// quickLayout, a few milliseconds), for the page to show at once, then dagre's, which replaces it.
// A classic worker: dagre's browser build (from the lockfile, served by this origin at /vendor) is a
// classic script, and layout.js, an ES module, comes in by dynamic import.
// Messages: {id, graph, options (layoutGraph's), quick} in; {id, phase: "quick" | "final", layout (packLayout's)} or {id, error} out.
// layout-service.js is the other end.

/* global importScripts, dagre */
importScripts("/vendor/dagre.min.js");
const layoutModule = import("./layout.js");

function post(id, phase, layout, packLayout) {
  const packed = packLayout(layout);
  self.postMessage({ id, phase, layout: packed }, [packed.numbers.buffer, packed.edgeNumbers.buffer]);
}

self.onmessage = async ({ data: { id, graph, options, quick } }) => {
  try {
    const { layoutGraph, packLayout, quickLayout } = await layoutModule;
    if (quick) post(id, "quick", quickLayout(graph, options), packLayout);
    post(id, "final", layoutGraph(graph, dagre, options), packLayout);
  } catch (error) {
    self.postMessage({ id, error: String(error?.message ?? error) });
  }
};
