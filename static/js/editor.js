// The program editor: a plain textarea over a backdrop that marks spans (the inspected node's source,
// an error's position) without taking focus away from the graph. Text goes in as text nodes only.

/** Python counts characters by code point, JavaScript strings by UTF-16 unit: convert an offset. */
export function codePointToIndex(text, offset) {
  let index = 0;
  let points = 0;
  for (const char of text) {
    if (points >= offset) break;
    index += char.length;
    points += 1;
  }
  return index;
}

/** 1-based line and column (in code points) → string index. */
export function lineColumnToIndex(text, line, column) {
  const lines = text.split("\n");
  let index = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) index += lines[i].length + 1;
  const rest = lines[Math.min(line - 1, lines.length - 1)] ?? "";
  return index + codePointToIndex(rest, Math.max(0, column - 1));
}

export class Editor {
  constructor(textarea, backdrop) {
    this.textarea = textarea;
    this.backdrop = backdrop;
    this.marks = [];
    textarea.addEventListener("input", () => {
      this.marks = [];
      this.paint();
    });
    textarea.addEventListener("scroll", () => this.syncScroll());
    this.paint();
  }

  get value() {
    return this.textarea.value;
  }

  set value(text) {
    this.textarea.value = text;
    this.marks = [];
    this.paint();
  }

  /** Mark [start, end) (string indices) with a CSS class; `select` also sets the textarea selection. */
  mark(start, end, cls, { select = false } = {}) {
    this.marks = this.marks.filter((m) => m.cls !== cls);
    if (start !== null && end !== null && end >= start) this.marks.push({ start, end: Math.max(end, start + 1), cls });
    this.marks.sort((a, b) => a.start - b.start);
    this.paint();
    if (select && start !== null) this.textarea.setSelectionRange(start, end);
  }

  clear(cls) {
    // Nothing to take away: leave the backdrop be (a long program's text costs a layout to redo).
    if (!this.marks.some((m) => m.cls === cls)) return;
    this.marks = this.marks.filter((m) => m.cls !== cls);
    this.paint();
  }

  /** Highlight a node's source span (API span with 0-based code-point offsets, or line/column). */
  highlightSpan(span) {
    if (!span || span.line === undefined) {
      this.clear("span-mark");
      return;
    }
    const text = this.value;
    const start = Number.isInteger(span.offset) ? codePointToIndex(text, span.offset) : lineColumnToIndex(text, span.line, span.column);
    const end = Number.isInteger(span.end_offset)
      ? codePointToIndex(text, span.end_offset)
      : lineColumnToIndex(text, span.end_line, span.end_column);
    this.mark(start, end, "span-mark", { select: true });
    this.scrollToIndex(start);
  }

  scrollToIndex(index) {
    const line = this.value.slice(0, index).split("\n").length - 1;
    const lineHeight = parseFloat(getComputedStyle(this.textarea).lineHeight) || 20;
    const top = line * lineHeight;
    const view = this.textarea;
    if (top < view.scrollTop || top > view.scrollTop + view.clientHeight - lineHeight * 2) {
      view.scrollTop = Math.max(0, top - view.clientHeight / 3);
    }
  }

  paint() {
    const text = this.textarea.value;
    const parts = [];
    let at = 0;
    for (const m of this.marks) {
      if (m.start < at || m.start > text.length) continue;
      parts.push(document.createTextNode(text.slice(at, m.start)));
      const mark = document.createElement("mark");
      mark.className = m.cls;
      // A mark past the last character (an error at end of input) still needs something to show.
      mark.textContent = text.slice(m.start, m.end) || " ";
      parts.push(mark);
      at = Math.min(m.end, text.length);
    }
    parts.push(document.createTextNode(`${text.slice(at)}\n`));
    this.backdrop.replaceChildren(...parts);
    this.syncScroll();
  }

  syncScroll() {
    this.backdrop.scrollTop = this.textarea.scrollTop;
    this.backdrop.scrollLeft = this.textarea.scrollLeft;
  }
}
