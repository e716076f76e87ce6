// How far a learner got in each lesson, kept in the browser's storage. Pure: the storage is passed in
// (localStorage on the page, a Map-backed stand-in in tests).
//
// Stored as one JSON object under STORAGE_KEY: lesson key → {step, of, done: [answered step numbers]},
// and `title` for a teacher's own lesson. A built-in lesson's key is its id; a teacher's own lesson
// (opened from a file, pasted, or from a share link) has no id, so its key is its text's fingerprint
// (`lessonKey`): two different lessons never share one, and an edited lesson starts fresh. The
// teacher's lessons played here are kept too (OWN_LESSONS_KEY), so the library lists them with their
// progress as it lists the built-in ones. Nothing of it leaves the browser.

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
    if (typeof entry.title === "string" && entry.title) progress[id].title = entry.title.slice(0, MAX_TITLE);
  }
  return progress;
}

const MAX_TITLE = 200;

/** The prefix of a teacher's own lesson's key: a built-in id cannot hold a colon. */
export const OWN_PREFIX = "text:";

/**
 * A teacher's own lesson's key: `text:` and the 64-bit FNV-1a hash of its Markdown's UTF-8 bytes (line
 * endings as `\n`, so the same file saved on another system is the same lesson), in 16 hex digits.
 */
export function lessonKey(markdown) {
  const bytes = new TextEncoder().encode(String(markdown).replace(/\r\n?/g, "\n"));
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return `${OWN_PREFIX}${hash.toString(16).padStart(16, "0")}`;
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

/**
 * The progress after a learner stands at `step` (1-based) of a lesson of `of` steps; `title` is kept
 * with a teacher's own lesson, whose key alone says nothing.
 */
export function visited(progress, id, step, of, title = null) {
  const entry = progress[id] ?? { step: 1, of, done: [] };
  const named = title ? { title: String(title).slice(0, MAX_TITLE) } : {};
  return { ...progress, [id]: { ...entry, ...named, of, step: Math.min(Math.max(step, 1), of) } };
}

/** The progress without lesson `id`'s: it starts again as new. */
export function resetProgress(progress, id) {
  const { [id]: _gone, ...rest } = progress;
  return rest;
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

/** Where a teacher's lessons played in this browser are kept, so the library lists them as its own. */
export const OWN_LESSONS_KEY = "bpx-lessons-own";

/** The most of them kept: playing one more forgets the one played longest ago (its progress stays). */
export const MAX_OWN_LESSONS = 20;

/**
 * A teacher's lessons played in this browser, the latest played first: `[{key, title, steps, packed}]`
 * (`packed`: the lesson as its link carries it, lesson-link.js's packLesson). Anything stored that is
 * not such a list is ignored (never throws).
 */
export function loadOwnLessons(storage) {
  let parsed = null;
  try {
    parsed = JSON.parse(storage.getItem(OWN_LESSONS_KEY) ?? "null");
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed)) return [];
  const seen = new Set();
  const lessons = [];
  for (const entry of parsed) {
    const { key, title, steps, packed } = entry ?? {};
    if (typeof key !== "string" || !key.startsWith(OWN_PREFIX) || seen.has(key)) continue;
    if (typeof title !== "string" || !Number.isInteger(steps) || steps < 1 || typeof packed !== "string" || !/^[A-Za-z0-9_-]+$/.test(packed)) continue;
    seen.add(key);
    lessons.push({ key, title: title.slice(0, MAX_TITLE), steps, packed });
  }
  return lessons.slice(0, MAX_OWN_LESSONS);
}

/** Keep a teacher's lesson as played just now (first in the list); false when the storage refused it. */
export function keepOwnLesson(storage, { key, title, steps, packed }) {
  const lessons = [{ key, title: String(title).slice(0, MAX_TITLE), steps, packed }, ...loadOwnLessons(storage).filter((l) => l.key !== key)];
  try {
    storage.setItem(OWN_LESSONS_KEY, JSON.stringify(lessons.slice(0, MAX_OWN_LESSONS)));
    return true;
  } catch {
    return false;
  }
}
