// The status line beside the Run button, and the page's overall status on <body data-status>
// (busy | ready | error) for styles and tests.

export class StatusLine {
  /** @param {HTMLElement} text the status line @param {HTMLElement} body the element carrying data-status */
  constructor(text, body) {
    this.text = text;
    this.body = body;
  }

  say(message) {
    this.text.textContent = message;
  }

  busy(on) {
    this.say(on ? "Computing…" : "");
    if (on) this.body.dataset.status = "busy";
    else if (this.body.dataset.status === "busy") this.body.dataset.status = "ready";
  }

  failed() {
    this.body.dataset.status = "error";
  }
}
