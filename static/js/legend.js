// The gradient colour scale (diverging: red negative, blue positive, pale near zero) and its legend bar.

import { formatNumber } from "./format.js";

const d3 = globalThis.d3;
const LEGEND_STOPS = 11;

/** The colour scale of a graph's gradients, symmetric around 0 up to the largest |gradient|. */
export function gradientScale(graph) {
  let max = 0;
  for (const node of graph.nodes) {
    if (node.kind !== "constant" && Number.isFinite(node.grad)) max = Math.max(max, Math.abs(node.grad));
  }
  if (max === 0) max = 1;
  return d3.scaleDivergingSymlog(d3.interpolateRdBu).domain([-max, 0, max]).clamp(true);
}

/** Draw the scale as a bar from -max to +max into the legend's SVG. */
export function drawLegend(svgElement, scale) {
  const svg = d3.select(svgElement);
  if (svg.empty() || !scale) return;
  const [min, , max] = scale.domain();
  svg.selectAll("*").remove();
  const gradient = svg.append("defs").append("linearGradient").attr("id", "bpx-legend-gradient");
  for (let i = 0; i < LEGEND_STOPS; i++) {
    const t = i / (LEGEND_STOPS - 1);
    gradient.append("stop").attr("offset", `${t * 100}%`).attr("stop-color", d3.interpolateRdBu(t));
  }
  svg.append("rect").attr("x", 4).attr("y", 2).attr("width", 142).attr("height", 9).attr("rx", 3).attr("fill", "url(#bpx-legend-gradient)");
  const labels = [
    [4, "start", formatNumber(min)],
    [75, "middle", "0"],
    [146, "end", `+${formatNumber(max)}`],
  ];
  for (const [x, anchor, text] of labels) {
    svg.append("text").attr("x", x).attr("y", 23).attr("text-anchor", anchor).attr("font-size", 10).attr("fill", "#4a5468").text(text);
  }
}
