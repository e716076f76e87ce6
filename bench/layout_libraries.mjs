// The layout library question, measured: the page's own layered layout (core/layout.js's
// layeredLayout), dagre (the page's layout up to 300 nodes) and elkjs's layered algorithm, on the same
// graphs, with the same node sizes and spacing, in Node (one thread, as in the page's worker).
// For each: time (interleaved rounds: median, min, max), the drawing's size, and edge crossings counted
// by one function for all three (segments of every drawn edge's polyline, pairs that properly cross).
//
// Run by bench/layout_libraries.py, which writes the graphs (API answers) to a JSON file:
//   node bench/layout_libraries.mjs GRAPHS.json [--rounds 7]
import dagre from "@dagrejs/dagre";
import ELK from "elkjs/lib/elk.bundled.js";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

import { graphEdges, layeredLayout, nodeBox } from "../static/js/core/layout.js";

const NODE_SEP = 16; // core/layout.js's spacing, given to every library alike
const RANK_SEP = 44;
const MARGIN = 24;
const DAGRE_UP_TO = 400;

/**
 * The points an SVG path of core/layout.js's edgePath passes through: its start (M) and the end of each
 * cubic segment (C), leaving out the control points: the polyline of the edge's ends and bend points.
 */
function pathPoints(d) {
  const numbers = d.match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g)?.map(Number) ?? [];
  const points = [];
  for (let i = 0; i + 1 < numbers.length; i += 2) points.push({ x: numbers[i], y: numbers[i + 1] });
  return points.filter((_, i) => i % 3 === 0);
}

/** The page's layouts, as {width, height, polylines}. */
function ownDrawing(layout) {
  return { width: layout.width, height: layout.height, polylines: layout.edges.map((edge) => pathPoints(edge.path)) };
}

function elkGraph(graph) {
  const children = graph.nodes.map((node) => {
    const { width, height } = nodeBox(node);
    return { id: node.id, width, height };
  });
  const edges = graphEdges(graph).map((edge, i) => ({ id: `e${i}`, sources: [edge.source], targets: [edge.target] }));
  return {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.spacing.nodeNode": String(NODE_SEP),
      "elk.layered.spacing.nodeNodeBetweenLayers": String(RANK_SEP),
      "elk.spacing.edgeNode": "8",
      "elk.spacing.edgeEdge": "8",
      "elk.padding": `[top=${MARGIN},left=${MARGIN},bottom=${MARGIN},right=${MARGIN}]`,
    },
    children,
    edges,
  };
}

function elkDrawing(result) {
  const polylines = result.edges.map((edge) =>
    edge.sections.flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]),
  );
  return { width: result.width, height: result.height, polylines };
}

function properlyCross(a, b, c, d) {
  const orient = (p, q, r) => (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x);
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

/**
 * Edge crossings: pairs of drawn edges whose polylines properly cross (touching at a shared node port
 * is not a crossing), each pair counted once per crossing segment pair. One function for every layout.
 */
export function crossings(polylines) {
  const segments = [];
  polylines.forEach((points, edge) => {
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i];
      const b = points[i + 1];
      segments.push({ edge, a, b, minX: Math.min(a.x, b.x), maxX: Math.max(a.x, b.x),
        minY: Math.min(a.y, b.y), maxY: Math.max(a.y, b.y) });
    }
  });
  segments.sort((s, t) => s.minX - t.minX);
  let count = 0;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    for (let j = i + 1; j < segments.length && segments[j].minX <= s.maxX; j++) {
      const t = segments[j];
      if (t.edge === s.edge || t.maxY < s.minY || t.minY > s.maxY) continue;
      if (properlyCross(s.a, s.b, t.a, t.b)) count++;
    }
  }
  return count;
}

/** dagre called as the page calls it up to 300 nodes (core/layout.js's layoutGraph), at any size. */
function dagreDrawing(graph) {
  const g = new dagre.graphlib.Graph({ multigraph: false, compound: false });
  g.setGraph({ rankdir: "LR", nodesep: NODE_SEP, ranksep: RANK_SEP, edgesep: 8, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) g.setNode(node.id, nodeBox(node));
  for (const edge of graphEdges(graph)) g.setEdge(edge.source, edge.target, { minlen: 1 });
  dagre.layout(g);
  const polylines = graphEdges(graph).map((edge) => g.edge(edge.source, edge.target).points);
  return { width: g.graph().width, height: g.graph().height, polylines };
}

const LIBRARIES = {
  own: async (graph) => ownDrawing(layeredLayout(graph, { satellites: false })),
  // As the page draws graphs over 300 nodes: leaves used once ride beside their user.
  "own, satellites": async (graph) => ownDrawing(layeredLayout(graph, { satellites: true })),
  dagre: async (graph) => dagreDrawing(graph),
  elkjs: async (graph, elk) => elkDrawing(await elk.layout(elkGraph(graph))),
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  const [file, ...rest] = process.argv.slice(2);
  const rounds = Number(rest[rest.indexOf("--rounds") + 1]) || 7;
  const graphs = JSON.parse(readFileSync(file, "utf8"));
  const elk = new ELK();
  const rows = [];
  for (const { name, graph } of graphs) {
    // dagre only where the page uses it (up to 300 nodes, give or take): on the 984-node MLP it takes
    // tens of seconds with every edge routed.
    const libraries = Object.keys(LIBRARIES).filter((k) => k !== "dagre" || graph.nodes.length <= DAGRE_UP_TO);
    const times = Object.fromEntries(libraries.map((k) => [k, []]));
    const drawings = {};
    for (let round = 0; round < rounds; round++) {
      // Interleaved: one run of each library a round, their order rotated each round.
      const names = libraries;
      const order = names.slice(round % names.length).concat(names.slice(0, round % names.length));
      for (const library of order) {
        const started = performance.now();
        const drawing = await LIBRARIES[library](graph, elk);
        times[library].push(performance.now() - started);
        drawings[library] = drawing;
      }
    }
    for (const library of libraries) {
      const d = drawings[library];
      rows.push({
        graph: name, nodes: graph.nodes.length, library,
        median_ms: median(times[library]), min_ms: Math.min(...times[library]), max_ms: Math.max(...times[library]),
        width: Math.round(d.width), height: Math.round(d.height), area_mpx: (d.width * d.height) / 1e6,
        crossings: crossings(d.polylines),
      });
    }
  }
  process.stdout.write(JSON.stringify(rows));
}

main();
