// The lesson player: a lesson's step text beside the graph (or the Train view), Back and Next, "N / M",
// and the step's checkpoint, which holds Next until it is answered or skipped. Each step sets the
// explorer or the Train view up as it says, through the page's own ways in (`hooks`), and the learner
// may go on playing with them. Where the learner is goes into the URL and the browser's storage: a
// built-in lesson's progress under its id, a teacher's own under its text's fingerprint (lessonKey).

import { encodeLessonHash } from "../core/lesson-link.js";
import { completed, loadProgress, saveProgress, visited } from "../core/lesson-progress.js";
import { CheckpointView } from "./checkpoint-view.js";

export class LessonPlayer {
  /**
   * @param {object} elements  panel, title, lesson (its title), text, back, next, progress, close, library,
   *   and the checkpoint's: area, box, question, answer, check, skip, verdict, explain
   * @param {{input: HTMLInputElement, result: HTMLElement}} borrowed the explorer's prediction input and result
   * @param {object} hooks
   * @param {(state: {expression, values, step}) => void} hooks.openProgram run a program in the explorer
   * @param {(settings: object) => void} hooks.openTraining the Train view with these settings
   * @param {() => void} hooks.showExplorer
   * @param {(mode: string | null) => void} hooks.setMode predict, bug or none
   * @param {(name: string) => void} hooks.nudge press a variable's nudge
   * @param {(playing: boolean) => void} hooks.onPlaying the panel came or went
   * @param {() => void} hooks.onFinished the last step's Next
   * @param {Storage} storage
   */
  constructor(elements, borrowed, hooks, storage) {
    this.el = elements;
    this.hooks = hooks;
    this.storage = storage;
    this.lesson = null;
    this.place = null; // {id, packed, key}: key, the progress's (the id, or the own lesson's lessonKey)
    this.index = 0;
    this.pending = null; // the step whose first graph is awaited
    this.checkpoint = new CheckpointView(
      {
        area: elements.area,
        box: elements.box,
        question: elements.question,
        answer: elements.answer,
        check: elements.check,
        skip: elements.skip,
        verdict: elements.verdict,
        explain: elements.explain,
      },
      borrowed,
      () => this.stepDone(),
    );
    elements.back.addEventListener("click", () => this.go(this.index - 1));
    elements.next.addEventListener("click", () => this.next());
    elements.close.addEventListener("click", () => this.close());
    elements.library.addEventListener("click", () => this.close({ toLibrary: true }));
  }

  get playing() {
    return this.lesson !== null;
  }

  /**
   * Play a parsed lesson (GET /api/lessons/{id} or POST /api/lessons/parse) from step `step` (1-based).
   * `key`: where a teacher's own lesson keeps its progress (lesson-progress.js's lessonKey of its text).
   */
  open(lesson, { id = null, packed = null, key = null, step = 1 } = {}) {
    this.lesson = lesson;
    this.place = { id, packed, key: id ?? key };
    this.el.lesson.textContent = lesson.title;
    this.el.panel.hidden = false;
    this.hooks.onPlaying(true);
    this.go(Math.min(Math.max(step, 1), lesson.steps.length) - 1);
  }

  close({ toLibrary = false } = {}) {
    if (!this.lesson) return;
    this.checkpoint.show(null);
    this.lesson = null;
    this.pending = null;
    this.el.panel.hidden = true;
    this.hooks.setMode(null);
    this.hooks.onPlaying(false, { toLibrary });
  }

  get step() {
    return this.lesson.steps[this.index];
  }

  /** Stand at step `index` (0-based): its text, its set-up, its checkpoint. */
  go(index) {
    if (!this.lesson || index < 0 || index >= this.lesson.steps.length) return;
    this.index = index;
    const step = this.step;
    const { title, text, back, progress } = this.el;
    title.textContent = step.title;
    text.innerHTML = step.html; // sanitised by the API (nh3): no raw HTML, scripts or handlers
    text.scrollTop = 0;
    progress.textContent = `${index + 1} / ${this.lesson.steps.length}`;
    back.disabled = index === 0;
    this.checkpoint.show(step.checkpoint);
    const named = this.place.id ? null : this.lesson.title; // an own lesson's key says nothing: its title goes with it
    this.remember((kept) => visited(kept, this.place.key, index + 1, this.lesson.steps.length, named));
    if (!step.checkpoint) this.stepDone();
    this.updateNext();
    this.writeUrl();
    this.setUp(step);
  }

  setUp(step) {
    this.pending = null;
    if (step.view === "train") {
      this.hooks.setMode(null);
      this.hooks.openTraining(step.train);
      return;
    }
    if (step.program === null) {
      this.hooks.showExplorer();
      return;
    }
    this.pending = step;
    this.hooks.setMode(step.mode === "nudge" ? null : step.mode);
    // The `+=` bug is told by the numeric check disagreeing: a bug step has it on.
    this.hooks.openProgram({ expression: step.program, values: step.values, step: step.at, check: step.mode === "bug" });
  }

  /** The explorer got a graph from the API (RunController's onAnswer). */
  answered({ answer, expression }) {
    if (!this.lesson) return;
    const step = this.pending;
    if (step && step === this.step && expression === step.program) {
      this.pending = null;
      this.checkpoint.ready(answer);
      if (step.mode === "nudge" && step.nudge) requestAnimationFrame(() => this.hooks.nudge(step.nudge));
      return;
    }
    this.checkpoint.recomputed(answer);
  }

  stepDone() {
    if (!this.lesson) return;
    this.remember((progress) => completed(progress, this.place.key, this.index + 1, this.lesson.steps.length));
    this.updateNext();
  }

  /** Next waits for the checkpoint, unless it was answered on an earlier visit. */
  updateNext() {
    const { next } = this.el;
    const last = this.index === this.lesson.steps.length - 1;
    const held = this.checkpoint.waiting && !this.doneBefore(this.index + 1);
    next.disabled = held;
    next.textContent = last ? "Finish" : "Next →";
    next.title = held ? "Answer the checkpoint, or skip it" : "";
  }

  next() {
    if (this.el.next.disabled || !this.lesson) return;
    if (this.index < this.lesson.steps.length - 1) {
      this.go(this.index + 1);
      return;
    }
    this.close({ toLibrary: true });
    this.hooks.onFinished?.();
  }

  doneBefore(number) {
    if (!this.place.key) return false;
    return (loadProgress(this.storage)[this.place.key]?.done ?? []).includes(number);
  }

  /** Progress is kept for every lesson with a key: the built-in ones and a teacher's own. */
  remember(change) {
    if (!this.place.key) return;
    saveProgress(this.storage, change(loadProgress(this.storage)));
  }

  /** The URL carries the lesson and the step, so a reload or a link lands here. */
  writeUrl() {
    const { hash } = this;
    if (location.hash !== hash) history.replaceState(null, "", `${location.pathname}${location.search}${hash}`);
  }

  /** The URL's hash for where the learner stands. */
  get hash() {
    const { id, packed } = this.place;
    return encodeLessonHash({ id, packed, step: this.index + 1 });
  }
}
