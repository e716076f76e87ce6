// The widget's elements: the page's graph card, player, chain rule, variables, program and inspector,
// with the page's classes and data-testid hooks. Parts are found by `data-part` (the page's element
// id), never by id: a notebook may show many widgets, and ids must be unique in a document.
// Fixed markup only: every text that comes from a program goes in as text, by the parts themselves.

const ICONS = {
  start: '<path d="M3 2h2v12H3z M14 2v12L6 8z"/>',
  back: '<path d="M12 2v12L4 8z"/>',
  play: '<path d="M4 2l10 6-10 6z"/>',
  pause: '<path d="M3.5 2h3v12h-3z M9.5 2h3v12h-3z"/>',
  forward: '<path d="M4 2v12l8-6z M12 2h1.6v12H12z"/>',
  end: '<path d="M2 2v12l8-6z M11 2h2v12h-2z"/>',
};
const icon = (name, extra = "") => `<svg class="icon ${extra}" viewBox="0 0 16 16" aria-hidden="true" focusable="false">${ICONS[name]}</svg>`;
const button = (part, label, content, extra = "") =>
  `<button type="button" class="btn btn-icon ${extra}" data-part="${part}" data-testid="${part}" aria-label="${label}" title="${label}">${content}</button>`;

const MARKUP = `
<div class="bpx-layout">
  <div class="bpx-stage">
    <div class="card graph-card" data-part="graph-panel" tabindex="-1">
      <div class="graph-toolbar">
        <button type="button" class="btn btn-fold" data-part="fold-all" data-testid="fold-all" aria-pressed="false"
                title="Fold every named statement into one box, or open them all">Fold all</button>
        <div class="zoom-buttons" role="group" aria-label="Zoom">
          ${button("zoom-in", "Zoom in", "+")}
          ${button("zoom-out", "Zoom out", "−")}
          ${button("zoom-fit", "Fit the whole graph in view", "Fit", "btn-fit")}
        </div>
      </div>
      <svg class="graph" data-part="graph" data-testid="graph" role="group" aria-label="Computation graph"></svg>
      <canvas class="minimap" data-part="minimap" data-testid="minimap" hidden aria-hidden="true"></canvas>
      <div class="graph-empty" data-part="graph-empty">The graph appears here.</div>
      <div class="legend" aria-label="Gradient colour scale">
        <span class="legend-title">gradient</span>
        <svg data-part="legend-bar" class="legend-bar" width="150" height="26" aria-hidden="true"></svg>
      </div>
      <div class="graph-meta" data-part="graph-meta"></div>
    </div>
    <div class="card player" role="group" aria-label="Step through the passes">
      <div class="player-buttons">
        ${button("to-start", "To start", icon("start"))}
        ${button("step-back", "Step back", icon("back"))}
        <button type="button" class="btn btn-icon btn-play" data-part="play" data-testid="play" aria-label="Play" aria-pressed="false"
                title="Play / pause">${icon("play", "icon-play")}${icon("pause", "icon-pause")}</button>
        ${button("step-forward", "Step forward", icon("forward"))}
        ${button("to-end", "To end", icon("end"))}
      </div>
      <div class="scrubber-wrap">
        <div class="scrubber-track" aria-hidden="true"><div class="scrubber-forward" data-part="scrubber-forward"></div></div>
        <input type="range" data-part="scrubber" data-testid="scrubber" min="0" max="0" value="0" step="1" aria-label="Step">
      </div>
      <div class="player-readout">
        <span class="phase" data-part="phase" data-testid="phase" data-phase="start">Start</span>
        <span class="step-counter" data-part="step-counter" data-testid="step-counter">0 / 0</span>
      </div>
      <label class="field-inline speed">
        <span>Speed</span>
        <select data-part="speed" data-testid="speed" aria-label="Playback speed">
          <option value="0.5">0.5×</option><option value="1" selected>1×</option><option value="2">2×</option>
          <option value="4">4×</option><option value="16">16×</option>
        </select>
      </label>
    </div>
  </div>
  <div class="bpx-side">
    <section class="card bpx-mismatches" data-part="mismatches" data-testid="mismatches" aria-label="Your gradients against the engine's" hidden>
      <div class="card-head"><h2>Your gradients differ</h2></div>
      <ul class="bpx-mismatch-list" data-part="mismatch-list"></ul>
    </section>
    <section class="card chain-card" aria-label="Chain rule">
      <div class="card-head"><h2>Chain rule</h2></div>
      <div class="chain-rule" data-part="chain-rule" data-testid="chain-rule"></div>
    </section>
    <section class="card variables-card" aria-label="Variables">
      <div class="card-head"><h2>Variables</h2><span class="hint">a slider recomputes in the kernel</span></div>
      <div class="variables" data-part="variables" data-testid="variables"></div>
      <p class="muted small" data-part="variables-empty">The variables appear here.</p>
    </section>
    <section class="card editor-card" aria-label="Program">
      <div class="card-head"><h2>Program</h2><span class="hint">widget.program</span></div>
      <div class="editor">
        <div class="editor-backdrop" data-part="editor-backdrop" aria-hidden="true"></div>
        <textarea data-part="expression" data-testid="expression" readonly spellcheck="false" rows="6"
                  aria-label="The program on show (set widget.program to change it)"></textarea>
      </div>
      <ul class="warnings" data-part="warnings" data-testid="warnings" aria-label="Warnings about the program" hidden></ul>
      <div class="error" data-part="error" data-testid="error" role="alert" hidden></div>
    </section>
    <section class="card inspector" data-testid="inspector" aria-label="Inspector">
      <div class="card-head"><h2>Inspector</h2></div>
      <div data-part="inspector-body" class="inspector-body">
        <p class="muted">Click a node to see its kind, value, gradient and local derivatives.</p>
      </div>
    </section>
  </div>
</div>
<div class="sr-only" data-part="announcer" data-testid="announcer" aria-live="polite" aria-atomic="true"></div>`;

/** Fill `root` with the widget's elements; the part with the page's id `id` is `part(id)`. */
export function buildMarkup(root) {
  root.innerHTML = MARKUP;
  return (id) => {
    const element = root.querySelector(`[data-part="${id}"]`);
    if (!element) throw new Error(`the widget has no part "${id}"`);
    return element;
  };
}
