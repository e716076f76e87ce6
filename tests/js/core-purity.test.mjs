// The page's core modules (static/js/core/) have no DOM: the JS twin of tests/engine/test_layers.py.
// Read from the source, comments and strings' contents aside, so a module that touches `document`,
// `window` or `d3.select`, or imports from outside core/, fails here, whatever the page happens to load.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

const CORE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../static/js/core");
const MODULES = readdirSync(CORE).filter((name) => name.endsWith(".js"));

/** The source with comments removed and every string literal emptied (template literals included). */
export function codeOnly(source) {
  let out = "";
  let i = 0;
  while (i < source.length) {
    const two = source.slice(i, i + 2);
    if (two === "//") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (two === "/*") {
      const end = source.indexOf("*/", i + 2);
      i = end < 0 ? source.length : end + 2;
    } else if (source[i] === '"' || source[i] === "'" || source[i] === "`") {
      const quote = source[i];
      out += quote;
      i++;
      while (i < source.length && source[i] !== quote) i += source[i] === "\\" ? 2 : 1;
      out += quote;
      i++;
    } else {
      out += source[i++];
    }
  }
  return out;
}

/** Every module specifier the source imports, statically or dynamically. */
export function importSpecifiers(source) {
  const found = [];
  const pattern = /\b(?:import|export)\s[^;]*?\bfrom\s*(["'])([^"']+)\1|\bimport\s*\(\s*(["'])([^"']+)\3\s*\)|^\s*import\s*(["'])([^"']+)\5/gm;
  for (const match of source.matchAll(pattern)) found.push(match[2] ?? match[4] ?? match[6]);
  return found;
}

const FORBIDDEN = [
  [/\bdocument\b/, "document"],
  [/\bwindow\b/, "window"],
  [/\bd3\s*\.\s*select(All)?\b/, "d3.select"],
];

test("the core folder holds the pure modules", () => {
  assert.ok(MODULES.length >= 25, `only ${MODULES.length} modules in static/js/core`);
});

for (const name of MODULES) {
  test(`core/${name} touches no DOM and imports only from core/`, () => {
    const source = readFileSync(path.join(CORE, name), "utf8");
    const code = codeOnly(source);
    for (const [pattern, word] of FORBIDDEN) {
      assert.ok(!pattern.test(code), `core/${name} uses ${word}`);
    }
    for (const specifier of importSpecifiers(source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, ""))) {
      assert.ok(specifier.startsWith("./") && !specifier.slice(2).includes("/"),
        `core/${name} imports ${specifier}, outside core/`);
    }
  });
}

test("every core module loads in Node, where there is no DOM", async () => {
  for (const name of MODULES) await import(pathToFileURL(path.join(CORE, name)).href);
});

test("the checks catch what they are for", () => {
  assert.ok(FORBIDDEN[0][0].test(codeOnly('const box = document.querySelector("x");')));
  assert.ok(!FORBIDDEN[0][0].test(codeOnly('// document is not touched\nconst s = "document";')));
  assert.ok(FORBIDDEN[2][0].test(codeOnly("d3.select(svg)")));
  assert.deepEqual(importSpecifiers('import { a } from "../graph/x.js";\nconst m = import("./y.js");'),
    ["../graph/x.js", "./y.js"]);
});
