// Find a node by name: the box above the graph selects the node and puts it at the centre of the view.
// findNodes is pure (tested in Node); FindBox is the input around it.

/**
 * The nodes a query names, best first: exact name, then exact id (`n7`), then the name in any case,
 * then names that start with it, then names that contain it; within each, forward (program) order.
 * @param {{nodes: object[]}} graph
 * @param {string} query
 * @returns {string[]} node ids
 */
export function findNodes(graph, query) {
  const wanted = query.trim();
  if (!wanted) return [];
  const lower = wanted.toLowerCase();
  const tiers = [[], [], [], [], []];
  for (const node of graph.nodes) {
    const label = node.label ?? "";
    const name = label.toLowerCase();
    if (label === wanted) tiers[0].push(node.id);
    else if (node.id === wanted) tiers[1].push(node.id);
    else if (label && name === lower) tiers[2].push(node.id);
    else if (label && name.startsWith(lower)) tiers[3].push(node.id);
    else if (label && name.includes(lower)) tiers[4].push(node.id);
  }
  return tiers.flat();
}

/** The names a person can type: every node's label once, in program order. */
export function nodeNames(graph) {
  return [...new Set(graph.nodes.map((n) => n.label).filter(Boolean))];
}

export class FindBox {
  /**
   * @param {HTMLInputElement} input
   * @param {HTMLDataListElement} suggestions the input's datalist (names to pick from)
   * @param {HTMLElement} message where "no node …" and "2 of 5" are said (a live region)
   * @param {(id: string) => void} onFind show this node
   */
  constructor(input, suggestions, message, onFind) {
    this.input = input;
    this.suggestions = suggestions;
    this.message = message;
    this.onFind = onFind;
    this.graph = null;
    this.names = null; // the names listed as suggestions
    this.last = { query: null, index: -1 };
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.find();
      } else if (event.key === "Escape") {
        input.value = "";
        this.say("");
      }
    });
    // The suggestions are made when someone is about to use them: a thousand options made on every
    // run would cost the page as much as drawing what is in view.
    input.addEventListener("focus", () => this.listNames());
    // Picking a name from the list is a find too (the browser fires `input` with the whole name).
    input.addEventListener("input", (event) => {
      this.listNames();
      if (event.inputType === "insertReplacementText" || event.inputType === undefined) this.find();
    });
  }

  setGraph(graph) {
    this.graph = graph;
    this.last = { query: null, index: -1 };
    if (document.activeElement === this.input) this.listNames();
  }

  /** The names of the graph on show as the box's suggestions (a recompute's are the same: kept). */
  listNames() {
    if (!this.graph) return;
    const names = nodeNames(this.graph);
    if (this.names && names.length === this.names.length && names.every((name, i) => name === this.names[i])) return;
    this.names = names;
    const options = names.map((name) => {
      const option = document.createElement("option");
      option.value = name;
      return option;
    });
    this.suggestions.replaceChildren(...options);
  }

  /** Find what the box says; the same query again goes to the next match. */
  find() {
    if (!this.graph) return;
    const query = this.input.value;
    const matches = findNodes(this.graph, query);
    if (!query.trim()) {
      this.say("");
      return;
    }
    if (!matches.length) {
      this.say(`No node is called “${query.trim()}”.`);
      this.input.setAttribute("aria-invalid", "true");
      return;
    }
    this.input.removeAttribute("aria-invalid");
    const index = this.last.query === query ? (this.last.index + 1) % matches.length : 0;
    this.last = { query, index };
    const id = matches[index];
    const node = this.graph.nodes.find((n) => n.id === id);
    this.say(matches.length > 1 ? `${node.label || node.id}: ${index + 1} of ${matches.length} (Enter: next)` : "");
    this.onFind(id);
  }

  say(text) {
    this.message.textContent = text;
    this.message.hidden = text === "";
  }
}
