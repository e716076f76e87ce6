// The Train plot's geometry and colours, TensorFlow Playground's look: orange for class 0, blue for
// class 1, pale between; the decision boundary's grid as pixels; the points placed in the plot's
// square. Pure: no DOM (train-plot.js draws).

/** Class 0 (orange), the boundary itself (pale grey), class 1 (blue): TensorFlow Playground's colours. */
export const CLASS_COLORS = { 0: [245, 147, 34], middle: [232, 234, 235], 1: [8, 119, 189] };

/**
 * A model output → how far it is into either class, from −1 (class 0) through 0 (the threshold)
 * to +1 (class 1). A probability reaches ±1 at 0 and 1; a score (micrograd's hinge) at ±1, the margin
 * its loss stops pushing at.
 * @param {number} value the model's output
 * @param {{kind: "probability" | "score", threshold: number}} output the preset's (the start line's)
 */
export function classLean(value, output) {
  const reach = output.kind === "probability" ? 0.5 : 1;
  const lean = (value - output.threshold) / reach;
  return Math.max(-1, Math.min(1, lean));
}

/** Which class the model gives an output: 1 above the threshold, else 0 (as its accuracy counts). */
export function predictedClass(value, output) {
  return value > output.threshold ? 1 : 0;
}

function mix(a, b, t) {
  return [Math.round(a[0] + (b[0] - a[0]) * t), Math.round(a[1] + (b[1] - a[1]) * t), Math.round(a[2] + (b[2] - a[2]) * t)];
}

/** Write the blend of colours a → b at t into `pixels` at `at` (RGBA, opaque), with no array made. */
function writeMix(pixels, at, a, b, t) {
  pixels[at] = Math.round(a[0] + (b[0] - a[0]) * t);
  pixels[at + 1] = Math.round(a[1] + (b[1] - a[1]) * t);
  pixels[at + 2] = Math.round(a[2] + (b[2] - a[2]) * t);
  pixels[at + 3] = 255;
}

/**
 * The colour ([r, g, b]) for an output: a blend from orange through grey to blue by its lean, or,
 * `discrete`, its class's colour alone.
 */
export function outputColor(value, output, discrete = false) {
  if (discrete) return [...CLASS_COLORS[predictedClass(value, output)]];
  const lean = classLean(value, output);
  return lean < 0 ? mix(CLASS_COLORS.middle, CLASS_COLORS[0], -lean) : mix(CLASS_COLORS.middle, CLASS_COLORS[1], lean);
}

/** `[r, g, b]` → `#rrggbb`. */
export function hex([r, g, b]) {
  return `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

/** A point's colour by its label. */
export function labelColor(label) {
  return hex(CLASS_COLORS[label === 1 ? 1 : 0]);
}

/**
 * The boundary grid ({size, values}: `values[r·size + c]` at row r from y_min up) as RGBA pixels of a
 * size × size image, whose rows go from the top down: image row 0 is grid row size − 1.
 * @returns {Uint8ClampedArray} 4 bytes a pixel, for an ImageData
 */
export function boundaryPixels(boundary, output, discrete = false) {
  const { size, values } = boundary;
  const pixels = new Uint8ClampedArray(size * size * 4);
  for (let r = 0; r < size; r++) {
    const top = size - 1 - r;
    for (let c = 0; c < size; c++) {
      const [red, green, blue] = outputColor(values[r * size + c], output, discrete);
      const at = (top * size + c) * 4;
      pixels[at] = red;
      pixels[at + 1] = green;
      pixels[at + 2] = blue;
      pixels[at + 3] = 255;
    }
  }
  return pixels;
}

/**
 * The mapping from the data's square to a plot `width` × `height` pixels (y up):
 * `{x(x1), y(x2), invert(px, py)}`.
 */
export function plotScale(square, width, height) {
  const spanX = square.x_max - square.x_min;
  const spanY = square.y_max - square.y_min;
  return {
    x: (x1) => ((x1 - square.x_min) / spanX) * width,
    y: (x2) => height - ((x2 - square.y_min) / spanY) * height,
    invert: (px, py) => [square.x_min + (px / width) * spanX, square.y_min + ((height - py) / height) * spanY],
  };
}

/**
 * A point's pull on a parameter (its term) as −1…1 of the largest pull, for a diverging colour and a
 * size: 0 when every term is 0.
 */
export function termLean(term, largest) {
  return largest > 0 ? Math.max(-1, Math.min(1, term / largest)) : 0;
}

/**
 * A hidden unit's outputs over the boundary's grid as RGBA pixels (rows as boundaryPixels's), coloured
 * as TensorFlow Playground colours its neurons: blue above `centre`, orange below, grey at it, each as
 * far as the grid's largest distance from `centre` (so a unit's shape shows whatever its scale). A
 * unit with one output everywhere is grey.
 * @param {number[]} values size × size outputs
 * @param {number} size
 * @param {number} [centre] 0 for relu and tanh, 0.5 for sigmoid
 */
export function unitPixels(values, size, centre = 0) {
  let reach = 0;
  let low = Infinity;
  let high = -Infinity;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    reach = Math.max(reach, Math.abs(value - centre));
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  const flat = !(high > low);
  const pixels = new Uint8ClampedArray(size * size * 4);
  for (let r = 0; r < size; r++) {
    const top = size - 1 - r;
    for (let c = 0; c < size; c++) {
      const value = values[r * size + c];
      const lean = flat || !(reach > 0) || !Number.isFinite(value) ? 0 : (value - centre) / reach;
      const at = (top * size + c) * 4;
      if (lean < 0) writeMix(pixels, at, CLASS_COLORS.middle, CLASS_COLORS[0], -lean);
      else writeMix(pixels, at, CLASS_COLORS.middle, CLASS_COLORS[1], lean);
    }
  }
  return pixels;
}

