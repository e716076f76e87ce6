// The explorer's two teaching modes, apart from the drawing: predict mode (before a backward step
// reveals a gradient the learner predicts it; the Player waits) and the `+=` bug (the backward pass
// replayed with gradients set instead of accumulated). Also what a nudge of a variable needs, since the
// gradient it compares with is the mode's. What is on show comes from the Explorer (`host`).

import { setInsteadOfAccumulate } from "../core/bug-replay.js";
import { chainRuleLines } from "../core/chainrule.js";
import { predictionTargets, workedLines } from "../core/prediction.js";
import { buildTimeline, stateAt } from "../core/timeline.js";

/** Steps a prediction may hold back: one step forward, by hand or by play. */
const PREDICTED_CAUSES = new Set(["forward", "play"]);

export class TeachingModes {
  /**
   * @param {object} parts
   * @param {{shown: object|null, opsByName: Map, revealedGradients: () => Set<string>}} parts.host what is
   *   shown (the Explorer)
   * @param {import("../core/player.js").Player} parts.player
   * @param {import("./predict-panel.js").PredictPanel} parts.predict
   * @param {(target: object) => void} [parts.onAsk] a question was asked (the page locks what would answer it)
   */
  constructor({ host, player, predict, onAsk = () => {} }) {
    this.host = host;
    this.onAsk = onAsk;
    this.player = player;
    this.predict = predict;
    this.bugMode = false;
    this.predictMode = false;
    this.answered = new Set(); // questions already answered (or skipped) for the graph on show: `step:node`
    player.gate = (index, cause) => this.allowStep(index, cause);
  }

  /** A new graph (or none): no question stays open about the old one. */
  reset() {
    this.answered.clear();
    this.predict.cancel();
  }

  /** The timeline a step of `shown` is shown from: the `+=` bug's when it is on. */
  timelineOf(shown) {
    if (!this.bugMode || shown.failed) return shown.timeline;
    if (!shown.bugTimeline) {
      shown.bugTimeline = buildTimeline(shown.answer, { labels: shown.labels, bug: setInsteadOfAccumulate(shown.answer) });
    }
    return shown.bugTimeline;
  }

  /** The `+=` bug on or off: the same step, shown from the other timeline. */
  setBugMode(on) {
    this.bugMode = on;
    if (this.host.shown) this.player.go(this.player.index, "mode");
  }

  /** Predict mode on or off. */
  setPredictMode(on) {
    this.predictMode = on;
    this.answered.clear();
    this.predict.setEnabled(on);
    if (this.host.shown) this.player.go(this.player.index, "mode"); // the nudges lock or unlock
  }

  /** Step `index` is about to be shown: a question about another step is moot (a jump, a scrub). */
  stepping(index) {
    if (this.predict.asking && this.predict.target.index !== index + 1) this.predict.cancel();
  }

  /** The next question of step `index` not yet answered, or null. */
  nextQuestion(shown, index) {
    return predictionTargets(shown.timeline, index).find((t) => !this.answered.has(`${t.index}:${t.id}`)) ?? null;
  }

  /** Ask `target`, with the step's title as its context. */
  ask(shown, target) {
    const [title] = chainRuleLines(shown.timeline, stateAt(shown.timeline, target.index), this.host.opsByName);
    this.predict.ask(target, title.text);
    this.onAsk(target);
  }

  /**
   * The Player's gate: may it move to step `index`? In predict mode one step forward into a step that
   * reveals gradients waits for the learner's predictions first, one input of the step at a time.
   */
  allowStep(index, cause) {
    const shown = this.host.shown;
    if (!this.predictMode || !shown || !PREDICTED_CAUSES.has(cause)) return true;
    if (index !== this.player.index + 1) return true;
    const target = this.nextQuestion(shown, index);
    if (!target) return true;
    this.ask(shown, target);
    return false;
  }

  /** The learner answered (or skipped, `guess` null): judge it, work it out, ask the next or show the step. */
  predicted(target, guess) {
    const shown = this.host.shown;
    if (!shown) return;
    this.answered.add(`${target.index}:${target.id}`);
    this.predict.showResult(target, guess, workedLines(shown.timeline, target, this.host.opsByName));
    const next = this.nextQuestion(shown, target.index);
    if (next) this.ask(shown, next);
    else this.player.go(target.index, "forward");
  }

  /**
   * Is variable `name`'s gradient kept from the learner (predict mode, and the backward pass has not
   * revealed all of it yet)? Its nudge then stays locked: the nudge would print the very gradient.
   */
  locked(name) {
    if (!this.predictMode) return false;
    const shown = this.host.shown;
    const node = shown?.answer.nodes.find((n) => n.kind === "variable" && n.label === name);
    return Boolean(node) && !this.host.revealedGradients().has(node.id);
  }

  /**
   * What a nudge of variable `name` needs: the request on show, the variable's node, the output's
   * value, and the gradient the page shows for it at the end (the bug's with the bug on).
   */
  nudgeContext(name) {
    const shown = this.host.shown;
    if (!shown || shown.failed || this.locked(name)) return null;
    const node = shown.answer.nodes.find((n) => n.kind === "variable" && n.label === name);
    if (!node) return null;
    const timeline = this.timelineOf(shown);
    const grad = timeline.finalGrads ? timeline.finalGrads.get(node.id) : node.grad;
    return { body: shown.body, node, value: shown.answer.value, grad, outputName: shown.labels.get(shown.answer.output) };
  }
}
