import { test } from "node:test";
import assert from "node:assert/strict";
import { contrastRatio, parseColor, relativeLuminance, wantsLightText } from "../../static/js/graph/legend.js";

test("colours as d3 and CSS write them", () => {
  assert.deepEqual(parseColor("#1c2333"), [28, 35, 51]);
  assert.deepEqual(parseColor("#fff"), [255, 255, 255]);
  assert.deepEqual(parseColor("rgb(103, 0, 31)"), [103, 0, 31]);
  assert.throws(() => parseColor("tomato"), /not a colour/);
});

test("WCAG's luminance and contrast", () => {
  assert.equal(relativeLuminance("#000000"), 0);
  assert.equal(relativeLuminance("#ffffff"), 1);
  assert.equal(contrastRatio("#000", "#fff"), 21);
  assert.equal(Math.round(contrastRatio("#767676", "#ffffff") * 100) / 100, 4.54); // the classic AA grey
});

test("on every gradient colour, the chosen ink reaches AA's 4.5:1", () => {
  // With black and white to choose from, any colour gets at least ~4.58:1: greys, reds, blues, pinks.
  let worst = 21;
  for (let v = 0; v <= 255; v++) {
    for (const fill of [`rgb(${v}, ${v}, ${v})`, `rgb(${v}, 0, 0)`, `rgb(0, 0, ${v})`, `rgb(255, ${v}, ${v})`]) {
      const ink = wantsLightText(fill) ? "#ffffff" : "#000000";
      worst = Math.min(worst, contrastRatio(fill, ink));
    }
  }
  assert.ok(worst >= 4.5, `worst contrast ${worst}`);
});
