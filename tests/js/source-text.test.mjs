import { test } from "node:test";
import assert from "node:assert/strict";
import { markSegments, textChange } from "../../static/js/explorer/editor.js";
import { codePointToIndex, spanRange, spanText, statementRange, writeBackValue } from "../../static/js/core/source-text.js";
import { warningRange } from "../../static/js/explorer/warnings-view.js";
import { fixture, program } from "./helpers.mjs";

test("spans count code points; JavaScript strings count UTF-16 units", () => {
  const text = "σ𝑥 = 1\ny = 2";
  assert.equal(codePointToIndex(text, 2), 3);
  assert.deepEqual(spanRange(text, { line: 2, column: 1, end_line: 2, end_column: 6 }), [8, 13]);
  assert.equal(spanRange(text, {}), null);
});

test("a node's statement: the whole statement around its text, on a line or between semicolons", () => {
  const text = program("reuse_twice"); // a = 3; b = a + a; c = b*b
  const c = fixture("reuse_twice").nodes.find((n) => n.label === "c");
  const [start, end] = spanRange(text, c.span);
  assert.equal(text.slice(start, end), "b*b");
  const [from, to] = statementRange(text, start, end);
  assert.equal(text.slice(from, to), "c = b*b");
  const lecture = program("lecture");
  const e = fixture("lecture").nodes.find((n) => n.label === "e");
  const range = statementRange(lecture, ...spanRange(lecture, e.span));
  assert.equal(lecture.slice(...range), "e = a*b");
  const commented = "a = 2  # two\nb = a*a";
  assert.equal(commented.slice(...statementRange(commented, 0, 1)), "a = 2");
  assert.equal(spanText(lecture, e.span), "a*b");
});

test("a value is written back into its declaration, keeping everything else", () => {
  const lecture = program("lecture");
  assert.equal(writeBackValue(lecture, "a", 3.5), lecture.replace("a = 2", "a = 3.5"));
  assert.equal(writeBackValue(lecture, "b", 1), lecture.replace("b = -3", "b = 1"));
  assert.equal(writeBackValue("x1 = 2 # input\ny = x1*x", "x1", -0.25), "x1 = -0.25 # input\ny = x1*x");
  assert.equal(writeBackValue("a = 3; b = a + a", "a", 4), "a = 4; b = a + a");
  assert.equal(writeBackValue("a = 1e-3\nL = a*2", "a", 1e-7), "a = 1e-7\nL = a*2");
  // Not a declaration of a number: nothing to write into.
  assert.equal(writeBackValue("a = b*2\nL = a", "a", 1), null);
  assert.equal(writeBackValue("ab = 2\nL = ab", "a", 1), null);
  // Declared twice: the one nearest where the answer had it.
  const twice = "a = 1\nb = a*2\na = 5\nL = a*b";
  assert.equal(writeBackValue(twice, "a", 7, twice.indexOf("a = 5")), "a = 1\nb = a*2\na = 7\nL = a*b");
  assert.equal(writeBackValue(twice, "a", 7, 0), "a = 7\nb = a*2\na = 5\nL = a*b");
});

test("editor marks may overlap: the backdrop is cut into segments carrying every covering class", () => {
  const segments = markSegments(11, [
    { start: 0, end: 7, cls: "step-mark" },
    { start: 4, end: 7, cls: "span-mark" },
    { start: 11, end: 12, cls: "error-mark" },
  ]);
  assert.deepEqual(segments, [
    { start: 0, end: 4, classes: ["step-mark"] },
    { start: 4, end: 7, classes: ["step-mark", "span-mark"] },
    { start: 7, end: 11, classes: [] },
    { start: 11, end: 11, classes: ["error-mark"] },
  ]);
  assert.deepEqual(markSegments(0, []), []);
});

test("a warning is marked on the name it is about", () => {
  const text = program("typo");
  const [unused, typo] = fixture("typo").warnings;
  assert.equal(text.slice(...warningRange(text, unused)), "b");
  assert.equal(text.slice(...warningRange(text, typo)), "bb");
  assert.equal(warningRange(text, { code: "x", line: null, column: null }), null);
});

test("an edge label sits at the middle of its edge's path, sized without measuring", async () => {
  const { labelWidth, pathMidpoint } = await import("../../static/js/core/edge-labels.js");
  assert.deepEqual(pathMidpoint("M0,0C10,0 10,20 20,20"), { x: 10, y: 10 });
  // Three segments: the middle one's middle.
  assert.deepEqual(pathMidpoint("M0,0C5,0 5,0 10,0C15,0 15,8 20,8C25,8 25,8 30,8"), { x: 15, y: 4 });
  assert.equal(pathMidpoint("M0,0L10,10"), null);
  assert.equal(labelWidth("×(-3) → 6"), 9 * 7.6 + 10);
});

test("long programs convert offsets the same, with or without characters outside the BMP", () => {
  const byWalking = (text, offset) => {
    let index = 0;
    let points = 0;
    for (const char of text) {
      if (points >= offset) break;
      index += char.length;
      points += 1;
    }
    return index;
  };
  const plain = "x1 = 2\n".repeat(60);
  const astral = `${"x1 = 2\n".repeat(60)}# 😀 here\ny = x1*2\n`;
  for (const text of [plain, astral]) {
    for (const offset of [0, 1, 100, 419, 420, 425, 430, text.length + 5]) {
      assert.equal(codePointToIndex(text, offset), byWalking(text, offset), `${text.length} ${offset}`);
    }
  }
});

test("a value written back replaces only the characters that changed", () => {
  const apply = (text, { start, end, replacement }) => text.slice(0, start) + replacement + text.slice(end);
  const before = "a = 2\nb = a*3\nL = b";
  const after = writeBackValue(before, "a", 2.75);
  assert.deepEqual(textChange(before, after), { start: 5, end: 5, replacement: ".75" });
  assert.deepEqual(textChange("x = 10\ny = x", "x = 7\ny = x"), { start: 4, end: 6, replacement: "7" });
  assert.deepEqual(textChange("x = 1", "x = 1"), { start: 5, end: 5, replacement: "" });
  assert.deepEqual(textChange("x = 11", "x = 1"), { start: 5, end: 6, replacement: "" }); // never past the shorter text
  for (const [a, b] of [["", "abc"], ["abc", ""], ["aXa", "aYYa"], ["x = 0.5; y = 0.5", "x = 0.25; y = 0.5"], ["é𝑥 = 1", "é𝑥 = 12"]]) {
    assert.equal(apply(a, textChange(a, b)), b);
  }
});
