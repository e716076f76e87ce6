// The Example menu (GET /api/examples): choosing one puts its program in the editor; editing the text
// makes it no longer the chosen example.

export class ExamplesMenu {
  /**
   * @param {HTMLSelectElement} select
   * @param {HTMLElement} description the chosen example's one-line description
   * @param {HTMLTextAreaElement} textarea the editor's text
   * @param {(example: object) => void} onChoose
   */
  constructor(select, description, textarea, onChoose) {
    this.select = select;
    this.description = description;
    this.onChoose = onChoose;
    this.examples = [];
    select.addEventListener("change", () => this.choose(select.value));
    textarea.addEventListener("input", () => {
      select.value = "";
      description.textContent = "";
    });
  }

  setExamples(examples) {
    this.examples = examples ?? [];
    for (const example of this.examples) {
      const option = document.createElement("option");
      option.value = example.id;
      option.textContent = example.title;
      this.select.append(option);
    }
  }

  /** No example chosen (the program came from elsewhere: a link). */
  unselect() {
    this.select.value = "";
    this.description.textContent = "";
  }

  find(id) {
    return this.examples.find((e) => e.id === id);
  }

  get first() {
    return this.examples[0] ?? null;
  }

  /** Show an example as chosen and hand it on. */
  choose(id) {
    const example = this.find(id);
    if (!example) return;
    this.select.value = example.id;
    this.description.textContent = example.description ?? "";
    this.onChoose(example);
  }
}
