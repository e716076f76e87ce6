// The stepping controls: to start, back, play/pause, forward, to end, speed, the scrubber, and the
// readout of the phase and step. They drive a Player and show the step it stands at.

const PHASE_TEXT = { start: "Start", forward: "Forward pass", backward: "Backward pass" };

export class PlayerControls {
  /**
   * @param {import("../core/player.js").Player} player
   * @param {(id: string) => HTMLElement} byId the page's elements by id
   */
  constructor(player, byId) {
    this.player = player;
    this.scrubber = byId("scrubber");
    this.forwardBar = byId("scrubber-forward");
    this.phase = byId("phase");
    this.counter = byId("step-counter");
    this.stepBack = byId("step-back");
    this.stepForward = byId("step-forward");
    const play = byId("play");
    // Disabled while there is no graph to step (a syntax error, before the first answer).
    this.buttons = [byId("to-start"), this.stepBack, play, this.stepForward, byId("to-end"), this.scrubber];

    byId("to-start").addEventListener("click", () => player.toStart());
    this.stepBack.addEventListener("click", () => player.back());
    play.addEventListener("click", () => player.toggle());
    this.stepForward.addEventListener("click", () => player.forward());
    byId("to-end").addEventListener("click", () => player.toEnd());
    this.scrubber.addEventListener("input", () => player.go(Number(this.scrubber.value), "scrub"));
    byId("speed").addEventListener("change", (event) => player.setSpeed(Number(event.target.value)));
    player.onPlayingChange = (playing) => {
      play.setAttribute("aria-pressed", String(playing));
      play.setAttribute("aria-label", playing ? "Pause (space)" : "Play (space)");
    };
  }

  /** A new timeline: the scrubber's range, and how much of it is the forward pass. */
  setTimeline(timeline) {
    const none = timeline.total === 0;
    for (const button of this.buttons) {
      button.disabled = none;
      if (none && button.matches(":focus")) button.blur();
    }
    if (none) this.player.pause?.();
    this.scrubber.max = String(timeline.total);
    this.forwardBar.style.width = `${timeline.total ? (timeline.forwardCount / timeline.total) * 100 : 0}%`;
  }

  /**
   * Show where the timeline stands (a timeline.stateAt state); `failed`: a partial graph, whose
   * forward pass stops at a math error.
   */
  show(state, { failed = false } = {}) {
    const done = state.index === state.total && state.total > 0;
    this.phase.dataset.phase = state.phase;
    this.phase.textContent =
      done && failed ? "Stopped: math error" : done && state.phase === "backward" ? "Backward pass: done" : PHASE_TEXT[state.phase];
    this.phase.classList.toggle("failed", done && failed);
    this.counter.textContent = `${state.index} / ${state.total}`;
    this.scrubber.value = String(state.index);
    this.scrubber.setAttribute("aria-valuetext", `Step ${state.index} of ${state.total}, ${PHASE_TEXT[state.phase]}`);
    // The buttons stay enabled at the ends (a click there is simply a no-op); aria says where we are.
    this.stepBack.setAttribute("aria-disabled", String(state.index === 0));
    this.stepForward.setAttribute("aria-disabled", String(done));
  }
}
