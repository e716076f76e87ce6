// The Export buttons: SVG, PNG, JSON, DOT of the graph on show. Disabled until there is one.

import { exportDot, exportJson, exportPng, exportSvg } from "../graph/exporters.js";
import { relabelDot } from "../core/notation.js";

export class ExportMenu {
  /**
   * @param {{svg: HTMLButtonElement, png: HTMLButtonElement, json: HTMLButtonElement, dot: HTMLButtonElement}} buttons
   * @param {object} options
   * @param {SVGSVGElement} options.graph the drawn graph
   * @param {() => ({answer, body, layout, labels} | null)} options.shown what is on show: the API answer,
   *   the request it answered, the layout, the nodes' shown names (the DOT file uses them too)
   * @param {(body: object) => Promise<{dot: string}>} options.postDot POST /api/graph/dot
   * @param {import("../page/status.js").StatusLine} options.status where a failed export says so
   */
  constructor(buttons, { graph, shown, postDot, status }) {
    this.buttons = buttons;
    this.shown = shown;
    this.status = status;
    const actions = {
      svg: (s) => exportSvg(graph, s.layout),
      png: (s) => exportPng(graph, s.layout),
      json: async (s) => exportJson(s.answer),
      dot: async (s) => exportDot(relabelDot((await postDot(s.body)).dot, s.labels)),
    };
    for (const [kind, button] of Object.entries(buttons)) {
      button.addEventListener("click", () => this.export(actions[kind]));
    }
    this.enable(false);
  }

  enable(on) {
    for (const button of Object.values(this.buttons)) button.disabled = !on;
  }

  async export(action) {
    const shown = this.shown();
    if (!shown) return;
    try {
      await action(shown);
      this.status.say("");
    } catch (error) {
      this.status.say(`Export failed: ${error.message}`);
    }
  }
}
