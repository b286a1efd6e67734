// The side panels of the room page: who is here, raised hands, the question queue and the
// lobby. Pure rendering from the page's state; every button calls back into room.js, which
// sends the frame. Text is always set with textContent (never HTML).

/**
 * @typedef {{id: number, name: string, role: string}} UserInfo
 * @typedef {{peer_id: string, user: UserInfo, role: string, publish: boolean}} PeerInfo
 * @typedef {{user: UserInfo, raised_at: string}} Hand
 * @typedef {{id: number, author: UserInfo, body: string, votes: number, voted: boolean, answered: boolean, created_at: string}} QuestionInfo
 */

/**
 * @param {string} text
 * @param {string} className
 * @param {() => void} onClick
 * @param {string} [ariaLabel]  when the visible text alone would be ambiguous in a list
 */
function button(text, className, onClick, ariaLabel) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = `button button--small ${className}`;
  element.textContent = text;
  if (ariaLabel) element.setAttribute("aria-label", ariaLabel);
  element.addEventListener("click", onClick);
  return element;
}

function line(className, text) {
  const element = document.createElement("span");
  element.className = className;
  element.textContent = text;
  return element;
}

/** Questions still open first, most votes first, then oldest first. */
export function sortQuestions(questions) {
  return [...questions].sort(
    (a, b) =>
      Number(a.answered) - Number(b.answered) ||
      b.votes - a.votes ||
      Date.parse(a.created_at) - Date.parse(b.created_at) ||
      a.id - b.id,
  );
}

export class Panels {
  /**
   * @param {HTMLElement} root
   * @param {(name: string, vars?: Record<string, string | number>) => string} t
   * @param {Record<string, (...args: any[]) => void>} actions  stage, mute, remove, admit, vote, answer
   */
  constructor(root, t, actions) {
    this.t = t;
    this.actions = actions;
    this.people = root.querySelector("[data-room-people]");
    this.peopleCount = root.querySelector("[data-room-people-count]");
    this.hands = root.querySelector("[data-room-hands]");
    this.handsEmpty = root.querySelector("[data-room-hands-empty]");
    this.questions = root.querySelector("[data-room-questions]");
    this.questionsEmpty = root.querySelector("[data-room-questions-empty]");
    this.lobby = root.querySelector("[data-room-lobby]");
    this.lobbyList = root.querySelector("[data-room-lobby-list]");
  }

  roleLabel(role) {
    return this.t(role === "host" ? "role_host" : role === "stage" ? "role_stage" : "role_audience");
  }

  /**
   * The people present, one line per user (a user may have two tabs, so two peers).
   * @param {{peers: PeerInfo[], me: {id: number, role: string}, isHost: boolean, raised: Set<number>}} state
   */
  renderPeople({ peers, me, isHost, raised }) {
    const users = new Map();
    for (const peer of peers) if (!users.has(peer.user.id)) users.set(peer.user.id, peer);
    const rank = (peer) => (peer.role === "host" ? 0 : peer.role === "stage" ? 1 : 2);
    const sorted = [...users.values()].sort((a, b) => rank(a) - rank(b) || a.user.name.localeCompare(b.user.name));
    const items = sorted.map((peer) => {
      const item = document.createElement("li");
      item.className = "room-person";
      item.dataset.userId = String(peer.user.id);
      const mine = peer.user.id === me.id;
      const name = line("room-person__name", mine ? this.t("you", { name: peer.user.name }) : peer.user.name);
      const role = line("room-person__role", this.roleLabel(peer.role));
      item.append(name, role);
      if (raised.has(peer.user.id)) item.append(line("room-person__hand", this.t("hand_raised")));
      if (isHost && !mine && peer.role !== "host") {
        const controls = document.createElement("span");
        controls.className = "room-person__actions";
        const who = { name: peer.user.name };
        if (peer.role === "stage") {
          controls.append(
            button(this.t("off_stage"), "room-person__stage", () => this.actions.stage(peer.user, false), this.t("off_stage_named", who)),
            button(this.t("ask_mute"), "room-person__mute", () => this.actions.mute(peer.user, "audio"), this.t("ask_mute_named", who)),
            button(this.t("ask_camera_off"), "room-person__mute", () => this.actions.mute(peer.user, "video"), this.t("ask_camera_off_named", who)),
          );
        } else {
          controls.append(button(this.t("on_stage"), "room-person__stage", () => this.actions.stage(peer.user, true), this.t("on_stage_named", who)));
        }
        controls.append(button(this.t("remove"), "room-person__remove", () => this.actions.remove(peer.user), this.t("remove_named", who)));
        item.append(controls);
      }
      return item;
    });
    this.people.replaceChildren(...items);
    this.peopleCount.textContent = this.t("people_count", { count: users.size });
  }

  /**
   * Raised hands in raise order; the host can bring each person on stage.
   * @param {{hands: Hand[], isHost: boolean, roles: Map<number, string>}} state
   */
  renderHands({ hands, isHost, roles }) {
    const items = hands.map((hand, index) => {
      const item = document.createElement("li");
      item.className = "room-hand";
      item.dataset.userId = String(hand.user.id);
      item.append(line("room-hand__order", `${index + 1}.`), line("room-hand__name", hand.user.name));
      if (isHost && roles.get(hand.user.id) === "audience") {
        item.append(button(this.t("on_stage"), "room-hand__stage", () => this.actions.stage(hand.user, true), this.t("on_stage_named", { name: hand.user.name })));
      }
      return item;
    });
    this.hands.replaceChildren(...items);
    this.handsEmpty.hidden = hands.length > 0;
  }

  /**
   * The question queue, sorted; one upvote per person, the host marks questions answered.
   * @param {{questions: QuestionInfo[], isHost: boolean, voted: Set<number>, meId: number}} state
   */
  renderQuestions({ questions, isHost, voted, meId }) {
    const items = sortQuestions(questions).map((question) => {
      const item = document.createElement("li");
      item.className = "room-question";
      item.dataset.questionId = String(question.id);
      item.classList.toggle("room-question--answered", question.answered);
      const body = document.createElement("p");
      body.className = "room-question__body";
      body.textContent = question.body;
      const meta = document.createElement("p");
      meta.className = "room-question__meta";
      const mine = question.author.id === meId;
      meta.append(line("room-question__author", mine ? this.t("you", { name: question.author.name }) : question.author.name));
      meta.append(line("room-question__votes", this.t("votes", { count: question.votes })));
      if (question.answered) meta.append(line("room-question__answered", this.t("answered")));
      const actions = document.createElement("div");
      actions.className = "room-question__actions";
      const hasVoted = voted.has(question.id);
      // One vote per person, and not for one's own question (the server refuses both).
      if (!question.answered && !mine) {
        const vote = button(
          hasVoted ? this.t("voted") : this.t("vote"),
          "room-question__vote",
          () => this.actions.vote(question),
          this.t(hasVoted ? "voted_named" : "vote_named", { name: question.author.name, count: question.votes }),
        );
        vote.setAttribute("aria-pressed", String(hasVoted));
        vote.disabled = hasVoted;
        actions.append(vote);
      }
      if (!question.answered && isHost) {
        actions.append(button(this.t("mark_answered"), "room-question__answer", () => this.actions.answer(question)));
      }
      item.append(body, meta, actions);
      return item;
    });
    this.questions.replaceChildren(...items);
    this.questionsEmpty.hidden = questions.length > 0;
  }

  /**
   * The host's lobby: people waiting to be let in.
   * @param {{waiting: UserInfo[], isHost: boolean}} state
   */
  renderLobby({ waiting, isHost }) {
    if (!this.lobby) return;
    this.lobby.hidden = !isHost || waiting.length === 0;
    const items = waiting.map((user) => {
      const item = document.createElement("li");
      item.className = "room-person";
      item.dataset.userId = String(user.id);
      item.append(line("room-person__name", user.name));
      item.append(button(this.t("admit"), "button--primary room-person__admit", () => this.actions.admit(user), this.t("admit_named", { name: user.name })));
      return item;
    });
    this.lobbyList.replaceChildren(...items);
  }
}
