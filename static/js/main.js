// Wiring: reads the page's controls, asks the API, hands answers to the timeline, the drawing and
// the panels, and keeps the URL in step. No math happens here: the API's trace is replayed.

import { ApiError, getExamples, getOps, graphRequest, postGraph, postGraphDot } from "./api.js";
import { announce, chainRuleLines, indexOps } from "./chainrule.js";
import { Editor, lineColumnToIndex } from "./editor.js";
import { exportDot, exportJson, exportPng, exportSvg } from "./exporters.js";
import { renderInspector } from "./inspector.js";
import { layoutGraph } from "./layout.js";
import { Player } from "./player.js";
import { GraphView } from "./render.js";
import { decodeState, encodeState, freeNamesIn } from "./state.js";
import { buildTimeline, stateAt } from "./timeline.js";
import { isFree, VariablesPanel } from "./variables.js";

const RECOMPUTE_DELAY_MS = 220;
const URL_DELAY_MS = 150;
const FREE_DEFAULT = 1.0;

const $ = (id) => document.getElementById(id);
const reducedMotionQuery = window.matchMedia("(prefers-reduced-motion: reduce)");

const page = {
  opsByName: new Map(),
  examples: [],
  overrides: {}, // values sent to the API: slider changes and free variables
  check: false,
  last: null, // {answer, body, expression, values, timeline, layout}
  state: null, // timeline.stateAt of the shown step
  selected: null,
  sequence: 0,
  writtenHash: "",
};

const editor = new Editor($("expression"), $("editor-backdrop"));
const player = new Player((index, cause) => showStep(index, cause));
let view = null;
const variables = new VariablesPanel($("variables"), $("variables-empty"), onVariableChange);

// -- running a program ------------------------------------------------------------------------------

/** Ask the API, filling in free variables (1.0) and dropping values the program no longer uses. */
async function compute(expression, overrides, check) {
  const values = { ...overrides };
  for (const name of freeNamesIn(expression)) if (!(name in values)) values[name] = FREE_DEFAULT;
  for (let attempt = 0; ; attempt++) {
    const body = graphRequest(expression, values, check);
    try {
      return { answer: await postGraph(body), body, values };
    } catch (error) {
      const retry = error instanceof ApiError && error.names.length > 0 && attempt < 3;
      if (retry && error.code === "unbound_variable") {
        for (const name of error.names) values[name] = FREE_DEFAULT;
        continue;
      }
      if (retry && error.code === "unknown_variable") {
        for (const name of error.names) delete values[name];
        continue;
      }
      throw error;
    }
  }
}

/**
 * Run the editor's program.
 * @param {{step?: number, keepStep?: boolean, fresh?: boolean}} options fresh: the text may have
 *   changed, so values set for the old program's declared variables are dropped.
 */
async function run({ step = 0, keepStep = false, fresh = false } = {}) {
  const started = performance.now();
  const expression = editor.value;
  if (fresh && page.last && expression !== page.last.expression) {
    const free = new Set(
      page.last.answer.nodes.filter((n) => n.kind === "variable" && isFree(n, page.last.expression)).map((n) => n.label),
    );
    page.overrides = Object.fromEntries(Object.entries(page.overrides).filter(([name]) => free.has(name)));
  }
  const sequence = ++page.sequence;
  setBusy(true);
  try {
    const result = await compute(expression, page.overrides, page.check);
    if (sequence !== page.sequence) return; // a newer run has started
    page.overrides = result.values;
    applyAnswer(result, expression, keepStep ? player.index : step, started);
  } catch (error) {
    if (sequence !== page.sequence) return;
    showError(error, expression);
  } finally {
    if (sequence === page.sequence) setBusy(false);
  }
}

function sameStructure(a, b) {
  if (!a || a.nodes.length !== b.nodes.length) return false;
  return a.nodes.every((n, i) => {
    const m = b.nodes[i];
    return n.id === m.id && n.kind === m.kind && n.label === m.label && n.inputs.join() === m.inputs.join();
  });
}

function applyAnswer({ answer, body, values }, expression, step, started) {
  const timings = { answered: performance.now() - started };
  const timeline = buildTimeline(answer);
  // Recomputing with new values keeps the same graph: keep its layout too.
  const layout =
    page.last && sameStructure(page.last.answer, answer) ? page.last.layout : layoutGraph(answer, globalThis.dagre);
  timings.laidOut = performance.now() - started;
  page.last = { answer, body, expression, values, timeline, layout };
  clearError();
  $("graph-empty").hidden = true;
  view.setGraph(answer, layout);
  variables.setGraph(answer, expression);
  if (page.selected && !timeline.nodeById.has(page.selected)) page.selected = null;
  view.setSelected(page.selected);
  for (const id of ["export-svg", "export-png", "export-json", "export-dot"]) $(id).disabled = false;
  $("scrubber").max = String(timeline.total);
  $("scrubber-forward").style.width = `${timeline.total ? (timeline.forwardCount / timeline.total) * 100 : 0}%`;
  player.setTotal(timeline.total, step);
  timings.drawn = performance.now() - started;
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const ms = performance.now() - started;
      timings.painted = ms;
      window.__bpx_lastRenderMs = ms;
      window.__bpx_timings = timings;
      const svg = $("graph");
      svg.dataset.renderMs = ms.toFixed(1);
      svg.dataset.ready = String(page.sequence);
      $("graph-meta").textContent =
        `${answer.nodes.length} nodes · ${timeline.forwardCount} forward + ${timeline.backwardCount} backward steps · ` +
        `ready in ${Math.round(ms)} ms`;
    }),
  );
}

// -- one step -------------------------------------------------------------------------------------

const PHASE_TEXT = { start: "Start", forward: "Forward pass", backward: "Backward pass" };
const FOLLOW_CAUSES = new Set(["forward", "back", "play", "scrub", "start", "end", "restart"]);

function showStep(index, cause) {
  const last = page.last;
  if (!last) return;
  const state = stateAt(last.timeline, index);
  page.state = state;
  view.update(state);
  variables.showStep(state.grads);
  if (FOLLOW_CAUSES.has(cause)) view.follow(state.active);

  const done = state.index === state.total && state.total > 0;
  const phase = $("phase");
  phase.dataset.phase = state.phase;
  phase.textContent = done ? "Backward pass: done" : PHASE_TEXT[state.phase];
  $("step-counter").textContent = `${state.index} / ${state.total}`;
  const scrubber = $("scrubber");
  scrubber.value = String(state.index);
  scrubber.setAttribute("aria-valuetext", `Step ${state.index} of ${state.total}, ${PHASE_TEXT[state.phase]}`);
  // The buttons stay enabled at the ends (a click there is simply a no-op); aria says where we are.
  $("step-back").setAttribute("aria-disabled", String(state.index === 0));
  $("step-forward").setAttribute("aria-disabled", String(done));

  const panel = $("chain-rule");
  panel.dataset.phase = state.phase;
  panel.replaceChildren(
    ...chainRuleLines(last.timeline, state, page.opsByName).map((line) => {
      const div = document.createElement("div");
      div.className = `line-${line.kind}`;
      div.textContent = line.text;
      return div;
    }),
  );
  if (cause !== "load" || state.index > 0) $("announcer").textContent = announce(last.timeline, state, page.opsByName);
  if (page.selected) showInspector(false);
  scheduleUrl();
}

// -- inspector --------------------------------------------------------------------------------------

function selectNode(id) {
  page.selected = id;
  view.setSelected(id);
  if (page.state) view.update(page.state);
  showInspector(true);
  // The inspector sits under the variables: bring it into view when a click fills it.
  const inspector = $("inspector");
  const box = inspector.getBoundingClientRect();
  if (box.top > window.innerHeight - 80 || box.bottom < 0) {
    inspector.scrollIntoView({ block: "nearest", behavior: reducedMotionQuery.matches ? "auto" : "smooth" });
  }
}

function showInspector(highlight) {
  const last = page.last;
  const node = last && page.selected ? last.timeline.nodeById.get(page.selected) : null;
  renderInspector($("inspector-body"), { node, timeline: last?.timeline, state: page.state, opsByName: page.opsByName });
  if (highlight && node && editor.value === last.expression) editor.highlightSpan(node.span);
}

// -- variables ---------------------------------------------------------------------------------------

let recomputeTimer = null;
function onVariableChange(name, value) {
  page.overrides = { ...page.overrides, [name]: value };
  clearTimeout(recomputeTimer);
  recomputeTimer = setTimeout(() => run({ keepStep: true }), RECOMPUTE_DELAY_MS);
}

// -- errors -----------------------------------------------------------------------------------------

function showError(error, expression) {
  const box = $("error");
  const message = document.createElement("div");
  message.className = "error-message";
  message.textContent = error instanceof ApiError || error instanceof Error ? error.message : String(error);
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
    if (editor.value === expression) {
      const at = lineColumnToIndex(expression, error.line, error.column);
      editor.mark(at, at + 1, "error-mark");
    }
  }
  box.replaceChildren(...parts);
  box.hidden = false;
  box.dataset.code = error.code ?? "error";
  $("graph-panel").classList.toggle("stale", page.last !== null);
  document.body.dataset.status = "error";
}

function clearError() {
  const box = $("error");
  box.hidden = true;
  box.replaceChildren();
  delete box.dataset.code;
  editor.clear("error-mark");
  $("graph-panel").classList.remove("stale");
}

function setBusy(busy) {
  $("run").disabled = false;
  $("status").textContent = busy ? "Computing…" : "";
  if (busy) document.body.dataset.status = "busy";
  else if (document.body.dataset.status === "busy") document.body.dataset.status = "ready";
}

// -- URL state ----------------------------------------------------------------------------------------

let urlTimer = null;
function scheduleUrl() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(writeUrl, URL_DELAY_MS);
}

function writeUrl() {
  if (!page.last) return;
  const hash = encodeState({
    expression: page.last.expression,
    values: page.last.values,
    step: player.index,
    check: page.check,
  });
  if (hash === page.writtenHash) return;
  page.writtenHash = hash;
  history.replaceState(null, "", `${location.pathname}${location.search}${hash}`);
}

function loadFromUrl() {
  const state = decodeState(location.hash);
  if (!state) return false;
  page.writtenHash = location.hash;
  editor.value = state.expression;
  page.overrides = state.values;
  page.check = state.check;
  $("check-toggle").checked = state.check;
  run({ step: state.step });
  return true;
}

// -- exports ----------------------------------------------------------------------------------------

async function exportWith(action) {
  if (!page.last) return;
  try {
    await action();
    $("status").textContent = "";
  } catch (error) {
    $("status").textContent = `Export failed: ${error.message}`;
  }
}

// -- controls -----------------------------------------------------------------------------------------

function isTextField(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === "TEXTAREA" || tag === "INPUT" || tag === "SELECT";
}

function onKeyDown(event) {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    run({ fresh: true });
    return;
  }
  if (event.altKey || event.ctrlKey || event.metaKey || isTextField(event.target)) return;
  const onButton = event.target instanceof HTMLButtonElement;
  switch (event.key) {
    case "ArrowRight":
      player.forward();
      break;
    case "ArrowLeft":
      player.back();
      break;
    case " ":
      if (onButton) return; // a focused button's own activation
      player.toggle();
      break;
    case "Home":
      player.toStart();
      break;
    case "End":
      player.toEnd();
      break;
    default:
      return;
  }
  event.preventDefault();
}

function populateExamples() {
  const select = $("examples");
  for (const example of page.examples) {
    const option = document.createElement("option");
    option.value = example.id;
    option.textContent = example.title;
    select.append(option);
  }
}

function loadExample(id) {
  const example = page.examples.find((e) => e.id === id);
  if (!example) return;
  editor.value = example.expression;
  $("example-description").textContent = example.description ?? "";
  page.overrides = {};
  page.selected = null;
  showInspector(false);
  run({ step: 0 });
}

function wireControls() {
  // Once the text is edited it is no longer the chosen example.
  $("expression").addEventListener("input", () => {
    $("examples").value = "";
    $("example-description").textContent = "";
  });
  $("run").addEventListener("click", () => run({ fresh: true }));
  $("to-start").addEventListener("click", () => player.toStart());
  $("step-back").addEventListener("click", () => player.back());
  $("play").addEventListener("click", () => player.toggle());
  $("step-forward").addEventListener("click", () => player.forward());
  $("to-end").addEventListener("click", () => player.toEnd());
  $("scrubber").addEventListener("input", (event) => player.go(Number(event.target.value), "scrub"));
  $("speed").addEventListener("change", (event) => player.setSpeed(Number(event.target.value)));
  player.onPlayingChange = (playing) => {
    const button = $("play");
    button.setAttribute("aria-pressed", String(playing));
    button.setAttribute("aria-label", playing ? "Pause (space)" : "Play (space)");
  };
  $("zoom-in").addEventListener("click", () => view.zoomBy(1.3));
  $("zoom-out").addEventListener("click", () => view.zoomBy(1 / 1.3));
  let fitPresses = 0;
  $("zoom-fit").addEventListener("click", () => {
    // First press: the readable fit; pressed again: the whole graph however small.
    if (fitPresses++ % 2 === 0) view.fit(true);
    else view.fitAll(true);
  });
  $("check-toggle").addEventListener("change", (event) => {
    page.check = event.target.checked;
    if (page.last) run({ keepStep: true });
  });
  $("examples").addEventListener("change", (event) => {
    loadExample(event.target.value);
  });
  $("export-svg").addEventListener("click", () => exportWith(() => exportSvg(view)));
  $("export-png").addEventListener("click", () => exportWith(() => exportPng(view)));
  $("export-json").addEventListener("click", () => exportWith(async () => exportJson(page.last.answer)));
  $("export-dot").addEventListener("click", () =>
    exportWith(async () => {
      const answer = await postGraphDot(page.last.body);
      exportDot(typeof answer === "string" ? answer : answer.dot);
    }),
  );
  for (const id of ["export-svg", "export-png", "export-json", "export-dot"]) $(id).disabled = true;
  document.addEventListener("keydown", onKeyDown);
  window.addEventListener("hashchange", () => {
    if (location.hash !== page.writtenHash) loadFromUrl();
  });
  window.addEventListener("resize", () => view.fit(false));
}

async function start() {
  if (!globalThis.d3 || !globalThis.dagre) {
    showError(new Error("The drawing libraries did not load (run `npm ci`, then reload)."), "");
    return;
  }
  document.documentElement.classList.toggle("reduced-motion", reducedMotionQuery.matches);
  view = new GraphView($("graph"), { onSelect: selectNode, reducedMotion: () => reducedMotionQuery.matches });
  wireControls();
  const [ops, examples] = await Promise.allSettled([getOps(), getExamples()]);
  if (ops.status === "fulfilled") page.opsByName = indexOps(ops.value.ops);
  if (examples.status === "fulfilled") page.examples = examples.value.examples ?? [];
  populateExamples();
  if (!loadFromUrl()) {
    if (page.examples.length) {
      $("examples").value = page.examples[0].id;
      loadExample(page.examples[0].id);
    } else {
      editor.value = "a = 2\nb = -3\nc = 10\ne = a*b\nd = e + c\nf = -2\nL = d*f";
      run();
    }
  }
}

start();
