import dagre from "@dagrejs/dagre";
import { readFileSync } from "node:fs";
import * as L from "../../static/js/layout.js";
import { collapsedView } from "../../static/js/collapse.js";
import { nodeLabels } from "../../static/js/notation.js";
for (const name of ["mlp", "chain"]) {
  const { answer, expression } = JSON.parse(readFileSync(`/tmp/ps/${name}.json`, "utf8"));
  const labels = nodeLabels(answer, expression);
  const view = collapsedView(answer, []);
  const t = [];
  for (let i = 0; i < 8; i++) { const s = performance.now(); L.layeredLayout(view, { labels }); t.push(performance.now() - s); }
  console.log(name, t.map((x) => x.toFixed(0)).join(" "));
}
