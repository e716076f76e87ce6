// Errors under the editor: the message, where it is (line and column, the source line with a caret),
// and a mark at that place in the editor. Text only: a message never becomes markup.

import { ApiError } from "../core/api.js";
import { lineColumnToIndex } from "./editor.js";

export class ErrorsView {
  /** @param {HTMLElement} box @param {import("./editor.js").Editor} editor */
  constructor(box, editor) {
    this.box = box;
    this.editor = editor;
  }

  /** Show an error; `expression` is the program it is about. */
  show(error, expression) {
    const message = document.createElement("div");
    message.className = "error-message";
    message.textContent = error instanceof Error ? error.message : String(error);
    const parts = [message];
    if (error instanceof ApiError && Number.isInteger(error.line) && Number.isInteger(error.column)) {
      if (!/line \d+, column \d+/.test(error.message)) {
        const where = document.createElement("div");
        where.className = "error-where";
        where.textContent = `line ${error.line}, column ${error.column}`;
        parts.unshift(where);
      }
      const sourceLine = expression.split("\n")[error.line - 1];
      if (sourceLine !== undefined) {
        const excerpt = document.createElement("pre");
        excerpt.className = "error-source";
        excerpt.textContent = `${sourceLine}\n${" ".repeat(Math.max(0, error.column - 1))}^`;
        parts.push(excerpt);
      }
      if (this.editor.value === expression) {
        const at = lineColumnToIndex(expression, error.line, error.column);
        this.editor.mark(at, at + 1, "error-mark");
      }
    }
    this.box.replaceChildren(...parts);
    this.box.hidden = false;
    this.box.dataset.code = error.code ?? "error";
  }

  clear() {
    this.box.hidden = true;
    this.box.replaceChildren();
    delete this.box.dataset.code;
    this.editor.clear("error-mark");
  }
}
