// The program editor: a plain textarea over a backdrop that marks ranges (the inspected node's source,
// the statement of the current step, warnings, an error's position) without taking focus away from the
// graph. Marks may overlap: the backdrop is cut into segments, each carrying every covering mark's class.
// Text goes in as text nodes only.

import { spanRange, statementRange } from "../core/source-text.js";

export { codePointToIndex, lineColumnToIndex } from "../core/source-text.js";

/**
 * Cut `length` characters into segments at every mark's edges: [{start, end, classes}], classes empty
 * for unmarked text. A mark at or past the end (an error at the end of input) becomes a last,
 * one-blank segment so it still shows. Pure.
 */
export function markSegments(length, marks) {
  const cuts = new Set([0, length]);
  for (const m of marks) {
    if (m.start < length) {
      cuts.add(Math.max(0, m.start));
      cuts.add(Math.min(length, m.end));
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  const segments = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [start, end] = [points[i], points[i + 1]];
    const classes = marks.filter((m) => m.start <= start && m.end >= end && m.start < length).map((m) => m.cls);
    segments.push({ start, end, classes });
  }
  const past = marks.filter((m) => m.start >= length).map((m) => m.cls);
  if (past.length) segments.push({ start: length, end: length, classes: past });
  return segments;
}

/**
 * What turns `before` into `after` as one replacement: [start, end) of `before` becomes `replacement`
 * (the longest common start and end are kept). Pure.
 */
export function textChange(before, after) {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before[start] === after[start]) start += 1;
  let tail = 0;
  while (tail < shorter - start && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail += 1;
  return { start, end: before.length - tail, replacement: after.slice(start, after.length - tail) };
}

export class Editor {
  constructor(textarea, backdrop) {
    this.textarea = textarea;
    this.backdrop = backdrop;
    this.marks = [];
    // The view's height and scroll, kept as they change: stepping reads them on every step, and
    // reading them from the DOM would make the browser lay the page (and a big graph) out each time.
    this.view = { height: textarea.clientHeight, scrollTop: textarea.scrollTop };
    textarea.addEventListener("input", () => {
      this.marks = [];
      this.paint();
    });
    textarea.addEventListener("scroll", () => {
      this.view.scrollTop = textarea.scrollTop;
      this.syncScroll();
    });
    new ResizeObserver(([entry]) => {
      this.view.height = entry.contentRect.height;
    }).observe(textarea);
    this.paint();
  }

  get value() {
    return this.textarea.value;
  }

  set value(text) {
    this.textarea.value = text;
    this.marks = [];
    this.paint();
    this.view.scrollTop = this.textarea.scrollTop; // a new text: read once, not on every step
    this.syncScroll();
  }

  /**
   * Change the text without moving the view: the caret and scroll stay where they were (a value
   * written back from a slider). Marks are dropped: their positions belonged to the old text.
   */
  replaceText(text) {
    // Only the part that differs is replaced (setRangeText keeps the caret and the scroll as they
    // are): reading or setting the scroll position would make the browser lay the page out there
    // and then, on every move of a slider.
    const { start, end, replacement } = textChange(this.textarea.value, text);
    this.textarea.setRangeText(replacement, start, end, "preserve");
    this.marks = [];
    this.paint();
    this.syncScroll();
  }

  /**
   * Mark [start, end) (string indices) with a CSS class, replacing that class's marks unless `add`;
   * `select` also sets the textarea selection.
   */
  mark(start, end, cls, { select = false, add = false } = {}) {
    if (!add) this.marks = this.marks.filter((m) => m.cls !== cls);
    if (start !== null && end !== null && end >= start) this.marks.push({ start, end: Math.max(end, start + 1), cls });
    this.paint();
    if (select && start !== null) this.textarea.setSelectionRange(start, end);
  }

  clear(cls) {
    if (!this.marks.some((m) => m.cls === cls)) return;
    this.marks = this.marks.filter((m) => m.cls !== cls);
    this.paint();
  }

  /** Highlight a node's source span (API span with 0-based code-point offsets, or line/column). */
  highlightSpan(span) {
    const range = spanRange(this.value, span);
    if (!range) {
      this.clear("span-mark");
      return;
    }
    this.mark(range[0], range[1], "span-mark", { select: true });
    this.scrollToIndex(range[0]);
  }

  /**
   * Mark the statement a step is at (the whole statement, and the node's own text in it), coloured by
   * `phase`; null clears it. The selection and focus are left alone: stepping happens elsewhere.
   */
  showStep(span, phase) {
    const range = span ? spanRange(this.value, span) : null;
    this.marks = this.marks.filter((m) => m.cls !== "step-mark" && m.cls !== "step-span");
    this.backdrop.dataset.phase = phase ?? "";
    if (range) {
      const [from, to] = statementRange(this.value, range[0], range[1]);
      this.marks.push({ start: from, end: Math.max(to, from + 1), cls: "step-mark" });
      if (range[0] > from || range[1] < to) this.marks.push({ start: range[0], end: Math.max(range[1], range[0] + 1), cls: "step-span" });
      this.scrollToIndex(from);
    }
    this.paint();
  }

  /** Scroll the text (never the page) so the line holding `index` is in view. */
  scrollToIndex(index) {
    let line = 0;
    for (let i = this.value.indexOf("\n"); i !== -1 && i < index; i = this.value.indexOf("\n", i + 1)) line += 1;
    this.lineHeight ??= parseFloat(getComputedStyle(this.textarea).lineHeight) || 20;
    const top = line * this.lineHeight;
    const { height, scrollTop } = this.view;
    if (top < scrollTop || top > scrollTop + height - this.lineHeight * 2) {
      this.view.scrollTop = Math.max(0, top - height / 3);
      // Scrolled on the next frame, with that frame's own layout: never one more in between.
      cancelAnimationFrame(this.scrollFrame);
      this.scrollFrame = requestAnimationFrame(() => {
        this.textarea.scrollTop = this.view.scrollTop;
        this.syncScroll();
      });
    }
  }

  paint() {
    const text = this.textarea.value;
    const segments = markSegments(text.length, this.marks);
    // The same text marked the same way (a recompute shows the step it stood at): the backdrop stays,
    // and the browser need not lay a long program's text out again.
    const marked = segments.map(({ start, end, classes }) => `${start}:${end}:${classes.join(" ")}`).join(",");
    if (this.shownText === text && this.shownMarks === marked) return;
    this.shownText = text;
    this.shownMarks = marked;
    const parts = segments.map(({ start, end, classes }) => {
      if (!classes.length) return document.createTextNode(text.slice(start, end));
      const mark = document.createElement("mark");
      mark.className = [...new Set(classes)].join(" ");
      // A mark past the last character (an error at end of input) still needs something to show.
      mark.textContent = text.slice(start, end) || " ";
      return mark;
    });
    parts.push(document.createTextNode("\n"));
    this.backdrop.replaceChildren(...parts);
  }

  /** The backdrop scrolls with the text (from the kept scroll position: no layout is forced). */
  syncScroll() {
    if (this.backdrop.__scrollTop === this.view.scrollTop) return;
    this.backdrop.__scrollTop = this.view.scrollTop;
    this.backdrop.scrollTop = this.view.scrollTop;
  }
}
