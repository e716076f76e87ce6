// The "not run" cue: the program text was edited since it last ran, so the graph shows an older
// program. Only a person's typing raises it (a value written back from a slider runs by itself).

export class EditCue {
  /**
   * @param {HTMLElement} cue the cue by the Run button
   * @param {HTMLElement} card the editor's card (its `edited` class marks the text box while the cue shows)
   * @param {import("./editor.js").Editor} editor
   */
  constructor(cue, card, editor) {
    this.cue = cue;
    this.card = card;
    this.editor = editor;
    this.lastRun = null;
    editor.textarea.addEventListener("input", () => this.update());
    this.update();
  }

  /** A run of `expression` was shown (an answer or an error). */
  ran(expression) {
    this.lastRun = expression;
    this.update();
  }

  update() {
    const edited = this.lastRun !== null && this.editor.value !== this.lastRun;
    this.cue.hidden = !edited;
    this.card.classList.toggle("edited", edited); // the badge's own class, `not-run`, is the badge's alone
  }
}
