// A layout as a few flat arrays and back: what the layout worker posts to the page. Pure: no DOM.

/**
 * A layout as a few flat arrays, for the worker to post: copying thousands of small objects between
 * threads costs the page's thread more than rebuilding them from numbers (unpackLayout).
 */
export function packLayout(layout) {
  const boxes = [...layout.nodes.values()];
  const numbers = new Float64Array(boxes.length * 6);
  boxes.forEach((b, i) => numbers.set([b.x, b.y, b.width, b.height, b.recordX, b.labelWidth], i * 6));
  const edges = layout.edges;
  const edgeNumbers = new Float64Array(edges.length * 7);
  edges.forEach((e, i) => {
    const { x0, y0, x1, y1 } = e.bounds;
    edgeNumbers.set([e.position, e.parallel, e.parallelCount, x0, y0, x1, y1], i * 7);
  });
  return {
    ids: boxes.map((b) => b.id),
    kinds: boxes.map((b) => b.kind),
    numbers,
    edgeKeys: edges.map((e) => e.key),
    edgeSources: edges.map((e) => e.source),
    edgeTargets: edges.map((e) => e.target),
    edgePaths: edges.map((e) => e.path),
    edgeNumbers,
    width: layout.width,
    height: layout.height,
    direction: layout.direction,
  };
}

/** The layout packLayout packed, as layoutGraph made it. */
export function unpackLayout(packed) {
  const { ids, kinds, numbers: v, edgeNumbers: w } = packed;
  const nodes = new Map();
  ids.forEach((id, i) => {
    const at = i * 6;
    nodes.set(id, { id, kind: kinds[i], x: v[at], y: v[at + 1], width: v[at + 2], height: v[at + 3], recordX: v[at + 4], labelWidth: v[at + 5] });
  });
  const edges = packed.edgeKeys.map((key, i) => {
    const at = i * 7;
    return {
      key,
      source: packed.edgeSources[i],
      target: packed.edgeTargets[i],
      position: w[at],
      parallel: w[at + 1],
      parallelCount: w[at + 2],
      path: packed.edgePaths[i],
      bounds: { x0: w[at + 3], y0: w[at + 4], x1: w[at + 5], y1: w[at + 6] },
    };
  });
  return { nodes, edges, width: packed.width, height: packed.height, direction: packed.direction };
}
