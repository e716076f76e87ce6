// The Chain rule panel (the current step written out, chainrule.js's lines) and the ARIA live region
// that announces each step.

import { announce, chainRuleLines } from "../core/chainrule.js";

export class ChainRulePanel {
  /** @param {HTMLElement} panel @param {HTMLElement} announcer an aria-live region */
  constructor(panel, announcer) {
    this.panel = panel;
    this.announcer = announcer;
  }

  /**
   * Show one step; `announced` says whether the live region should read it out (not on a page load
   * that stands at the start).
   */
  show(timeline, state, opsByName, { announced = true } = {}) {
    this.panel.dataset.phase = state.phase;
    this.panel.replaceChildren(
      ...chainRuleLines(timeline, state, opsByName).map((line) => {
        const div = document.createElement("div");
        div.className = `line-${line.kind}`;
        // An equation wraps before its numbers, never inside them: `∂L/∂a += ∂L/∂e · ∂(a·b)/∂a`
        // over `= (-2)·(-3) = 6`.
        const cut = line.kind === "equation" ? line.text.indexOf(" = (") : -1;
        if (cut > 0) {
          const numbers = document.createElement("span");
          numbers.className = "numbers";
          numbers.textContent = line.text.slice(cut);
          div.append(line.text.slice(0, cut), numbers);
        } else div.textContent = line.text;
        return div;
      }),
    );
    if (announced) this.announcer.textContent = announce(timeline, state, opsByName);
  }

  /** Nothing to explain (no graph): one note instead. */
  clear(note) {
    this.panel.dataset.phase = "start";
    const div = document.createElement("div");
    div.className = "line-note";
    div.textContent = note;
    this.panel.replaceChildren(div);
  }
}
