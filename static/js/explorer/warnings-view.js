// The API's warnings about a program (a likely typo, an unused variable, a statement that does not
// reach the output), listed by the editor and marked at their places in it. Text only.

import { lineColumnToIndex } from "../core/source-text.js";

/** Where a warning points in the program: [start, end) string indices (the first name it names). */
export function warningRange(expression, warning) {
  if (!Number.isInteger(warning.line) || !Number.isInteger(warning.column)) return null;
  const start = lineColumnToIndex(expression, warning.line, warning.column);
  const name = warning.names?.[0] ?? "";
  const length = name && expression.startsWith(name, start) ? name.length : 1;
  return [start, start + length];
}

export class WarningsView {
  /** @param {HTMLElement} list the list by the editor @param {import("./editor.js").Editor} editor */
  constructor(list, editor) {
    this.list = list;
    this.editor = editor;
  }

  /** Show an answer's warnings about `expression` (the program text they were computed for). */
  show(warnings, expression) {
    this.editor.clear("warning-mark");
    const items = (warnings ?? []).map((warning) => {
      const item = document.createElement("li");
      item.className = `warning warning-${warning.code}`;
      item.dataset.code = warning.code;
      const range = warningRange(expression, warning);
      const button = document.createElement("button");
      button.type = "button";
      button.className = "warning-text";
      button.textContent = warning.message;
      button.title = "Show it in the program";
      button.addEventListener("click", () => {
        if (range && this.editor.value === expression) {
          this.editor.textarea.focus();
          this.editor.textarea.setSelectionRange(range[0], range[1]);
        }
      });
      item.append(button);
      return { item, range };
    });
    if (this.editor.value === expression) {
      for (const { range } of items) if (range) this.editor.mark(range[0], range[1], "warning-mark", { add: true });
    }
    this.list.replaceChildren(...items.map(({ item }) => item));
    this.list.hidden = items.length === 0;
    this.list.dataset.count = String(items.length);
  }

  clear() {
    this.show([], "");
  }
}
