// How far a learner got in each lesson, kept in the browser's storage. Pure: the storage is passed in
// (localStorage on the page, a Map-backed stand-in in tests).
//
// Stored as one JSON object under STORAGE_KEY: lesson id → {step, of, done: [answered step numbers]}.

export const STORAGE_KEY = "bpx-lessons-progress";

/** The stored progress, or an empty one when there is none or it is not ours (never throws). */
export function loadProgress(storage) {
  let parsed = null;
  try {
    parsed = JSON.parse(storage.getItem(STORAGE_KEY) ?? "null");
  } catch {
    parsed = null;
  }
  const progress = {};
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return progress;
  for (const [id, entry] of Object.entries(parsed)) {
    if (!entry || !Number.isInteger(entry.step) || !Number.isInteger(entry.of) || entry.step < 1 || entry.of < 1) continue;
    const done = Array.isArray(entry.done) ? entry.done.filter((n) => Number.isInteger(n) && n >= 1 && n <= entry.of) : [];
    progress[id] = { step: Math.min(entry.step, entry.of), of: entry.of, done: [...new Set(done)].sort((a, b) => a - b) };
  }
  return progress;
}

/** Keep it; a full or refused storage is not the learner's problem (false: not kept). */
export function saveProgress(storage, progress) {
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(progress));
    return true;
  } catch {
    return false;
  }
}

/** The progress after a learner stands at `step` (1-based) of a lesson of `of` steps. */
export function visited(progress, id, step, of) {
  const entry = progress[id] ?? { step: 1, of, done: [] };
  return { ...progress, [id]: { ...entry, of, step: Math.min(Math.max(step, 1), of) } };
}

/** The progress after step `step`'s checkpoint is answered (or skipped) or the step has none. */
export function completed(progress, id, step, of) {
  const entry = progress[id] ?? { step, of, done: [] };
  const done = [...new Set([...entry.done, step])].sort((a, b) => a - b);
  return { ...progress, [id]: { ...entry, of, done } };
}

/** How a lesson stands, for its list item: "new", "N / M" (where the learner is) or "done". */
export function progressLabel(progress, id, of) {
  const entry = progress[id];
  if (!entry) return { state: "new", text: `${of} steps` };
  if (entry.done.length >= of) return { state: "done", text: "done" };
  return { state: "started", text: `step ${entry.step} / ${of}` };
}
