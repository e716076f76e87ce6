// The graph card's height, in pixels, where the page is the window (wide screens): the room its grid
// cell has. Left to the grid, the card would be a stretched grid item, and the browser lays a
// stretched item out again whenever any text beside it changes (the step counter, the chain rule):
// with 1,000 nodes inside, hundreds of milliseconds per step. A card of explicit height is left alone.

/**
 * @param {HTMLElement} card the graph card
 * @param {HTMLElement} stage its grid container (the graph, the player, the explanations)
 * @param {HTMLElement} player the row under the graph
 * @param {MediaQueryList} wide where the page is the window (app.css's min-width: 1000px)
 */
export function keepGraphHeight(card, stage, player, wide) {
  let frame = 0;
  const fit = () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      if (!wide.matches) {
        card.style.height = "";
        return;
      }
      const gap = parseFloat(getComputedStyle(stage).rowGap) || 0;
      const height = Math.max(200, Math.floor(stage.clientHeight - player.offsetHeight - gap));
      if (card.style.height !== `${height}px`) card.style.height = `${height}px`;
    });
  };
  const observer = new ResizeObserver(fit);
  observer.observe(stage);
  observer.observe(player);
  wide.addEventListener("change", fit);
  fit();
}
