// How the room page speaks to the user: a live region for screen readers (people coming and
// going, hands, questions, microphones), a line for refused actions, and one full-page notice
// for the states that replace the room (lobby, ended, removed, refused).

export class Notices {
  /**
   * @param {HTMLElement} root  the room page
   * @param {(name: string, vars?: Record<string, any>) => string} t
   */
  constructor(root, t) {
    this.root = root;
    this.t = t;
    this.announcer = root.querySelector("[data-room-announcer]");
    this.errorLine = root.querySelector("[data-room-error]");
    this.notice = root.querySelector("[data-room-notice]");
  }

  /** Say something to screen readers. */
  announce(text) {
    this.announcer.textContent = "";
    // A fresh node per message, so the same sentence twice is read twice.
    setTimeout(() => {
      this.announcer.textContent = text;
    }, 50);
  }

  showError(text) {
    this.errorLine.textContent = text;
    this.errorLine.hidden = !text;
  }

  /** The server's messages are not in the user's language (the socket has none): say it here. */
  errorText(error) {
    const known = { forbidden: "error_forbidden", rate_limited: "error_rate_limited", not_found: "error_not_found" };
    return this.t(known[error?.code] || "error_generic");
  }

  /**
   * Why a join was refused, in the user's words: a conflict is an ended room, one that is not
   * open yet, or a full one (the room's REST view says which).
   * @param {{code?: string} | undefined} error
   * @param {string} roomId
   */
  async refusalText(error, roomId) {
    // A room the user may not see answers `not_found`, like a missing one.
    const refused = error?.code === "forbidden" || error?.code === "not_found";
    if (error?.code !== "conflict") return this.t(refused ? "error_refused" : "error_generic");
    const response = await fetch(`/api/rooms/${roomId}/`, { headers: { Accept: "application/json" } }).catch(() => null);
    const room = response?.ok ? await response.json() : null;
    const opens = room ? Date.parse(room.starts_at) - 15 * 60 * 1000 : 0;
    if (room?.status === "ended") return this.t("ended");
    if (room?.status === "scheduled" && Date.now() < opens) return this.t("error_not_open");
    return this.t("error_full");
  }

  /**
   * A full-page state: one message, focused for screen readers.
   * @param {string} text
   * @param {{final?: boolean, waiting?: boolean}} [options]
   */
  show(text, { final = false, waiting = false } = {}) {
    this.notice.textContent = text;
    this.notice.hidden = !text;
    this.root.dataset.state = final ? "over" : waiting ? "waiting" : "in";
    if (text) this.notice.focus();
  }
}
