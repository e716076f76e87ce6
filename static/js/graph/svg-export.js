// A standalone copy of the drawn graph: the whole graph at scale 1 (no zoom), its stylesheet embedded,
// so the file looks like the page anywhere. Made in the page: no request leaves it but the stylesheet's.

const SVG_NS = "http://www.w3.org/2000/svg";
/** The page's graph background, painted under exported drawings. */
export const BACKGROUND = "#fcfdff";

let graphCss = null;

/** The graph's stylesheet text, embedded in exported SVGs so they look like the page. */
async function loadGraphCss() {
  if (graphCss === null) {
    const response = await fetch("/static/css/graph.css");
    graphCss = response.ok ? await response.text() : "";
  }
  return graphCss;
}

/**
 * The drawing as SVG text.
 * @param {SVGSVGElement} svg the page's graph
 * @param {{width: number, height: number}} layout the laid-out graph's size
 * @returns {Promise<{text: string, width: number, height: number}>}
 */
export async function standaloneSvg(svg, layout) {
  const css = await loadGraphCss();
  const clone = svg.cloneNode(true);
  const w = Math.ceil(layout.width);
  const h = Math.ceil(layout.height);
  clone.setAttribute("xmlns", SVG_NS);
  clone.setAttribute("width", String(w));
  clone.setAttribute("height", String(h));
  clone.setAttribute("viewBox", `0 0 ${w} ${h}`);
  clone.removeAttribute("data-testid");
  clone.querySelector(".viewport").removeAttribute("transform");
  // The whole drawing, as if all of it were in view and near; the page's fold controls stay behind.
  clone.classList.remove("far");
  for (const element of clone.querySelectorAll(".culled")) element.classList.remove("culled");
  for (const group of clone.querySelectorAll(".reserve")) group.removeAttribute("display");
  for (const element of clone.querySelectorAll(".fold-toggle")) element.remove();
  const style = document.createElementNS(SVG_NS, "style");
  style.textContent = `${css}\n.edge.active-backward { animation: none; }`;
  clone.insertBefore(style, clone.firstChild);
  const background = document.createElementNS(SVG_NS, "rect");
  background.setAttribute("width", "100%");
  background.setAttribute("height", "100%");
  background.setAttribute("fill", BACKGROUND);
  clone.insertBefore(background, style.nextSibling);
  return { text: new XMLSerializer().serializeToString(clone), width: w, height: h };
}
