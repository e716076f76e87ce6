import dagre from "@dagrejs/dagre";
import { readFileSync, writeFileSync } from "node:fs";
import * as L from "../../static/js/layout.js";
import { collapsedView } from "../../static/js/collapse.js";
import { nodeLabels } from "../../static/js/notation.js";
const which = process.argv[2] ?? "quick";
for (const name of ["mlp", "chain"]) {
  const { answer, expression } = JSON.parse(readFileSync(`/tmp/ps/${name}.json`, "utf8"));
  const labels = nodeLabels(answer, expression);
  const view = collapsedView(answer, []);
  const t = performance.now();
  const layout = which === "dagre" ? L.layoutGraph(view, dagre, { labels }) : L[which](view, { labels, ...(process.env.BUDGET ? { dummyBudget: Number(process.env.BUDGET) } : {}) });
  const ms = performance.now() - t;
  const colour = { variable: "#6e84c4", constant: "#b4bbc9", operation: "#8d97ab" };
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" style="background:#fff">`;
  for (const e of layout.edges) svg += `<path d="${e.path}" fill="none" stroke="#999" stroke-width="1.5"/>`;
  for (const b of layout.nodes.values()) svg += `<rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" fill="${colour[b.kind]}" fill-opacity="0.8" rx="4"/><text x="${b.x + 4}" y="${b.y + 14}" font-size="11">${labels.get(b.id)}</text>`;
  svg += "</svg>";
  writeFileSync(`/tmp/ps/${name}-${which}.svg`, svg);
  console.log(name, which, ms.toFixed(0), "ms", Math.round(layout.width), "x", Math.round(layout.height));
}
