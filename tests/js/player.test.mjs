import { test } from "node:test";
import assert from "node:assert/strict";
import { Player } from "../../static/js/core/player.js";

test("a gate may hold a step back: the step stays, and play stops", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const shown = [];
  const player = new Player((index, cause) => shown.push([index, cause]));
  player.setTotal(5, 2);
  player.gate = (index, cause) => !(index === 4 && (cause === "forward" || cause === "play"));
  player.forward();
  assert.equal(player.index, 3);
  assert.equal(player.go(4, "forward"), false);
  assert.equal(player.index, 3);
  assert.equal(player.go(5, "end"), true, "a jump is the gate's to allow");
  player.go(2, "go");
  const playing = [];
  player.onPlayingChange = (on) => playing.push(on);
  player.play();
  for (let i = 0; i < 10; i++) t.mock.timers.tick(1000);
  assert.equal(player.index, 3, "play stopped where the gate held it");
  assert.equal(player.playing, false);
  assert.deepEqual(playing, [true, false]);
  assert.deepEqual(shown.at(-1), [3, "play"]);
});
