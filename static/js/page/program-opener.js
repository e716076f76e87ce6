// Every way a program comes into the explorer: an example chosen, a link opened, a program handed over
// by another part of the page (a Train point, a lesson), or the first program when the explorer is
// first shown. Each one puts the text in the editor, forgets the values set by hand and runs it.

import { ExamplesMenu } from "../explorer/examples-menu.js";

/** Shown when the editor starts empty and the examples could not be had. */
export const FALLBACK_PROGRAM = "a = 2\nb = -3\nc = 10\ne = a*b\nd = e + c\nf = -2\nL = d*f";

export class ProgramOpener {
  /**
   * @param {(id: string) => HTMLElement} $ the page's element by id
   * @param {object} parts
   * @param {import("../explorer/editor.js").Editor} parts.editor
   * @param {import("../core/run-controller.js").RunController} parts.runs
   * @param {import("../explorer/explorer.js").Explorer} parts.explorer
   * @param {() => void} [parts.onOpen] before any program is opened (e.g. leave another view's context)
   */
  constructor($, { editor, runs, explorer, onOpen = () => {} }) {
    this.editor = editor;
    this.runs = runs;
    this.explorer = explorer;
    this.onOpen = onOpen;
    this.checkToggle = $("check-toggle");
    this.opened = false; // has the explorer been given a program yet (it gets one when first shown)
    this.examples = new ExamplesMenu($("examples"), $("example-description"), $("expression"), (example) => {
      this.opening();
      this.run(example.expression);
    });
  }

  opening() {
    this.opened = true;
    this.onOpen();
  }

  run(text, { values, step = null } = {}) {
    this.editor.value = text;
    this.runs.reset(values);
    this.explorer.select(null);
    this.runs.run(step === null ? {} : { step });
  }

  /**
   * A program from elsewhere on the page (not an example): run it, standing at the end of the forward
   * pass. `keepContext` leaves onOpen out (the part handing the program over shows its own context).
   */
  open(text, { values, keepContext = false } = {}) {
    this.opened = true;
    if (!keepContext) this.onOpen();
    this.examples.unselect();
    this.run(text, { values });
  }

  /** A link's state (url-state.js's PageState): its program, values, step and numeric check. */
  openState(state) {
    this.opening();
    this.examples.unselect();
    this.runs.check = state.check;
    this.checkToggle.checked = state.check;
    this.run(state.expression, { values: state.values, step: state.step });
  }

  /** The explorer's first program: the first example, or a fallback when the examples could not be had. */
  openFirst() {
    this.opened = true;
    if (this.examples.first) this.examples.choose(this.examples.first.id);
    else {
      this.editor.value = FALLBACK_PROGRAM;
      this.runs.run();
    }
  }
}
