// The page's keys: Ctrl/Cmd+Enter runs; ← → space Home End step the timeline unless a text field or
// a modifier has them.

function isTextField(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === "TEXTAREA" || tag === "INPUT" || tag === "SELECT";
}

/**
 * @param {EventTarget} target where keys are listened to (the document)
 * @param {{run: () => void, player: import("../core/player.js").Player, active?: () => boolean}} actions
 *   active: whether the explorer is on show (its keys do nothing while the Train view is)
 */
export function wireKeyboard(target, { run, player, active = () => true }) {
  target.addEventListener("keydown", (event) => {
    if (!active()) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey || isTextField(event.target)) return;
    const onButton = event.target instanceof HTMLButtonElement;
    switch (event.key) {
      case "ArrowRight":
        player.forward();
        break;
      case "ArrowLeft":
        player.back();
        break;
      case " ":
        if (onButton) return; // a focused button's own activation
        player.toggle();
        break;
      case "Home":
        player.toStart();
        break;
      case "End":
        player.toEnd();
        break;
      default:
        return;
    }
    event.preventDefault();
  });
}
