// The layout's own thread: dagre lays big graphs out here, so the page keeps answering clicks, keys
// and scrolling meanwhile. It makes what it is asked for: a quick layout (layout.js's layeredLayout,
// milliseconds), for the page to show at once, and the final one (layoutGraph: dagre's, or on graphs
// of more than OWN_LAYOUT_ABOVE nodes layeredLayout again, with no quick one before it), which
// replaces it; the page runs two of these workers, one for each, so dagre's starts at once.
// A classic worker: dagre's browser build (from the lockfile, served by this origin at /vendor) is a
// classic script, and layout.js, an ES module, comes in by dynamic import.
// Messages: {id, graph, options (layoutGraph's), phases: ["quick"] | ["final"] | both} in;
// {id, phase: "quick" | "final", layout (packLayout's)} or {id, phase, error} out. layout-service.js
// is the other end.

/* global importScripts, dagre */
importScripts("/vendor/dagre.min.js");
const layoutModule = import("../core/layout.js");

function post(id, phase, layout, packLayout) {
  const packed = packLayout(layout);
  self.postMessage({ id, phase, layout: packed }, [packed.numbers.buffer, packed.edgeNumbers.buffer]);
}

self.onmessage = async ({ data: { id, graph, options, phases } }) => {
  let phase = phases[0];
  try {
    const { layoutGraph, layeredLayout, packLayout } = await layoutModule;
    if (phases.includes("quick")) post(id, "quick", layeredLayout(graph, options), packLayout);
    phase = "final";
    if (phases.includes("final")) post(id, "final", layoutGraph(graph, dagre, options), packLayout);
  } catch (error) {
    self.postMessage({ id, phase, error: String(error?.message ?? error) });
  }
};
