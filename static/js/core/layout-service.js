// Where a layout comes from: the cache when this structure was laid out before, the page's own thread
// for small graphs (a few milliseconds: not worth a message), and otherwise the layout worker
// (layout-worker.js), so a 1,000-node graph never freezes the page. If the worker cannot be had or
// fails, the page's thread does the work: slower, never wrong.

import { LayoutCache, optionsKey, structureKey } from "./layout-cache.js";
import { layoutGraph, OWN_LAYOUT_ABOVE, unpackLayout } from "./layout.js";

/** Graphs up to this many drawn nodes are laid out at once, on the page's thread. */
export const INLINE_LAYOUT_LIMIT = 150;

/** The cache key: the drawn structure and the options it is laid out with. */
const layoutKey = (view, options) => `${structureKey(view)}\u0003${optionsKey(options)}`;

/**
 * Only what the layout reads: the numbers stay behind, the message stays small. With nothing folded
 * the edges are the answer's own, which the worker works out from the nodes (layout.js's graphEdges)
 * faster than they are copied over.
 */
function structureOnly(view) {
  const nodes = view.nodes.map(({ id, kind, label, op, inputs, foldable, collapsed, members }) => ({ id, kind, label, op, inputs, foldable, collapsed, members }));
  const folded = nodes.some((node) => node.collapsed);
  return folded ? { nodes, edges: view.edges, forward: view.forward } : { nodes, forward: view.forward };
}

export class LayoutService {
  /**
   * @param {object} options
   * @param {object} options.dagre the dagre module, for layouts on this thread
   * @param {(() => Worker) | null} [options.createWorker] makes the worker; null: always this thread
   * @param {number} [options.inlineLimit]
   * @param {LayoutCache} [options.cache]
   * @param {() => string} [options.direction] the way the layers go for the drawing as it is now
   *   ("LR" or "TB"): every layout asked for is laid out so, unless its options say otherwise
   */
  constructor({ dagre, createWorker = null, inlineLimit = INLINE_LAYOUT_LIMIT, cache = new LayoutCache(), direction = () => "LR" }) {
    this.dagre = dagre;
    this.direction = direction;
    this.createWorker = createWorker;
    this.inlineLimit = inlineLimit;
    this.cache = cache;
    this.worker = null; // dagre's layouts
    this.quickWorker = null; // the quick layouts shown meanwhile
    this.pending = new Map(); // structure key → {resolve, reject, promise}
    this.nextId = 0;
    this.ids = new Map(); // message id → structure key
    // How each layout was had; the page publishes it for tests and the benchmark (as __bpx_layoutStats).
    this.stats = { inline: 0, worker: 0, cached: 0 };
  }

  /** `options` with the direction the drawing wants now, when they name none. */
  oriented(options) {
    return options.direction ? options : { ...options, direction: this.direction() };
  }

  /**
   * The layout of `view` with layoutGraph's `options` (the names drawn, spacing) if it is cached, or
   * small enough to make now; else null.
   */
  now(view, options = {}, key = null) {
    options = this.oriented(options);
    key ??= layoutKey(view, options);
    const cached = this.cache.get(key);
    if (cached) {
      this.stats.cached += 1;
      return cached;
    }
    if (view.nodes.length > this.inlineLimit && this.workerReady()) return null;
    return this.inline(view, options, key);
  }

  /**
   * The layout of `view`: at once when cached or small, otherwise from the worker. Meanwhile the
   * worker's quick layout (layout.js's layeredLayout) goes to `onQuick`, for the page to show until
   * dagre's is there; a graph of more than OWN_LAYOUT_ABOVE nodes gets layeredLayout as its layout,
   * as soon as a quick one would come: no quick one first.
   */
  layout(view, options = {}, onQuick = null) {
    options = this.oriented(options);
    const key = layoutKey(view, options);
    const ready = this.now(view, options, key);
    if (ready) return Promise.resolve(ready);
    const waiting = this.pending.get(key);
    if (waiting) {
      if (onQuick) waiting.onQuick = onQuick; // the newest asker sees it (if it is not past already)
      return waiting.promise;
    }
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const id = ++this.nextId;
    this.pending.set(key, { resolve, reject, promise, view, options, onQuick });
    this.ids.set(id, key);
    const graph = structureOnly(view);
    // The quick layout in a worker of its own: dagre's starts at once beside it (two cores, two threads).
    const quick = onQuick !== null && view.nodes.length <= OWN_LAYOUT_ABOVE;
    const quickHere = quick && !this.quickWorker;
    if (quick && this.quickWorker) this.quickWorker.postMessage({ id, graph, options, phases: ["quick"] });
    this.worker.postMessage({ id, graph, options, phases: quickHere ? ["quick", "final"] : ["final"] });
    return promise;
  }

  /**
   * The page kept the layout on show for a recompute of the same structure (new values): counted as
   * a layout had from the cache, which is what it is, without working out the structure's key.
   */
  reused() {
    this.stats.cached += 1;
  }

  /** Start the workers ahead of the first big graph (they load dagre), so that one does not wait. */
  warmUp() {
    this.workerReady();
  }

  workerReady() {
    if (this.worker) return true;
    if (!this.createWorker) return false;
    try {
      this.worker = this.createWorker();
    } catch {
      this.createWorker = null;
      return false;
    }
    this.worker.onmessage = ({ data }) => this.received(data);
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      this.workerFailed();
    };
    try {
      this.quickWorker = this.createWorker();
      this.quickWorker.onmessage = ({ data }) => this.received(data);
      this.quickWorker.onerror = (event) => {
        event.preventDefault?.();
        this.quickWorker?.terminate?.(); // quick layouts are a nicety: dagre's worker does without
        this.quickWorker = null;
      };
    } catch {
      this.quickWorker = null;
    }
    return true;
  }

  received({ id, phase, layout, error }) {
    const key = this.ids.get(id);
    const waiting = this.pending.get(key);
    if (phase === "quick") {
      // Only while dagre's is still on its way: a quick layout arriving after it is of no use.
      if (layout) waiting?.onQuick?.(unpackLayout(layout));
      return;
    }
    this.ids.delete(id);
    if (!waiting) return;
    this.pending.delete(key);
    if (error !== undefined) {
      // The worker could not lay it out; this thread tries (and reports a real error if it is one).
      try {
        waiting.resolve(this.inline(waiting.view, waiting.options, key));
      } catch (inlineError) {
        waiting.reject(inlineError);
      }
      return;
    }
    this.stats.worker += 1;
    const unpacked = unpackLayout(layout);
    this.cache.set(key, unpacked);
    waiting.resolve(unpacked);
  }

  /** The worker is gone (it did not load, or crashed): everything it owed is laid out here. */
  workerFailed() {
    this.worker?.terminate?.();
    this.worker = null;
    this.quickWorker?.terminate?.();
    this.quickWorker = null;
    this.createWorker = null;
    const owed = [...this.pending.entries()];
    this.pending.clear();
    this.ids.clear();
    for (const [key, waiting] of owed) {
      try {
        waiting.resolve(this.inline(waiting.view, waiting.options, key));
      } catch (error) {
        waiting.reject(error);
      }
    }
  }

  inline(view, options, key) {
    const layout = layoutGraph(view, this.dagre, options);
    this.stats.inline += 1;
    this.cache.set(key, layout);
    return layout;
  }
}
