// The loss and accuracy curve (D3): every epoch of the run (training-history.js), loss on the left
// axis, accuracy on the right, the x axis the whole run's epochs so the curve also shows how far it
// has come. Hovering shows the nearest epoch's numbers. Drawn in the SVG's own pixels (it follows the
// card's width), so its text stays the page's size on a phone.

import { formatNumber, formatPercent } from "../core/format.js";
import { shortNumber } from "../core/train-lab.js";

const d3 = globalThis.d3;
// The loss axis's labels are shortNumber's (at most 7 characters): 52 px holds them at 11 px.
const MARGIN = { left: 52, right: 40, top: 10, bottom: 26 };
const FALLBACK_SIZE = { width: 480, height: 190 };

export class LossChart {
  /** @param {SVGSVGElement} svg */
  constructor(svg) {
    this.svg = d3.select(svg);
    this.size = { width: svg.clientWidth || FALLBACK_SIZE.width, height: svg.clientHeight || FALLBACK_SIZE.height };
    this.history = null;
    this.total = 1;
    this.hovered = null; // the epoch under the pointer, or null
    this.xAxis = this.svg.append("g").attr("class", "chart-axis chart-axis-x");
    this.lossAxis = this.svg.append("g").attr("class", "chart-axis chart-axis-loss");
    this.accuracyAxis = this.svg.append("g").attr("class", "chart-axis chart-axis-accuracy");
    this.accuracyPath = this.svg.append("path").attr("class", "chart-accuracy");
    this.lossPath = this.svg.append("path").attr("class", "chart-loss");
    this.testPath = this.svg.append("path").attr("class", "chart-test-loss");
    this.markRule = this.svg.append("line").attr("class", "chart-mark").style("display", "none");
    this.empty = this.svg.append("text").attr("class", "chart-empty").attr("text-anchor", "middle").text("Start training: the curve grows here");
    this.hover = this.svg.append("g").attr("class", "chart-hover").attr("data-testid", "train-curve-hover").style("display", "none");
    this.hover.append("line").attr("class", "chart-rule");
    this.hover.append("circle").attr("class", "chart-dot-loss").attr("r", 3.5);
    this.hover.append("circle").attr("class", "chart-dot-accuracy").attr("r", 3.5);
    this.tip = this.hover.append("g").attr("class", "chart-tip");
    this.tip.append("rect").attr("rx", 5).attr("height", 22);
    this.tipText = this.tip.append("text").attr("y", 15).attr("x", 8);
    this.overlay = this.svg.append("rect").attr("class", "chart-overlay");
    this.overlay
      .on("pointermove", (event) => {
        const [x] = d3.pointer(event);
        this.hovered = this.x ? this.x.invert(x) : null;
        this.showHover();
      })
      .on("pointerleave", () => {
        this.hovered = null;
        this.showHover();
      });
    new ResizeObserver(([entry]) => {
      const { width, height } = entry.contentRect;
      if (!width || !height || (width === this.size.width && height === this.size.height)) return;
      this.size = { width, height };
      if (this.history) this.draw(this.history, this.total, this.mark);
    }).observe(svg);
  }

  /** Draw `history` over a run of `total` epochs; `mark`: the epoch looked back at (null: none). */
  draw(history, total, mark = null) {
    this.history = history;
    this.total = Math.max(1, total);
    this.mark = mark;
    const { width, height } = this.size;
    const right = width - MARGIN.right;
    const bottom = height - MARGIN.bottom;
    this.x = d3.scaleLinear().domain([0, this.total]).range([MARGIN.left, right]);
    this.yLoss = d3.scaleLinear().domain([0, history.lossTop() * 1.05]).nice().range([bottom, MARGIN.top]);
    this.yAccuracy = d3.scaleLinear().domain([0, 1]).range([bottom, MARGIN.top]);
    const ticks = Math.max(2, Math.floor((right - MARGIN.left) / 70));
    this.xAxis.attr("transform", `translate(0,${bottom})`).call(d3.axisBottom(this.x).ticks(ticks, "d").tickSizeOuter(0));
    this.lossAxis.attr("transform", `translate(${MARGIN.left},0)`).call(d3.axisLeft(this.yLoss).ticks(4).tickFormat(shortNumber).tickSizeOuter(0));
    this.accuracyAxis.attr("transform", `translate(${right},0)`).call(d3.axisRight(this.yAccuracy).ticks(4, "~%").tickSizeOuter(0));

    const { epochs, loss, accuracy } = history;
    const indices = d3.range(history.length);
    const line = (values, y) =>
      d3
        .line()
        .defined((i) => Number.isFinite(values[i]))
        .x((i) => this.x(epochs[i]))
        .y((i) => y(values[i]))(indices);
    this.lossPath.attr("d", history.length ? line(loss, this.yLoss) : null);
    this.accuracyPath.attr("d", history.length ? line(accuracy, this.yAccuracy) : null);
    const test = history.test;
    this.testPath.attr(
      "d",
      test && test.epochs.length
        ? d3
            .line()
            .defined((i) => Number.isFinite(test.loss[i]))
            .x((i) => this.x(test.epochs[i]))
            .y((i) => this.yLoss(test.loss[i]))(d3.range(test.epochs.length))
        : null,
    );
    this.svg.attr("data-test-epochs", test ? test.epochs.length : 0);
    this.markRule
      .style("display", mark === null ? "none" : null)
      .attr("x1", mark === null ? 0 : this.x(mark))
      .attr("x2", mark === null ? 0 : this.x(mark))
      .attr("y1", MARGIN.top)
      .attr("y2", bottom);
    this.empty.attr("x", (MARGIN.left + right) / 2).attr("y", (MARGIN.top + bottom) / 2).style("display", history.length ? "none" : null);
    this.overlay.attr("x", MARGIN.left).attr("y", MARGIN.top).attr("width", Math.max(0, right - MARGIN.left)).attr("height", Math.max(0, bottom - MARGIN.top));
    this.svg.attr("data-epochs", history.length).attr("data-last-epoch", history.lastEpoch);
    const last = history.length ? history.at(history.length - 1) : null;
    this.svg.attr(
      "aria-label",
      last
        ? `Loss and accuracy by epoch: at epoch ${last.epoch}, loss ${formatNumber(last.loss)}, accuracy ${formatPercent(last.accuracy)}` +
            (mark === null ? "" : `; the rule marks epoch ${mark}, looked back at`)
        : "Loss and accuracy by epoch: no epoch yet",
    );
    this.showHover();
  }

  /** The hover's rule, dots and numbers at the recorded epoch nearest the pointer. */
  showHover() {
    const history = this.history;
    const i = this.hovered === null || !history ? -1 : history.nearest(this.hovered);
    if (i < 0) {
      this.hover.style("display", "none");
      return;
    }
    const { epoch, loss, accuracy } = history.at(i);
    const x = this.x(epoch);
    const [top, bottom] = [this.yAccuracy.range()[1], this.yAccuracy.range()[0]];
    this.hover.style("display", null).attr("data-epoch", epoch).attr("data-loss", loss).attr("data-accuracy", accuracy);
    this.hover.select(".chart-rule").attr("x1", x).attr("x2", x).attr("y1", top).attr("y2", bottom);
    this.hover.select(".chart-dot-loss").attr("cx", x).attr("cy", this.yLoss(loss));
    this.hover.select(".chart-dot-accuracy").attr("cx", x).attr("cy", this.yAccuracy(accuracy));
    const testLoss = history.hasTest ? history.testLossNear(epoch) : null;
    this.tipText.text(
      `epoch ${epoch} · loss ${formatNumber(loss)}${testLoss === null ? "" : ` · test ${formatNumber(testLoss)}`} · accuracy ${formatPercent(accuracy)}`,
    );
    const width = this.tipText.node().getComputedTextLength() + 16;
    const right = this.x.range()[1];
    const left = x + 10 + width > right ? x - 10 - width : x + 10;
    this.tip.attr("transform", `translate(${Math.max(this.x.range()[0], left)},${top})`);
    this.tip.select("rect").attr("width", width);
  }
}
