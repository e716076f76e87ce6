// The Train view's lab parts beside the run: the diagnosis (a frame's warnings in words), the scrubber
// that looks back over the frames received (and "Live" back to the latest), and the dataset's
// recommended settings, offered in one click with a note when the form is far from them.

import { diagnosis, farFromRecommended } from "../core/train-lab.js";

export class LabPanel {
  /**
   * @param {(id: string) => HTMLElement} $ the page's elements by id
   * @param {object} listeners
   * @param {(index: number | null) => void} listeners.onLook a frame to look at (null: live)
   * @param {() => void} listeners.onRecommended use the dataset's recommended settings
   */
  constructor($, { onLook, onRecommended }) {
    this.diagnosisBox = $("train-diagnosis");
    this.scrubber = $("train-scrubber");
    this.live = $("train-live");
    this.lookText = $("train-look-text");
    this.note = $("train-recommended-note");
    this.useRecommended = $("train-recommended");
    this.scrubber.addEventListener("input", () => {
      const index = Number(this.scrubber.value);
      onLook(index >= Number(this.scrubber.max) ? null : index);
    });
    this.live.addEventListener("click", () => onLook(null));
    this.useRecommended.addEventListener("click", () => onRecommended());
    this.shownDiagnosis = "";
  }

  /** The scrubber over `count` frames, at `index` (null: live, at the latest), and the epoch on show. */
  showScrubber(count, index, epoch, latest) {
    const max = Math.max(0, count - 1);
    this.scrubber.max = String(max);
    this.scrubber.value = String(index ?? max);
    this.scrubber.disabled = count < 2;
    this.scrubber.setAttribute("aria-valuetext", index === null ? `live, epoch ${epoch}` : `epoch ${epoch} of ${latest}`);
    this.scrubber.dataset.frames = String(count);
    this.scrubber.dataset.epoch = String(epoch);
    this.live.disabled = index === null;
    this.live.setAttribute("aria-pressed", String(index === null));
    this.lookText.textContent = index === null ? "" : `epoch ${epoch} (latest ${latest})`;
    this.lookText.closest(".train-look")?.classList.toggle("looking-back", index !== null);
  }

  /**
   * What is wrong at the frame on show, in words (the server's warnings), or that the run diverged
   * (a math error is the error box's); nothing to say is said too, so the box never reads as stale.
   * `looking`: the epoch looked back at (null: live); the words are then that epoch's alone.
   */
  showDiagnosis(warnings, session, looking = null) {
    const items = diagnosis(warnings);
    if (looking === null && session.status === "diverged" && !items.some((item) => item.code === "diverged")) {
      items.push({ code: "diverged", text: session.error?.message ?? "The loss diverged." });
    }
    const key = JSON.stringify([items, looking, Boolean(session.run && session.epoch > 0)]);
    if (key === this.shownDiagnosis) return;
    this.shownDiagnosis = key;
    const box = this.diagnosisBox;
    box.dataset.codes = items.map((item) => item.code).join(" ");
    box.classList.toggle("has-warnings", items.length > 0);
    if (!items.length) {
      if (looking !== null) box.textContent = `Diagnosis at epoch ${looking}: nothing wrong seen.`;
      else box.textContent = session.run && session.epoch > 0 ? "Diagnosis: nothing wrong seen so far." : "";
      return;
    }
    box.replaceChildren(
      ...items.map((item) => {
        const line = document.createElement("p");
        line.className = "train-warning";
        line.dataset.code = item.code;
        const head = document.createElement("strong");
        head.textContent = TITLES[item.code] ?? item.code.replace(/_/g, " ");
        line.append(head, ` ${item.text}`);
        return line;
      }),
    );
  }

  /** The dataset's recommended settings (null: none known) against the form's settings. */
  showRecommended(settings, recommended) {
    const box = this.useRecommended.parentElement;
    box.hidden = !recommended || !settings;
    if (box.hidden) return;
    const far = farFromRecommended(settings, recommended);
    box.classList.toggle("far", far.length > 0);
    box.dataset.far = String(far.length > 0);
    this.useRecommended.textContent = `Use ${settings.dataset}'s recommended settings`;
    this.useRecommended.disabled = far.length === 0 && sameRecommended(settings, recommended);
    this.note.textContent = far.length
      ? `Far from what trains ${settings.dataset} well: ${far.join(", ")}.`
      : `Close to ${settings.dataset}'s recommended settings.`;
  }
}

const TITLES = { dead_units: "Dead units.", diverged: "Diverged.", stalled: "Stalled." };

function sameRecommended(settings, recommended) {
  return Object.entries(recommended).every(([field, value]) => settings[field] === value);
}
