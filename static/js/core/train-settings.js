// The Train view's settings: the preset's defaults (from GET /api/datasets, the catalogue), which
// values the API takes, the request bodies made from them, and their URL form. Pure: no DOM.
//
// `#view=train&preset=minitorch&dataset=xor&points=50&hidden=10&activation=relu&lr=0.5&epochs=500
//  &seed=0&test=0.2&noise=0.1&speed=100&discrete=1&epoch=120&point=7` — `epoch` is where a stopped run
// stands: opening the link trains again to it (the same seed gives the same run), so the curve and the
// parameters come back; `point` is the point explained there (its "From training" card reopens).

/** @typedef {{preset: string, dataset: string, points: number, hidden: number, activation: string,
 *   learning_rate: number, epochs: number, seed: number}} Settings  a training's setup, as the API names it */

/** The fields of a training's setup, in the order the controls show them. */
export const SETTING_FIELDS = ["preset", "dataset", "points", "hidden", "activation", "learning_rate", "epochs", "seed", "test_fraction", "noise"];

/** Fields a request carries only when they are not 0 (so a request without them is a v1 request). */
const OPTIONAL_FIELDS = ["test_fraction", "noise"];
const MAX_FRACTION = 0.5; // the API's bound for `test_fraction` and `noise`

/** Epochs a second the page asks for (`epochs_per_second`), so a run can be watched; 0: as fast as it goes. */
export const SPEEDS = [10, 30, 100, 300, 0];
export const DEFAULT_SPEED = 100;

const MAX_SEED = 2 ** 32 - 1;
const MAX_LEARNING_RATE = 100; // the API's bound (app/schemas.py)

/** The catalogue's preset of that name, or its first. */
function presetInfo(catalog, name) {
  return catalog.presets.find((p) => p.name === name) ?? catalog.presets[0];
}

/** A preset's own settings (every default it has, seed 0). */
export function presetDefaults(catalog, name) {
  const preset = presetInfo(catalog, name);
  return {
    preset: preset.name,
    dataset: preset.dataset,
    points: preset.points,
    hidden: preset.hidden,
    activation: preset.activation,
    learning_rate: preset.learning_rate,
    epochs: preset.epochs,
    seed: 0,
    test_fraction: 0,
    noise: 0,
  };
}

/** The preset's output: `{kind: "probability" | "score", threshold}`. */
export function presetOutput(catalog, name) {
  return presetInfo(catalog, name).output;
}

/** Does the API take `value` for setting `field`? (The same bounds as its schema.) */
export function validSetting(catalog, field, value) {
  const { limits } = catalog;
  const whole = (low, high) => Number.isInteger(value) && value >= low && value <= high;
  switch (field) {
    case "preset":
      return catalog.presets.some((p) => p.name === value);
    case "dataset":
      return catalog.datasets.some((d) => d.name === value);
    case "activation":
      return catalog.activations.includes(value);
    case "points":
      return whole(2, limits.points);
    case "hidden":
      return whole(1, limits.hidden);
    case "epochs":
      return whole(1, limits.epochs);
    case "seed":
      return whole(0, MAX_SEED);
    case "learning_rate":
      return typeof value === "number" && Number.isFinite(value) && value > 0 && value <= MAX_LEARNING_RATE;
    case "test_fraction":
    case "noise":
      return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= (limits[field] ?? MAX_FRACTION);
    default:
      return false;
  }
}

/** Why a value is refused, for the control's message. */
export function settingHint(catalog, field) {
  const { limits } = catalog;
  return {
    points: `a whole number from 2 to ${limits.points}`,
    hidden: `a whole number from 1 to ${limits.hidden}`,
    epochs: `a whole number from 1 to ${limits.epochs}`,
    seed: `a whole number from 0 to ${MAX_SEED}`,
    learning_rate: `a number above 0, at most ${MAX_LEARNING_RATE}`,
    test_fraction: `a fraction from 0 to ${MAX_FRACTION}`,
    noise: `a number from 0 to ${MAX_FRACTION}`,
  }[field] ?? "one of the listed choices";
}

/**
 * Settings any source proposed (a link, partly) made whole: the preset's defaults where a value is
 * missing or one the API would refuse.
 */
export function completeSettings(catalog, proposed = {}) {
  const preset = validSetting(catalog, "preset", proposed.preset) ? proposed.preset : catalog.presets[0].name;
  const settings = presetDefaults(catalog, preset);
  for (const field of SETTING_FIELDS) {
    if (field in proposed && validSetting(catalog, field, proposed[field])) settings[field] = proposed[field];
  }
  return settings;
}

/** Would two settings train the same run? (Every field matters: even `epochs` moves micrograd's schedule.) */
export function sameSettings(a, b) {
  return Boolean(a && b) && SETTING_FIELDS.every((field) => (a[field] ?? 0) === (b[field] ?? 0));
}

/** The settings as a request carries them: the test set and the noise only when they are not 0. */
function requestFields(settings) {
  const body = { ...settings };
  for (const field of OPTIONAL_FIELDS) if (!body[field]) delete body[field];
  return body;
}

/** The fields /api/train/example and /api/train/gradients take from the settings (no rate, no epochs). */
function modelFields(settings) {
  const { preset, dataset, points, hidden, activation, seed, test_fraction, noise } = settings;
  return requestFields({ preset, dataset, points, hidden, activation, seed, test_fraction, noise });
}

/**
 * POST /api/train's body: the settings, and to go on with a run its parameters and the epochs done
 * (the numbers are then those of a run that never stopped). `steps` bounds the epochs this request
 * runs; `speed` (epochs a second, 0 for none) slows it to be watched.
 */
export function trainBody(settings, { parameters = null, startEpoch = 0, steps = null, speed = 0 } = {}) {
  const body = requestFields(settings);
  if (parameters && startEpoch > 0) {
    body.parameters = { ...parameters };
    body.start_epoch = startEpoch;
  }
  if (steps !== null) body.steps = steps;
  if (speed > 0) body.epochs_per_second = speed;
  return body;
}

/** POST /api/train/example's body: point `index`'s loss at these parameters. */
export function exampleBody(settings, parameters, index) {
  return { ...modelFields(settings), parameters: { ...parameters }, index };
}

/** POST /api/train/gradients's body: the batch gradient of `names`, point by point. */
export function gradientsBody(settings, parameters, names) {
  return { ...modelFields(settings), parameters: { ...parameters }, names: [...names] };
}

// -- the URL ------------------------------------------------------------------------------------------

const URL_KEYS = {
  preset: "preset",
  dataset: "dataset",
  points: "points",
  hidden: "hidden",
  activation: "activation",
  learning_rate: "lr",
  epochs: "epochs",
  seed: "seed",
  test_fraction: "test",
  noise: "noise",
};
const NAME = /^[a-z][a-z0-9_]*$/;
const TEXT_FIELDS = new Set(["preset", "dataset", "activation"]);

/**
 * @typedef {{settings: Partial<Settings>, speed: number, discrete: boolean, epoch: number,
 *   point: number | null}} TrainPageState
 *   epoch: where the run stands (0: not trained); point: the point explained at that epoch (null: none)
 */

/** Does this hash open the Train view? */
export function isTrainHash(hash) {
  return new URLSearchParams((hash ?? "").replace(/^#/, "")).get("view") === "train";
}

/** TrainPageState → the hash part of a URL (with the leading `#`). */
export function encodeTrainState({ settings = {}, speed = DEFAULT_SPEED, discrete = false, epoch = 0, point = null }) {
  const params = new URLSearchParams();
  params.set("view", "train");
  for (const field of SETTING_FIELDS) {
    if (settings[field] === undefined || (OPTIONAL_FIELDS.includes(field) && !settings[field])) continue;
    params.set(URL_KEYS[field], String(settings[field]));
  }
  if (speed !== DEFAULT_SPEED) params.set("speed", String(speed));
  if (discrete) params.set("discrete", "1");
  if (Number.isInteger(epoch) && epoch > 0) params.set("epoch", String(epoch));
  if (Number.isInteger(point) && point >= 0) params.set("point", String(point));
  return `#${params.toString()}`;
}

/**
 * The hash part of a URL → TrainPageState, or null when it is not the Train view's. Values the
 * page cannot read are left out (the catalogue's defaults fill them: completeSettings).
 */
export function decodeTrainState(hash) {
  const params = new URLSearchParams((hash ?? "").replace(/^#/, ""));
  if (params.get("view") !== "train") return null;
  const settings = {};
  for (const field of SETTING_FIELDS) {
    const raw = params.get(URL_KEYS[field]);
    if (raw === null || raw === "") continue;
    if (TEXT_FIELDS.has(field)) {
      if (NAME.test(raw)) settings[field] = raw;
      continue;
    }
    const value = Number(raw);
    if (Number.isFinite(value)) settings[field] = value;
  }
  const speed = Number(params.get("speed") ?? DEFAULT_SPEED);
  const epoch = Number(params.get("epoch") ?? 0);
  const point = params.get("point") === null || params.get("point") === "" ? NaN : Number(params.get("point"));
  return {
    settings,
    speed: SPEEDS.includes(speed) ? speed : DEFAULT_SPEED,
    discrete: params.get("discrete") === "1",
    epoch: Number.isInteger(epoch) && epoch > 0 ? epoch : 0,
    point: Number.isInteger(point) && point >= 0 ? point : null,
  };
}
