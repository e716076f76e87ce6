// The Lessons view: the two tracks' lessons with the learner's progress, and a teacher's own lesson —
// opened from a file or pasted, previewed (the API parses it: errors by line), played, and shared as a
// link that carries the lesson itself. Opening a lesson hands it to the LessonPlayer. A teacher's lesson
// keeps its progress as the built-in ones do, under its text's fingerprint (lessonKey); once played it
// is listed in its card with its progress, played again from there (the editor's draft left as it is),
// and its progress may be reset.

import { decodeLessonHash, shareLink, unpackLesson, packLesson } from "../core/lesson-link.js";
import {
  keepOwnLesson,
  lessonKey,
  loadOwnLessons,
  loadProgress,
  progressLabel,
  resetProgress,
  saveProgress,
} from "../core/lesson-progress.js";

const TRACK_NAMES = { micrograd: "micrograd: the lecture's ideas", minitorch: "minitorch: module 1" };

/** GET or POST a lessons route: the JSON, or an Error carrying the API's `detail`. */
async function lessonsRequest(path, body) {
  const options = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  let response;
  try {
    response = await fetch(path, options);
  } catch {
    throw Object.assign(new Error("The server could not be reached."), { detail: null });
  }
  const json = await response.json().catch(() => null);
  if (response.ok) return json;
  const detail = json && !Array.isArray(json.detail) ? json.detail : null;
  throw Object.assign(new Error(detail?.message ?? `The server answered ${response.status}.`), { detail, status: response.status });
}

export class LessonsView {
  /**
   * @param {object} elements list, status, open (file input), source (textarea), preview, play, share,
   *   shareLink, shareMessage, errors, previewTitle, and the teacher's lessons played here: own (their
   *   section), ownItems (its list), ownNote
   * @param {import("./lesson-player.js").LessonPlayer} player
   * @param {{show: () => void, storage: Storage}} options show: the Lessons view on screen
   */
  constructor(elements, player, { show, storage }) {
    this.el = elements;
    this.player = player;
    this.show = show;
    this.storage = storage;
    this.lessons = [];
    this.parsed = null; // the teacher's lesson as the API parsed it, and its text
    elements.list.addEventListener("click", (event) => {
      const item = event.target.closest("[data-lesson-id]");
      if (item) this.openBuiltin(item.dataset.lessonId);
    });
    elements.open.addEventListener("change", () => this.readFile());
    elements.preview.addEventListener("click", () => this.previewText());
    elements.play.addEventListener("click", () => this.playText());
    elements.share.addEventListener("click", () => this.share());
    elements.source.addEventListener("input", () => {
      this.parsed = null;
      elements.play.disabled = true;
    });
    elements.ownItems.addEventListener("click", (event) => {
      const reset = event.target.closest("[data-reset-key]");
      if (reset) this.resetOwn(reset.dataset.resetKey);
      const item = event.target.closest("[data-lesson-key]");
      if (item) this.openKept(item.dataset.lessonKey);
    });
    elements.shareLink.addEventListener("focus", () => elements.shareLink.select());
    elements.errors.addEventListener("click", (event) => {
      const item = event.target.closest("[data-line]");
      if (item) this.selectLine(Number(item.dataset.line));
    });
  }

  /** Fetch the built-in lessons' list and draw it. */
  async load() {
    try {
      this.lessons = (await lessonsRequest("/api/lessons")).lessons;
      this.el.status.textContent = "";
    } catch (error) {
      this.el.status.textContent = `The lessons could not be had: ${error.message}`;
    }
    this.render();
  }

  /** The list, track by track, each lesson with its progress. */
  render() {
    const progress = loadProgress(this.storage);
    const groups = [];
    for (const track of [...new Set(this.lessons.map((lesson) => lesson.track))]) {
      const section = document.createElement("section");
      section.className = "lesson-track";
      const heading = document.createElement("h3");
      heading.textContent = TRACK_NAMES[track] ?? track;
      const list = document.createElement("ol");
      list.className = "lesson-items";
      for (const lesson of this.lessons.filter((l) => l.track === track)) {
        const item = document.createElement("li");
        const button = lessonItem(lesson.title, progressLabel(progress, lesson.id, lesson.steps));
        button.dataset.lessonId = lesson.id;
        item.append(button);
        list.append(item);
      }
      section.append(heading, list);
      groups.push(section);
    }
    this.el.list.replaceChildren(...groups);
    this.renderOwn();
  }

  /** The teacher's lessons played in this browser, the latest first, each with its progress and Reset. */
  renderOwn(note = "") {
    const { own, ownItems, ownNote } = this.el;
    const lessons = loadOwnLessons(this.storage);
    const progress = loadProgress(this.storage);
    own.hidden = lessons.length === 0;
    ownNote.textContent = note;
    ownItems.replaceChildren(
      ...lessons.map(({ key, title, steps }) => {
        const row = document.createElement("li");
        row.className = "lesson-own-row";
        const button = lessonItem(title, progressLabel(progress, key, steps));
        button.dataset.lessonKey = key;
        const reset = document.createElement("button");
        reset.type = "button";
        reset.className = "btn btn-ghost btn-small";
        reset.dataset.resetKey = key;
        reset.textContent = "Reset";
        reset.setAttribute("aria-label", `Reset your progress in “${title}”`);
        reset.disabled = !progress[key];
        row.append(button, reset);
        return row;
      }),
    );
  }

  /** Forget the progress in one of the teacher's lessons: it reads as new again, and stays listed. */
  resetOwn(key) {
    const title = loadOwnLessons(this.storage).find((lesson) => lesson.key === key)?.title ?? "the lesson";
    saveProgress(this.storage, resetProgress(loadProgress(this.storage), key));
    this.renderOwn(`Your progress in “${title}” is reset.`);
  }

  /** Play again a teacher's lesson kept in this browser, leaving the editor's text as it is. */
  async openKept(key) {
    const kept = loadOwnLessons(this.storage).find((lesson) => lesson.key === key);
    if (!kept) return;
    try {
      const markdown = await unpackLesson(kept.packed);
      this.playOwn({ lesson: await lessonsRequest("/api/lessons/parse", { markdown }), key }, kept.packed);
    } catch (error) {
      this.renderOwn(`“${kept.title}” could not be opened: ${error.message}`);
    }
  }

  /** Play a teacher's lesson (parsed, with its text), kept in the list of those played here. */
  playOwn({ lesson, key }, packed, step = 1) {
    keepOwnLesson(this.storage, { key, title: lesson.title, steps: lesson.steps.length, packed });
    this.player.open(lesson, { packed, key, step });
  }

  async openBuiltin(id, step = 1) {
    let lesson;
    try {
      lesson = await lessonsRequest(`/api/lessons/${encodeURIComponent(id)}`);
    } catch (error) {
      this.show();
      const missing = error.status === 404 || error.status === 422;
      this.el.status.textContent = missing ? `There is no lesson “${id}”: choose one below.` : `That lesson could not be opened: ${error.message}`;
      return;
    }
    this.player.open(lesson, { id, step });
  }

  /** Open what the URL names (a built-in lesson or a packed one); false when it names none. */
  openFromUrl() {
    const place = decodeLessonHash(location.hash);
    if (!place) return false;
    if (place.id) this.openBuiltin(place.id, place.step);
    else this.openPacked(place.packed, place.step);
    return true;
  }

  async openPacked(packed, step) {
    let markdown;
    try {
      markdown = await unpackLesson(packed);
    } catch {
      this.show();
      this.el.status.textContent = "The link's lesson could not be read: it may have been cut short when it was copied.";
      return;
    }
    this.el.source.value = markdown;
    const lesson = await this.parse(markdown);
    if (lesson) this.playOwn(this.parsed, packed, step);
    else this.show();
  }

  async readFile() {
    const file = this.el.open.files?.[0];
    if (!file) return;
    this.el.source.value = await file.text();
    this.el.open.value = "";
    await this.previewText();
  }

  /** Ask the API to parse the text: show the lesson's outline, or every error by line. */
  async previewText() {
    await this.parse(this.el.source.value);
  }

  async parse(markdown) {
    const { errors, previewTitle, play } = this.el;
    this.parsed = null;
    play.disabled = true;
    errors.replaceChildren();
    errors.hidden = true;
    previewTitle.textContent = "";
    if (!markdown.trim()) {
      this.showErrors([{ line: 1, message: "Open a lesson file or paste one first." }]);
      return null;
    }
    try {
      const lesson = await lessonsRequest("/api/lessons/parse", { markdown });
      this.parsed = { lesson, markdown, key: lessonKey(markdown) };
      play.disabled = false;
      previewTitle.textContent = `“${lesson.title}”: ${lesson.steps.length} step${lesson.steps.length === 1 ? "" : "s"}, no errors.`;
      return lesson;
    } catch (error) {
      const found = error.detail?.errors?.length ? error.detail.errors : [{ line: null, message: error.message }];
      this.showErrors(found);
      return null;
    }
  }

  showErrors(found) {
    const { errors } = this.el;
    errors.replaceChildren(
      ...found.map(({ line, message }) => {
        const item = document.createElement("li");
        if (line !== null) item.dataset.line = String(line);
        item.textContent = line === null ? message : `line ${line}: ${message}`;
        return item;
      }),
    );
    errors.hidden = false;
  }

  /** Put the caret on an error's line, so the teacher sees it. */
  selectLine(line) {
    const { source } = this.el;
    const lines = source.value.split("\n");
    const start = lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0);
    source.focus();
    source.setSelectionRange(start, start + (lines[line - 1] ?? "").length);
  }

  async playText() {
    if (!this.parsed) return;
    const parsed = this.parsed;
    this.playOwn(parsed, await packLesson(parsed.markdown));
  }

  /** A link carrying the lesson, or a clear word that it is too long for one. */
  async share() {
    const { shareLink: field, shareMessage } = this.el;
    field.hidden = true;
    if (!this.parsed) await this.parse(this.el.source.value);
    const lesson = this.parsed;
    if (!lesson) {
      shareMessage.textContent = "Fix the errors first: only a lesson that opens can be shared.";
      return;
    }
    const link = await shareLink(lesson.markdown, `${location.origin}${location.pathname}`);
    if (link.url === null) {
      shareMessage.textContent = `Too long to share as a link: it would be ${link.length.toLocaleString("en")} characters, and links longer than ${link.limit.toLocaleString("en")} may not open in every browser. Shorten the lesson, or share the file itself.`;
      shareMessage.dataset.state = "too-long";
      return;
    }
    field.value = link.url;
    field.hidden = false;
    shareMessage.textContent = `A link of ${link.length.toLocaleString("en")} characters that carries the whole lesson: copy it.`;
    shareMessage.dataset.state = "ok";
    field.focus();
  }
}

/** A lesson's list item: its title and how far the learner got (`progressLabel`'s). */
function lessonItem(titleText, label) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "lesson-item";
  button.dataset.progress = label.state;
  const title = document.createElement("span");
  title.className = "lesson-item-title";
  title.textContent = titleText;
  const state = document.createElement("span");
  state.className = "lesson-item-progress";
  state.textContent = label.text;
  button.append(title, state);
  return button;
}
