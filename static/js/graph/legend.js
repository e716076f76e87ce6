// The gradient colour scale (diverging: red negative, blue positive, pale near zero) and its legend bar.

import { formatNumber } from "../core/format.js";

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

/** `#rrggbb`, `#rgb` or `rgb(r, g, b)` (what d3's colour scales give) → [r, g, b] in 0–255. */
export function parseColor(color) {
  const text = String(color).trim();
  let match = /^#([0-9a-f]{6})$/i.exec(text);
  if (match) return [0, 2, 4].map((i) => parseInt(match[1].slice(i, i + 2), 16));
  match = /^#([0-9a-f]{3})$/i.exec(text);
  if (match) return [...match[1]].map((c) => parseInt(c + c, 16));
  match = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/i.exec(text);
  if (match) return match.slice(1, 4).map(Number);
  throw new Error(`not a colour: ${color}`);
}

/** WCAG's relative luminance of a colour. */
export function relativeLuminance(color) {
  const [r, g, b] = parseColor(color);
  const channel = (c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** WCAG's contrast ratio of two colours (1 to 21). */
export function contrastRatio(a, b) {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * Should text on a gradient-coloured cell be white (else black)? Whichever contrasts more. Black and
 * white, not the page's softer inks: with them one of the two always reaches WCAG AA's 4.5:1, on
 * every colour of the scale (the worst fill gets about 4.58:1 from both).
 */
export function wantsLightText(fill) {
  let light = lightTextByFill.get(fill);
  if (light === undefined) {
    light = contrastRatio(fill, "#ffffff") > contrastRatio(fill, "#000000");
    // A scale has at most a few thousand distinct colours; a big graph asks for each many times.
    if (lightTextByFill.size >= LIGHT_TEXT_CACHE) lightTextByFill.clear();
    lightTextByFill.set(fill, light);
  }
  return light;
}
const LIGHT_TEXT_CACHE = 4096;
const lightTextByFill = new Map();

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
