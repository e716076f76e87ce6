// The Lessons' parts made and connected to the page's own ways in: main.js hands over how to run a
// program in the explorer, how to open the Train view with settings, and the view switch.

import { holdUrl } from "../page/url-sync.js";
import { LessonPlayer } from "./lesson-player.js";
import { LessonsView } from "./lessons-view.js";

/**
 * @param {(id: string) => HTMLElement} $
 * @param {object} page
 * @param {import("../page/view-switch.js").ViewSwitch} page.views
 * @param {(state: {expression, values, step, check}) => void} page.openProgram the explorer's way in from a link
 * @param {(settings: object) => void} page.openTraining
 * @param {() => void} page.leave a lesson was closed: the view on show writes its own URL again
 * @returns {{player: LessonPlayer, library: LessonsView}}
 */
export function wireLessons($, { views, openProgram, openTraining, leave }) {
  const storage = globalThis.localStorage;
  const toggle = (id, on) => {
    const box = $(id);
    if (box.checked !== on) box.click(); // a click: the page's own change listeners follow
  };
  const player = new LessonPlayer(
    {
      panel: $("lesson-panel"),
      lesson: $("lesson-name"),
      title: $("lesson-step-title"),
      text: $("lesson-text"),
      back: $("lesson-back"),
      next: $("lesson-next"),
      progress: $("lesson-progress"),
      close: $("lesson-close"),
      library: $("lesson-library"),
      area: $("lesson-check-area"),
      box: $("lesson-checkpoint"),
      question: $("lesson-question"),
      answer: $("lesson-answer"),
      check: $("lesson-check"),
      skip: $("lesson-skip"),
      verdict: $("lesson-verdict"),
      explain: $("lesson-explain"),
    },
    { input: $("prediction"), result: $("prediction-result") },
    {
      openProgram,
      openTraining,
      showExplorer: () => views.show("explorer"),
      setMode: (mode) => {
        toggle("predict-mode", mode === "predict");
        toggle("bug-mode", mode === "bug");
      },
      nudge: (name) => document.querySelector(`[data-nudge="${CSS.escape(name)}"]`)?.click(),
      onPlaying: (playing, { toLibrary = false } = {}) => {
        holdUrl(playing ? "lesson" : null); // the lesson's place is the link while it plays
        if (playing) document.body.dataset.lesson = "on";
        else delete document.body.dataset.lesson;
        if (playing && views.current === "lessons") views.show("explorer");
        if (!playing) {
          library.render();
          if (toLibrary) {
            history.replaceState(null, "", `${location.pathname}${location.search}`);
            views.show("lessons", { force: true });
          } else leave();
        }
      },
    },
    storage,
  );
  const library = new LessonsView(
    {
      list: $("lesson-list"),
      status: $("lessons-status"),
      open: $("lesson-open"),
      source: $("lesson-source"),
      preview: $("lesson-preview"),
      play: $("lesson-play"),
      share: $("lesson-share"),
      shareLink: $("lesson-share-link"),
      shareMessage: $("lesson-share-message"),
      errors: $("lesson-errors"),
      previewTitle: $("lesson-preview-title"),
      own: $("lesson-own-progress"),
      ownItems: $("lesson-own-items"),
      ownNote: $("lesson-own-note"),
    },
    player,
    { show: () => views.show("lessons"), storage },
  );
  library.load();
  // A lesson's link pasted into this tab's address bar opens it (the views' own links are theirs).
  window.addEventListener("hashchange", () => {
    if (!player.playing || location.hash !== player.hash) library.openFromUrl();
  });
  return { player, library };
}
