// The Train view as a lab: how far the settings are from a dataset's recommended ones (GET
// /api/datasets' `recommended`), what a frame's warnings say and which units they name, the hidden
// units laid out layer by layer with the parameters that belong to each, and numbers short enough for
// the readouts at any magnitude, and the status line, which names the epoch on show (looking back or
// live). Pure: no DOM.

/** The fields a dataset's `recommended` body sets (the rest of the settings stay as they are). */
export const RECOMMENDED_FIELDS = ["preset", "hidden", "activation", "learning_rate", "epochs"];

/** A learning rate this many times the recommended one, or this fraction of it, is far from it. */
const RATE_FACTOR = 4;

/**
 * The catalogue's recommended body for `dataset` (null when it gives none), with the number of points it
 * means: the body leaves them to its preset (the catalogue's `presets` say how many), and its figures
 * were measured with them.
 */
export function recommendedFor(catalog, dataset) {
  const recommended = catalog?.datasets?.find((d) => d.name === dataset)?.recommended ?? null;
  const points = catalog?.presets?.find((p) => p.name === recommended?.preset)?.points;
  return recommended && points !== undefined ? { ...recommended, points } : recommended;
}

/** The settings with the dataset's recommended ones (points included) applied: dataset, seed, test set and noise stay. */
export function withRecommended(settings, recommended) {
  const next = { ...settings };
  for (const field of [...RECOMMENDED_FIELDS, "points"]) if (recommended[field] !== undefined) next[field] = recommended[field];
  return next;
}

/**
 * How the settings are far from the recommended ones, one phrase each (empty when close enough): another
 * preset or activation, under half the hidden units, a learning rate more than 4× off either way, under
 * half the epochs. Close is not equal: a teacher's small changes are not pointed at.
 */
export function farFromRecommended(settings, recommended) {
  if (!settings || !recommended) return [];
  const far = [];
  if (recommended.preset !== undefined && settings.preset !== recommended.preset) {
    far.push(`preset ${settings.preset} (recommended: ${recommended.preset})`);
  }
  if (recommended.activation !== undefined && settings.activation !== recommended.activation) {
    far.push(`activation ${settings.activation} (recommended: ${recommended.activation})`);
  }
  if (recommended.hidden !== undefined && settings.hidden * 2 <= recommended.hidden) {
    far.push(`${settings.hidden} hidden units (recommended: ${recommended.hidden})`);
  }
  const rate = settings.learning_rate / recommended.learning_rate;
  if (recommended.learning_rate !== undefined && (rate >= RATE_FACTOR || rate <= 1 / RATE_FACTOR)) {
    far.push(`learning rate ${settings.learning_rate} (recommended: ${recommended.learning_rate})`);
  }
  if (recommended.epochs !== undefined && settings.epochs * 2 <= recommended.epochs) {
    far.push(`${settings.epochs} epochs (recommended: ${recommended.epochs})`);
  }
  return far;
}

/** The hidden units a frame's `dead_units` warnings name. */
export function deadUnits(warnings) {
  const dead = new Set();
  for (const warning of warnings ?? []) {
    if (warning.code === "dead_units") for (const name of warning.units ?? []) dead.add(name);
  }
  return dead;
}

/** A frame's warnings as the diagnosis says them: one `{code, text}` a warning; none when all is well. */
export function diagnosis(warnings) {
  return (warnings ?? []).map((warning) => ({ code: warning.code, text: warning.message }));
}

/** A hidden unit's name → [layer, unit] by its last two numbers (`h1_3` → [1, 3]), or null. */
export function unitPosition(name) {
  const match = /(\d+)_(\d+)$/.exec(name);
  return match ? [Number(match[1]), Number(match[2])] : null;
}

/**
 * The units' pictures laid out as the network is: `[{layer, names}]`, layers in order, units in
 * order within each. Names without a layer's numbers go last, as one group, in the order given.
 */
export function unitLayers(names) {
  const layers = new Map();
  const other = [];
  for (const name of names) {
    const position = unitPosition(name);
    if (!position) {
      other.push(name);
      continue;
    }
    if (!layers.has(position[0])) layers.set(position[0], []);
    layers.get(position[0]).push({ name, unit: position[1] });
  }
  const result = [...layers.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([layer, units]) => ({ layer, names: units.sort((a, b) => a.unit - b.unit).map((u) => u.name) }));
  if (other.length) result.push({ layer: null, names: other });
  return result;
}

/**
 * The parameters that belong to a hidden unit (layer k, unit j): its incoming weights `l{k}_w{i}_{j}`,
 * its bias `l{k}_b{j}` and its outgoing weights `l{k+1}_w{j}_{m}`, among the model's `names`.
 */
export function unitParameters(unit, names) {
  const position = unitPosition(unit);
  if (!position) return [];
  const [k, j] = position;
  const incoming = new RegExp(`^l${k}_w\\d+_${j}$`);
  const outgoing = new RegExp(`^l${k + 1}_w${j}_\\d+$`);
  return names.filter((name) => incoming.test(name) || name === `l${k}_b${j}` || outgoing.test(name));
}

/**
 * A number short enough for a readout's box at any magnitude: at most 4 significant digits, an
 * exponent (2 significant) from 10⁴ up and under 10⁻³ — `0.6931`, `57.35`, `4.6e13`, `1.2e-5`.
 */
export function shortNumber(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return "—";
  if (x === Infinity) return "∞";
  if (x === -Infinity) return "−∞";
  if (x === 0) return "0";
  const magnitude = Math.abs(x);
  if (magnitude >= 1e4 || magnitude < 1e-3) {
    const [mantissa, exponent] = x.toExponential(1).split("e");
    return `${mantissa.replace(/\.0$/, "")}e${Number(exponent)}`;
  }
  return String(Number(x.toPrecision(4)));
}

/** What the run itself is doing, as the status line says it at its latest epoch. */
function runText(status, epoch, retrySeconds) {
  switch (status) {
    case "loading":
      return "Loading the points…";
    case "ready":
      return "Ready: Start, or Step one epoch";
    case "running":
      return "Training…";
    case "waiting":
      return `The server is busy: asking again in ${retrySeconds ?? 2} s…`;
    case "stepping":
      return "One epoch…";
    case "replaying":
      return "Training to the link's epoch…";
    case "paused":
      return `Stopped at epoch ${epoch}`;
    case "done":
      return `Done: ${epoch} epochs`;
    case "failed":
      return `Stopped at epoch ${epoch}: the numbers left the reals`;
    case "diverged":
      return `Stopped at epoch ${epoch}: the loss diverged`;
    default:
      return "";
  }
}

/** How the run stands at its latest epoch, said after "latest N" while looking back. */
const LATEST_STATE = {
  running: ", still training",
  stepping: ", one epoch on its way",
  replaying: ", still training to the link's epoch",
  waiting: ", the server is busy",
  paused: " (stopped)",
  done: " (done)",
  failed: " (stopped: the numbers left the reals)",
  diverged: " (stopped: the loss diverged)",
};

/**
 * The Train view's status line. `run`: the session's status (training-session.js), its latest epoch and
 * a busy server's retry delay in seconds; `looking`: the epoch looked back at (null: live). Looking
 * back, the line names the epoch on show first, then the latest and how the run stands there, so no
 * part of the view says another epoch than the one it shows.
 */
export function trainStatusText({ status, epoch, retrySeconds = null }, looking = null) {
  if (looking === null || looking === undefined || looking === epoch) return runText(status, epoch, retrySeconds);
  return `Looking back at epoch ${looking} — latest ${epoch}${LATEST_STATE[status] ?? ""}; Live returns`;
}

/** The progress bar's words: the epoch on show of the run's total, and the latest when looking back. */
export function progressText(epoch, total, latest = null) {
  return latest === null || latest === epoch ? `epoch ${epoch} of ${total}` : `epoch ${epoch} of ${total}, looking back (latest ${latest})`;
}
