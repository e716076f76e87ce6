// The lessons' pure parts: the URL (a place, a packed lesson), progress in storage, checkpoint judging.
import assert from "node:assert/strict";
import { test } from "node:test";

import { fixture } from "./helpers.mjs";
import {
  MAX_SHARE_URL,
  decodeLessonHash,
  encodeLessonHash,
  fromBase64Url,
  packLesson,
  shareLink,
  toBase64Url,
  unpackLesson,
} from "../../static/js/core/lesson-link.js";
import {
  MAX_OWN_LESSONS,
  OWN_LESSONS_KEY,
  STORAGE_KEY,
  completed,
  keepOwnLesson,
  lessonKey,
  loadOwnLessons,
  loadProgress,
  progressLabel,
  resetProgress,
  saveProgress,
  visited,
} from "../../static/js/core/lesson-progress.js";
import { asksNumber, expectedAnswer, judgeAnswer, judgeTask, namedNode } from "../../static/js/core/lesson-checkpoint.js";

const LESSON = "# Nudging\n\n## First\n\nWords with ∂L/∂a and é.\n\n```program\na = 2\nL = a*a\n```\n";

test("a place round-trips through the hash, and junk is no place", () => {
  for (const place of [{ id: "micrograd-03-chain-rule", packed: null, step: 4 }, { id: null, packed: "eJzLSM3JyQcABiwCFQ", step: 1 }]) {
    assert.deepEqual(decodeLessonHash(encodeLessonHash(place)), place);
  }
  assert.deepEqual(decodeLessonHash("#lesson=minitorch-01-x"), { id: "minitorch-01-x", packed: null, step: 1 });
  assert.equal(decodeLessonHash("#lesson=minitorch-01-x&step=0").step, 1);
  assert.equal(decodeLessonHash("#lesson=../../etc"), null);
  assert.equal(decodeLessonHash("#lesson-text=not+base64!"), null);
  assert.equal(decodeLessonHash("#e=a*b&s=3"), null); // the explorer's own hash is not a lesson's
  assert.equal(decodeLessonHash(""), null);
});

test("base64url carries every byte value without padding or URL-unsafe characters", () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const text = toBase64Url(bytes);
  assert.match(text, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(fromBase64Url(text), bytes);
  assert.throws(() => fromBase64Url("a+b/"));
});

test("a lesson packed into a link unpacks to the same Markdown, smaller than it was", async () => {
  const long = LESSON + "\n## More\n\nThe same words again and again. ".repeat(200);
  const packed = await packLesson(long);
  assert.ok(packed.length < long.length / 4, `${packed.length} of ${long.length}`);
  assert.equal(await unpackLesson(packed), long);
  assert.equal(await unpackLesson(await packLesson(LESSON)), LESSON);
  await assert.rejects(unpackLesson("AAAA")); // not deflate
});

test("a link that would be too long for browsers is refused with its length, not handed out", async () => {
  const ok = await shareLink(LESSON, "http://localhost:8000/");
  assert.ok(ok.url.startsWith("http://localhost:8000/#lesson-text="));
  assert.equal(decodeLessonHash(new URL(ok.url).hash).step, 1);
  // Random letters do not compress: a big enough lesson cannot fit.
  const noise = Array.from(crypto.getRandomValues(new Uint8Array(60_000)), (byte) => String.fromCharCode(97 + (byte % 26))).join("");
  const tooLong = await shareLink(`# T\n\n## S\n\n${noise}\n`, "http://localhost:8000/");
  assert.equal(tooLong.url, null);
  assert.ok(tooLong.length > MAX_SHARE_URL && tooLong.limit === MAX_SHARE_URL);
});

function memoryStorage(initial = {}) {
  const map = new Map(Object.entries(initial));
  return { getItem: (k) => (map.has(k) ? map.get(k) : null), setItem: (k, v) => map.set(k, String(v)), map };
}

test("progress is kept, read back, and bad stored data is ignored rather than trusted", () => {
  const storage = memoryStorage();
  let progress = loadProgress(storage);
  assert.deepEqual(progress, {});
  assert.deepEqual(progressLabel(progress, "l1", 4), { state: "new", text: "4 steps" });
  progress = visited(progress, "l1", 2, 4);
  progress = completed(progress, "l1", 1, 4);
  assert.deepEqual(progressLabel(progress, "l1", 4), { state: "started", text: "step 2 / 4" });
  assert.ok(saveProgress(storage, progress));
  assert.deepEqual(loadProgress(storage), { l1: { step: 2, of: 4, done: [1] } });
  for (const step of [2, 3, 4, 4]) progress = completed(progress, "l1", step, 4);
  assert.deepEqual(progressLabel(progress, "l1", 4), { state: "done", text: "done" });
  const junk = memoryStorage({ [STORAGE_KEY]: '{"a": {"step": "x"}, "b": {"step": 9, "of": 3, "done": [1, 7, "z"]}, "c": null}' });
  assert.deepEqual(loadProgress(junk), { b: { step: 3, of: 3, done: [1] } });
  assert.deepEqual(loadProgress(memoryStorage({ [STORAGE_KEY]: "not json" })), {});
  assert.equal(saveProgress({ setItem: () => { throw new Error("quota"); } }, progress), false);
});

test("a teacher's lesson is keyed by its text: the same text one key, another or an edited one another", () => {
  const key = lessonKey(LESSON);
  assert.match(key, /^text:[0-9a-f]{16}$/);
  assert.equal(lessonKey(LESSON), key);
  assert.equal(lessonKey(LESSON.replace(/\n/g, "\r\n")), key); // the same file saved with CRLF
  assert.notEqual(lessonKey(LESSON.replace("a*a", "a*a*a")), key); // edited: starts fresh
  assert.notEqual(lessonKey(LESSON.replace("é", "e")), key);
  // FNV-1a 64's published values: the fingerprint is the standard one, not an ad-hoc one.
  assert.equal(lessonKey(""), "text:cbf29ce484222325");
  assert.equal(lessonKey("foobar"), "text:85944171f73967e8");
  // Every lesson of 200 distinct one-word edits gets its own key.
  const keys = new Set(Array.from({ length: 200 }, (_, i) => lessonKey(LESSON.replace("Words", `Words ${i}`))));
  assert.equal(keys.size, 200);
  assert.ok(!/^[a-z0-9][a-z0-9-]*$/.test(key)); // never a built-in lesson's id
});

test("a teacher's lesson keeps its progress and title beside the built-in ones, and a reset forgets only it", () => {
  const storage = memoryStorage();
  const own = lessonKey(LESSON);
  let progress = visited({}, "micrograd-01-nudge", 3, 5);
  progress = visited(progress, own, 2, 3, "Nudging");
  progress = completed(progress, own, 1, 3);
  saveProgress(storage, progress);
  const back = loadProgress(storage);
  assert.deepEqual(back[own], { step: 2, of: 3, done: [1], title: "Nudging" });
  assert.deepEqual(progressLabel(back, own, 3), { state: "started", text: "step 2 / 3" });
  const reset = resetProgress(back, own);
  assert.deepEqual(progressLabel(reset, own, 3), { state: "new", text: "3 steps" });
  assert.deepEqual(reset["micrograd-01-nudge"], back["micrograd-01-nudge"]);
  assert.ok(own in back); // the reset made a new object
  const odd = memoryStorage({ [STORAGE_KEY]: JSON.stringify({ [own]: { step: 1, of: 2, done: [], title: 7 } }) });
  assert.deepEqual(loadProgress(odd)[own], { step: 1, of: 2, done: [] }); // a stored title that is not text is dropped
});

test("the teacher's lessons played here are listed latest first, a few dozen at most, junk ignored", () => {
  const storage = memoryStorage();
  assert.deepEqual(loadOwnLessons(storage), []);
  const one = { key: lessonKey("one"), title: "One", steps: 3, packed: "eJzLzU8BAAKkAUQ" };
  const two = { key: lessonKey("two"), title: "Two", steps: 1, packed: "eJwrKc8HAAKzAV0" };
  assert.ok(keepOwnLesson(storage, one));
  assert.ok(keepOwnLesson(storage, two));
  assert.deepEqual(loadOwnLessons(storage), [two, one]);
  keepOwnLesson(storage, one); // played again: first, and once
  assert.deepEqual(loadOwnLessons(storage), [one, two]);
  for (let i = 0; i < MAX_OWN_LESSONS + 5; i++) keepOwnLesson(storage, { ...one, key: lessonKey(`l${i}`), title: `L${i}` });
  const kept = loadOwnLessons(storage);
  assert.equal(kept.length, MAX_OWN_LESSONS);
  assert.equal(kept[0].title, `L${MAX_OWN_LESSONS + 4}`);
  const junk = JSON.stringify([{ key: "micrograd-01", title: "x", steps: 1, packed: "a" }, { key: one.key, title: "T", steps: 0, packed: "a" },
    { key: two.key, title: "T", steps: 2, packed: "<script>" }, null, one, one]);
  assert.deepEqual(loadOwnLessons(memoryStorage({ [OWN_LESSONS_KEY]: junk })), [one]);
  assert.deepEqual(loadOwnLessons(memoryStorage({ [OWN_LESSONS_KEY]: "{" })), []);
  assert.equal(keepOwnLesson({ getItem: () => null, setItem: () => { throw new Error("quota"); } }, one), false);
});

const lecture = fixture("lecture"); // a = 2, b = -3, c = 10, e = a*b, d = e + c, f = -2, L = d*f

test("a checkpoint's answer is read from the API's answer", () => {
  assert.equal(namedNode(lecture, "e").value, -6);
  assert.equal(expectedAnswer({ kind: "value", names: ["L"] }, lecture), -8);
  assert.equal(expectedAnswer({ kind: "gradient", names: ["a"] }, lecture), 6);
  assert.equal(expectedAnswer({ kind: "gradient", names: ["d"] }, lecture), -2);
  assert.equal(expectedAnswer({ kind: "larger", names: ["a", "b", "c"] }, lecture), "a"); // |6| > |-4| > |-2|
  assert.equal(expectedAnswer({ kind: "larger", names: ["c", "b"] }, lecture), "b"); // by size, not sign
  assert.equal(expectedAnswer({ kind: "value", names: ["nope"] }, lecture), null);
  assert.ok(asksNumber({ kind: "gradient" }) && !asksNumber({ kind: "larger" }) && !asksNumber({ kind: "task-value" }));
});

test("a typed answer is right within the predict mode's tolerance, and a non-number is not judged", () => {
  const gradient = { kind: "gradient", names: ["a"] };
  assert.deepEqual(judgeAnswer(gradient, lecture, "6"), { right: true, expected: 6, guess: 6 });
  assert.equal(judgeAnswer(gradient, lecture, "6.04").right, true);
  assert.equal(judgeAnswer(gradient, lecture, "−6").right, false); // a typographic minus is read, and wrong
  assert.equal(judgeAnswer(gradient, lecture, "six").guess, null);
  assert.equal(judgeAnswer({ kind: "larger", names: ["a", "b"] }, lecture, "a").right, true);
  assert.equal(judgeAnswer({ kind: "larger", names: ["a", "b"] }, lecture, "b").right, false);
});

/** The lecture's answer as the API gives it after `name` is set to `value` (∂L/∂a = b·f). */
function lectureWith(name, value) {
  const answer = structuredClone(lecture);
  namedNode(answer, name).value = value;
  const v = Object.fromEntries(answer.nodes.filter((n) => n.kind === "variable").map((n) => [n.label, n.value]));
  namedNode(answer, "a").grad = v.b * v.f;
  return answer;
}

test("a task is done only by changing one value until the recomputed graph meets it", () => {
  const task = { kind: "task-gradient", names: ["a"], target: 0, tolerance: 1e-6 };
  assert.match(judgeTask(task, lecture, lecture).message, /Change one value first/);
  const right = judgeTask(task, lecture, lectureWith("b", 0));
  assert.equal(right.done, true);
  assert.deepEqual(right.changed, ["b"]);
  assert.match(right.message, /^✓ With b = 0, the gradient of a is 0/);
  const wrong = judgeTask(task, lecture, lectureWith("b", 1));
  assert.equal(wrong.done, false);
  assert.match(wrong.message, /^✗ With b = 1, the gradient of a is -2, not 0/);
  assert.equal(judgeTask(task, lecture, lectureWith("f", 0)).done, true); // any one value that does it
  const two = lectureWith("b", 0);
  namedNode(two, "c").value = 1;
  assert.match(judgeTask(task, lecture, two).message, /one value only; b, c changed/);
  const other = structuredClone(lecture);
  other.nodes = other.nodes.filter((n) => n.label !== "c");
  assert.match(judgeTask(task, lecture, other).message, /program was changed/);
});
