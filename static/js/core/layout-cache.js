// Layouts kept per graph structure: the same program with other values (a slider, a typed number)
// has the same structure and is never laid out again. Pure: no DOM.

/**
 * A string that is equal for two views exactly when they lay out the same: the same drawn nodes in
 * the same order (id, kind, label, op, foldable, folded or not) and the same edges. Values and gradients are
 * not part of it.
 * @param {{nodes: object[], edges: object[]}} view collapse.js's collapsedView
 */
export function structureKey(view) {
  const parts = [];
  for (const n of view.nodes) parts.push(`${n.id}\u0001${n.kind}\u0001${n.label ?? ""}\u0001${n.op ?? ""}\u0001${n.foldable ? "f" : ""}${n.collapsed ? n.members : ""}`);
  parts.push("");
  for (const e of view.edges) parts.push(`${e.key}\u0001${e.source}\u0001${e.target}`);
  return parts.join("\u0000");
}

/**
 * The layout options in the cache key: the names drawn (they size the label cells) and any spacing.
 * @param {{labels?: Map<string, string>}} options layoutGraph's
 */
export function optionsKey({ labels = null, ...rest } = {}) {
  const named = labels ? [...labels].map(([id, label]) => `${id}\u0001${label}`).join("\u0000") : "";
  return `${JSON.stringify(rest, Object.keys(rest).sort())}\u0002${named}`;
}

/** A small least-recently-used map: the last few layouts, for going back and forth between programs. */
export class LayoutCache {
  constructor(limit = 8) {
    this.limit = limit;
    this.entries = new Map();
  }

  get(key) {
    const layout = this.entries.get(key);
    if (layout === undefined) return null;
    this.entries.delete(key); // most recently used goes last
    this.entries.set(key, layout);
    return layout;
  }

  set(key, layout) {
    this.entries.delete(key);
    this.entries.set(key, layout);
    while (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value);
  }

  get size() {
    return this.entries.size;
  }
}
