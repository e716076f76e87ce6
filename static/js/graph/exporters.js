// The export files: SVG and PNG of the drawing (made in the page from svg-export.js's copy), JSON of
// the API answer, DOT from the API. Each one ends as a download.

import { BACKGROUND, standaloneSvg } from "./svg-export.js";

const MAX_CANVAS_SIDE = 8000;
const MAX_CANVAS_AREA = 40_000_000;

/** Offer a Blob as a file download. */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** @param {SVGSVGElement} svg @param {{width: number, height: number}} layout */
export async function exportSvg(svg, layout) {
  const { text } = await standaloneSvg(svg, layout);
  download(new Blob([text], { type: "image/svg+xml" }), "backprop-graph.svg");
}

/** The SVG copy drawn on a canvas at twice its size (less when that would be too large). */
export async function exportPng(svg, layout) {
  const { text, width, height } = await standaloneSvg(svg, layout);
  let scale = 2;
  scale = Math.min(scale, MAX_CANVAS_SIDE / width, MAX_CANVAS_SIDE / height, Math.sqrt(MAX_CANVAS_AREA / (width * height)));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.floor(width * scale));
  canvas.height = Math.max(1, Math.floor(height * scale));
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  try {
    const image = new Image();
    image.decoding = "async";
    await new Promise((resolve, reject) => {
      image.onload = resolve;
      image.onerror = () => reject(new Error("The drawing could not be turned into an image."));
      image.src = url;
    });
    const context = canvas.getContext("2d");
    context.fillStyle = BACKGROUND;
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
  } finally {
    URL.revokeObjectURL(url);
  }
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  if (!blob) throw new Error("The image is too large to export as PNG.");
  download(blob, "backprop-graph.png");
}

export function exportJson(answer) {
  download(new Blob([`${JSON.stringify(answer, null, 2)}\n`], { type: "application/json" }), "backprop-graph.json");
}

export function exportDot(dot) {
  download(new Blob([dot], { type: "text/vnd.graphviz" }), "backprop-graph.dot");
}
