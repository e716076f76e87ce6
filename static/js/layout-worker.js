// The layout's own thread: dagre lays big graphs out here, so the page keeps answering clicks, keys
// and scrolling meanwhile. A classic worker: dagre's browser build (from the lockfile, served by this
// origin at /vendor) is a classic script, and layout.js, an ES module, comes in by dynamic import.
// Messages: {id, graph} in; {id, layout (packLayout's)} or {id, error} out. layout-service.js is the
// other end.

/* global importScripts, dagre */
importScripts("/vendor/dagre.min.js");
const layoutModule = import("./layout.js");

self.onmessage = async ({ data: { id, graph } }) => {
  try {
    const { layoutGraph, packLayout } = await layoutModule;
    const layout = packLayout(layoutGraph(graph, dagre));
    self.postMessage({ id, layout }, [layout.numbers.buffer, layout.edgeNumbers.buffer]);
  } catch (error) {
    self.postMessage({ id, error: String(error?.message ?? error) });
  }
};
