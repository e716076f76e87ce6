// The Train plot: the dataset's points over the decision boundary, TensorFlow Playground's look. The
// boundary grid (the server's model outputs) is painted as a small image the browser smooths as it
// scales it up; the points are circles that carry their data (`data-point-index`, `data-x1`, `data-x2`,
// `data-label`) and open their example when clicked. With a parameter chosen, each point is coloured
// by its term of that parameter's batch gradient. Geometry and colours: heatmap.js.

import { boundaryPixels, labelColor, plotScale, termLean } from "../core/heatmap.js";
import { formatNumber } from "../core/format.js";

const d3 = globalThis.d3;

/** The SVG's own units (its viewBox): the plot scales with the card, text and points with it. */
export const PLOT_SIZE = 420;
const FULL_MARGIN = { left: 38, top: 10, right: 14, bottom: 34 };
const COMPACT_MARGIN = { left: 4, top: 4, right: 4, bottom: 4 };
const POINT_RADIUS = 5.5;

/**
 * A point's colour by its term: green adds to the gradient, purple takes away (hues apart from the
 * labels' orange and blue, which stay on as each point's ring).
 */
function termColor(term, largest) {
  return d3.interpolatePRGn(0.5 + 0.5 * termLean(term, largest));
}

export class TrainPlot {
  /**
   * @param {SVGSVGElement} svg with viewBox `0 0 PLOT_SIZE PLOT_SIZE`
   * @param {object} [options]
   * @param {(index: number) => void} [options.onPick] a point was clicked
   * @param {boolean} [options.compact] no axes (the small copy beside the explorer)
   */
  constructor(svg, { onPick = null, compact = false } = {}) {
    this.svg = d3.select(svg);
    this.onPick = onPick;
    this.compact = compact;
    const margin = compact ? COMPACT_MARGIN : FULL_MARGIN;
    this.inner = Math.min(PLOT_SIZE - margin.left - margin.right, PLOT_SIZE - margin.top - margin.bottom);
    this.margin = margin;
    this.svg.attr("viewBox", `0 0 ${PLOT_SIZE} ${PLOT_SIZE}`).classed("compact", compact);
    this.area = this.svg.append("g").attr("class", "plot-area").attr("transform", `translate(${margin.left},${margin.top})`);
    this.image = this.area
      .append("image")
      .attr("class", "heatmap")
      .attr("width", this.inner)
      .attr("height", this.inner)
      .attr("preserveAspectRatio", "none");
    this.area.append("rect").attr("class", "plot-frame").attr("width", this.inner).attr("height", this.inner);
    this.pointsLayer = this.area.append("g").attr("class", "points");
    if (!compact) {
      this.xAxis = this.svg.append("g").attr("class", "plot-axis").attr("transform", `translate(${margin.left},${margin.top + this.inner})`);
      this.yAxis = this.svg.append("g").attr("class", "plot-axis").attr("transform", `translate(${margin.left},${margin.top})`);
      this.svg.append("text").attr("class", "plot-axis-label").attr("x", margin.left + this.inner / 2).attr("y", PLOT_SIZE - 3).attr("text-anchor", "middle").text("x₁");
      this.svg.append("text").attr("class", "plot-axis-label").attr("x", 9).attr("y", margin.top + this.inner / 2).attr("text-anchor", "middle").text("x₂");
    }
    this.canvas = document.createElement("canvas");
    this.data = null; // {points, labels, square}
    this.terms = null; // {terms, largest}
    this.marked = null; // the index of the point explained
  }

  /** The dataset: points and labels in the plot's square (the start line's); `split` marks test points. */
  setData({ points, labels, square, split = null }) {
    if (this.data && this.data.points === points && this.data.square === square && this.data.split === split) return;
    this.data = { points, labels, square, split };
    this.scale = plotScale(square, this.inner, this.inner);
    if (this.xAxis) {
      const x = d3.scaleLinear().domain([square.x_min, square.x_max]).range([0, this.inner]);
      const y = d3.scaleLinear().domain([square.y_min, square.y_max]).range([this.inner, 0]);
      this.xAxis.call(d3.axisBottom(x).ticks(5).tickSizeOuter(0));
      this.yAxis.call(d3.axisLeft(y).ticks(5).tickSizeOuter(0));
    }
    const items = points.map(([x1, x2], index) => ({ index, x1, x2, label: labels[index], test: split?.[index] === "test" }));
    this.pointsLayer
      .selectAll("circle")
      .data(items, (d) => d.index)
      .join((enter) => {
        const circle = enter.append("circle").attr("class", "point");
        circle.append("title");
        if (this.onPick) circle.on("click", (event, d) => this.onPick(d.index));
        return circle;
      })
      .attr("cx", (d) => this.scale.x(d.x1))
      .attr("cy", (d) => this.scale.y(d.x2))
      // The test hooks are the Train plot's alone: `[data-point-index]` is a point a click opens.
      .attr(this.compact ? "data-index" : "data-point-index", (d) => d.index)
      .attr("data-x1", (d) => (this.compact ? null : d.x1))
      .attr("data-x2", (d) => (this.compact ? null : d.x2))
      .attr("data-label", (d) => (this.compact ? null : d.label))
      .attr("data-split", (d) => (split ? (d.test ? "test" : "train") : null))
      .classed("test", (d) => d.test)
      .select("title")
      .text(
        (d) =>
          `#${d.index}: (${formatNumber(d.x1)}, ${formatNumber(d.x2)}), label ${d.label}${d.test ? ", a test point (not trained on)" : ""}` +
          `${this.onPick ? " (click: its loss in the explorer)" : ""}`,
      );
    this.svg.attr("data-test-points", split ? items.filter((d) => d.test).length : null);
    this.svg.attr("data-points", points.length);
    this.paintPoints();
  }

  /** Paint the model's outputs (`{size, values, epoch}`) as the background. */
  setBoundary(boundary, output, discrete) {
    if (!boundary) return;
    const { size } = boundary;
    this.canvas.width = size;
    this.canvas.height = size;
    const context = this.canvas.getContext("2d");
    context.putImageData(new ImageData(boundaryPixels(boundary, output, discrete), size, size), 0, 0);
    this.image.attr("href", this.canvas.toDataURL());
    this.svg.attr("data-boundary-epoch", boundary.epoch ?? 0).classed("discrete", discrete);
  }

  /**
   * Colour the points by their terms of a parameter's batch gradient (param-update.js's batchTerms),
   * or by their labels again (null).
   */
  setTerms(batch) {
    this.terms = batch ? { terms: batch.terms, largest: batch.largest, name: batch.name } : null;
    this.svg.classed("by-terms", this.terms !== null);
    if (this.terms) this.svg.attr("data-terms", this.terms.name);
    else this.svg.attr("data-terms", null);
    this.paintPoints();
  }

  /** Ring the point being explained (null: none). */
  mark(index) {
    this.marked = index;
    this.paintPoints();
  }

  paintPoints() {
    const terms = this.terms;
    const circles = this.pointsLayer.selectAll("circle");
    circles
      .classed("marked", (d) => d.index === this.marked)
      .attr("r", (d) => {
        if (!terms) return POINT_RADIUS;
        const share = Math.abs(termLean(terms.terms[d.index] ?? 0, terms.largest));
        return 2.5 + 5 * Math.sqrt(share);
      })
      .attr("fill", (d) => (terms ? termColor(terms.terms[d.index] ?? 0, terms.largest) : labelColor(d.label)))
      .style("stroke", (d) => (terms ? labelColor(d.label) : null)) // its label, as a ring
      .attr("data-term", (d) => (terms ? terms.terms[d.index] : null));
    // The explained point on top of its neighbours.
    if (this.marked !== null) circles.filter((d) => d.index === this.marked).raise();
  }
}
