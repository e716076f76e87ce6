// Wiring only: find the page's elements, make each part, connect them. What each part does is in its
// own module; docs/architecture.md has the map. No math happens in the page: the API's trace is replayed.
//
// The parts: the explorer (explorer/wiring.js: graph, player, runs, panels, teaching modes), the ways a
// program comes into it (page/program-opener.js), the Train view (train/train-wiring.js), the Lessons
// (lessons/wire-lessons.js), the views and their URLs. A new part is made here and handed what it
// needs from the others.

import { getExamples } from "./core/api.js";
import { Editor } from "./explorer/editor.js";
import { ErrorsView } from "./explorer/errors-view.js";
import { wireExplorer } from "./explorer/wiring.js";
import { ProgramOpener } from "./page/program-opener.js";
import { StatusLine } from "./page/status.js";
import { UrlSync } from "./page/url-sync.js";
import { ViewSwitch } from "./page/view-switch.js";
import { wireLessons } from "./lessons/wire-lessons.js";
import { wireTrain } from "./train/train-wiring.js";

const $ = (id) => document.getElementById(id);
const reducedMotionQuery = window.matchMedia("(prefers-reduced-motion: reduce)");
const reducedMotion = () => reducedMotionQuery.matches;

async function start() {
  const editor = new Editor($("expression"), $("editor-backdrop"));
  const status = new StatusLine($("status"), document.body);
  const errors = new ErrorsView($("error"), editor);
  if (!globalThis.d3 || !globalThis.dagre) {
    errors.show(new Error("The drawing libraries did not load (run `npm ci`, then reload)."), "");
    status.failed();
    return;
  }
  document.documentElement.classList.toggle("reduced-motion", reducedMotion());

  const { explorer, runs, ops } = wireExplorer($, {
    editor,
    status,
    errors,
    reducedMotion,
    active: () => views.current === "explorer",
    onAnswer: (result) => {
      training.explain.answered(result);
      lessons.player.answered(result);
    },
    onStep: (state) => {
      url.schedule();
      training.explain.stepped(state);
    },
  });
  const programs = new ProgramOpener($, { editor, runs, explorer, onOpen: () => training.explain.close() });

  const views = new ViewSwitch(
    { tabs: { explorer: $("view-explorer"), train: $("view-train"), lessons: $("view-lessons") }, sections: { explorer: $("explorer-view"), train: $("train-view"), lessons: $("lessons-view") }, body: document.body },
    (view) => {
      if (view === "lessons") lessons.library.render();
      else if (view === "train") training.shown();
      else {
        if (!programs.opened) programs.openFirst();
        url.write();
      }
    },
  );
  const training = wireTrain($, { views, openProgram: (text) => programs.open(text, { keepContext: true }), programText: () => editor.value });
  const url = new UrlSync({
    // A Train point's own program is linked as the Train view's run and point (train-wiring.js).
    current: () => (views.current === "explorer" && !training.explaining() ? explorer.pageState() : null),
    open: (state) => {
      programs.openState(state); // first: the explorer, shown next, then has its program
      views.show("explorer");
    },
  });

  const lessons = wireLessons($, {
    views,
    openProgram: (state) => url.open(state),
    openTraining: async (settings) => {
      await training.catalog;
      if (!training.train.ready) return;
      training.train.open({ settings });
      views.show("train");
    },
    leave: () => (views.current === "train" ? training.url : url).write(),
  });

  const [, examples] = await Promise.allSettled([ops, getExamples()]);
  if (examples.status === "fulfilled") programs.examples.setExamples(examples.value.examples);
  // A link to the Train view opens it; the explorer gets its first program when it is first shown.
  if (lessons.library.openFromUrl()) return;
  if (training.url.openFromUrl()) return;
  if (url.openFromUrl()) return;
  programs.openFirst();
}

start();
