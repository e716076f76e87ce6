// The Chain rule panel (the current step written out, chainrule.js's lines), with the Code toggle's
// micrograd and minitorch lines for a backward step (code-lines.js), and the ARIA live region that
// announces each step.

import { announce, chainRuleLines } from "../core/chainrule.js";
import { codeLines } from "../core/code-lines.js";

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
    this.last = { timeline, state, opsByName };
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
    if (this.code) this.panel.append(...codeBlock(codeLines(timeline, state.step, opsByName)));
    if (announced) this.announcer.textContent = announce(timeline, state, opsByName);
  }

  /** The Code toggle: show each backward step's code (micrograd's and minitorch's) under its lines. */
  setCode(on) {
    this.code = on;
    if (this.last && this.panel.dataset.phase !== "start") {
      const { timeline, state, opsByName } = this.last;
      this.show(timeline, state, opsByName, { announced: false });
    }
  }

  /** Nothing to explain (no graph): one note instead. */
  clear(note) {
    this.last = null;
    this.panel.dataset.phase = "start";
    const div = document.createElement("div");
    div.className = "line-note";
    div.textContent = note;
    this.panel.replaceChildren(div);
  }
}

/** The code lines as a block: per line the library, the code as it is written, and with the numbers. */
function codeBlock(lines) {
  if (!lines.length) return [];
  const block = document.createElement("div");
  block.className = "line-code";
  for (const line of lines) {
    if (line.kind === "code-note") {
      const note = document.createElement("div");
      note.className = "code-note";
      note.textContent = line.text;
      block.append(note);
      continue;
    }
    const row = document.createElement("div");
    row.className = "code-row";
    row.dataset.library = line.library;
    const library = document.createElement("span");
    library.className = "code-library";
    library.textContent = line.native ? line.library : `${line.library} (in its style)`;
    const code = document.createElement("code");
    code.className = "code-text";
    code.textContent = line.code;
    const numbers = document.createElement("code");
    numbers.className = "code-filled";
    numbers.textContent = `→ ${line.filled}`;
    row.append(library, code, numbers);
    block.append(row);
  }
  return [block];
}
