// The page's views, the explorer, the Train view and the Lessons, and the tabs between them. One is shown at
// a time; the other keeps its state (a run stays where it stood while a point's graph is explored).
// `body[data-view]` says which, for styles (the explorer's own top-bar controls) and tests.

export const VIEWS = ["explorer", "train", "lessons"];

export class ViewSwitch {
  /**
   * @param {object} elements
   * @param {Object<string, HTMLButtonElement>} elements.tabs by view
   * @param {Object<string, HTMLElement>} elements.sections by view
   * @param {HTMLElement} elements.body carries data-view
   * @param {(view: string, previous: string) => void} onShow after a view is shown
   */
  constructor({ tabs, sections, body }, onShow) {
    this.tabs = tabs;
    this.sections = sections;
    this.body = body;
    this.onShow = onShow;
    this.current = "explorer";
    for (const view of VIEWS) tabs[view].addEventListener("click", () => this.show(view));
    this.mark();
  }

  /** Show `view` (nothing happens when it is on show already, unless `force`). */
  show(view, { force = false } = {}) {
    if (!VIEWS.includes(view) || (view === this.current && !force)) return;
    const previous = this.current;
    this.current = view;
    this.mark();
    this.onShow(view, previous);
  }

  mark() {
    for (const view of VIEWS) {
      const on = view === this.current;
      this.sections[view].hidden = !on;
      this.tabs[view].setAttribute("aria-pressed", String(on));
    }
    this.body.dataset.view = this.current;
  }
}
