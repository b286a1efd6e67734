// A participant's live event page: joins `event:<id>` on the tab's socket and keeps the page
// in step with the server's clock (docs/protocol.md, "Events"). The page arrives rendered in
// its present state (events/templates/events/detail.html); this script renders the same parts
// again on every push: whom you meet, the table or the video room, the countdown, what comes
// next, the break's feedback form, a pause, an announcement, the end.
import { socket } from "backstage/shell.js";

const root = document.querySelector("[data-event-live]");
const config = JSON.parse(document.getElementById("event-config").textContent);
const labels = JSON.parse(document.getElementById("event-labels").textContent);
const $ = (selector) => root.querySelector(selector);
const isStudent = config.role === "student";
const lang = document.documentElement.lang || "en";
const timeFormat = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hour12: false });

/** A label with %(name)s placeholders filled in. */
function t(name, vars = {}) {
  return (labels[name] || "").replace(/%\((\w+)\)s/g, (_, key) => String(vars[key] ?? ""));
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const page = {
  state: config.state,
  pairing: config.pairing,
  next: config.next,
  /** round -> {round, name, rated}: the meetings a student had, for the end's feedback links */
  meetings: new Map((config.meetings || []).map((item) => [item.round, item])),
  /** server clock minus local clock, in ms: the countdown reads the server's time */
  offset: 0,
  /** seconds left while paused (the clock stands still) */
  remaining: config.state.remaining_seconds ?? null,
  resyncTimer: null,
  zeroSince: 0,
};

function noteServerTime(serverTime) {
  const server = Date.parse(serverTime || "");
  if (!Number.isNaN(server)) page.offset = server - Date.now();
}

function stage() {
  const { status, phase } = page.state;
  if (status === "draft") return "before";
  if (status === "ended") return "ended";
  if (phase === "break") return "break";
  return page.pairing ? "meeting" : "sitout";
}

function secondsLeft() {
  if (page.state.status === "paused") return page.remaining;
  if (page.state.status !== "live" || !page.state.phase_ends_at) return null;
  const ends = Date.parse(page.state.phase_ends_at);
  return Math.max(0, Math.ceil((ends - (Date.now() + page.offset)) / 1000));
}

function clockText(seconds) {
  const minutes = Math.floor(seconds / 60);
  return `${String(minutes).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
}

/** The local time (the reader's clock, corrected) at which the current phase ends. */
function endsAtText() {
  const ends = Date.parse(page.state.phase_ends_at || "");
  return Number.isNaN(ends) ? "" : timeFormat.format(new Date(ends - page.offset));
}

// --- rendering ---------------------------------------------------------------------------

function avatar(person) {
  if (person.photo) {
    const img = el("img", "avatar avatar--photo avatar--large");
    img.src = person.photo;
    img.alt = "";
    img.width = 512;
    img.height = 512;
    return img;
  }
  const initials = person.name.split(/\s+/).slice(0, 2).map((word) => word[0] || "").join("").toUpperCase();
  const span = el("span", "avatar avatar--large avatar--tech", initials || "?");
  span.setAttribute("aria-hidden", "true");
  return span;
}

function personCard(professional) {
  const card = el("div", "event-person");
  card.append(avatar(professional));
  const text = el("div", "event-person__text");
  text.append(el("p", "event-person__name", professional.name));
  if (professional.title) text.append(el("p", "event-person__title", professional.title));
  card.append(text);
  return card;
}

function roomId(pairing) {
  const match = /^room:(\d+)$/.exec(pairing?.room || "");
  return match ? match[1] : null;
}

/** The video room in the page: the same frame stays while the room does (no reload). */
function roomFrame(pairing) {
  const id = roomId(pairing);
  if (!id) return el("p", "event-problem", t("room_missing"));
  const src = config.room_url.replace("/0/", `/${id}/`);
  const existing = $("[data-event-body] .event-room__frame");
  const wrap = el("div", "event-room");
  if (existing && existing.getAttribute("src") === src) {
    wrap.append(existing);
    return wrap;
  }
  const frame = el("iframe", "event-room__frame");
  frame.src = src;
  frame.allow = "camera; microphone; display-capture";
  frame.title = t("room_title", { round: pairing.round });
  wrap.append(frame);
  return wrap;
}

function meetingBody(pairing) {
  const parts = [];
  if (isStudent) {
    parts.push(personCard(pairing.professional));
    const others = pairing.students.filter((student) => student.id !== config.me).map((s) => s.name);
    if (others.length) parts.push(el("p", "event-with", `${t("with_you")} ${others.join(", ")}`));
  } else {
    parts.push(el("h3", "event-sub", t("students_at_table")));
    const list = el("ul", "event-names");
    list.setAttribute("role", "list");
    for (const student of pairing.students) list.append(el("li", "", student.name));
    if (!pairing.students.length) list.append(el("li", "", t("no_students")));
    parts.push(list);
  }
  if (pairing.table) parts.push(el("p", "event-table", t("table", { table: pairing.table })));
  else if (config.mode === "virtual") parts.push(roomFrame(pairing));
  return parts;
}

function endedBody() {
  const parts = [el("p", "event-note", t("ended_text"))];
  if (isStudent && page.meetings.size) {
    parts.push(el("h3", "event-sub", t("your_meetings")));
    const list = el("ul", "event-meetings");
    list.setAttribute("role", "list");
    for (const item of [...page.meetings.values()].sort((a, b) => a.round - b.round)) {
      const row = el("li", "event-meetings__item");
      row.append(el("span", "", t("round_name", { round: item.round, name: item.name })));
      if (item.rated) {
        row.append(el("span", "event-meetings__done", t("rated")));
      } else {
        const link = el("a", "button button--primary button--small", t("give_feedback"));
        link.href = config.feedback_url.replace(/\/0\/$/, `/${item.round}/`);
        row.append(link);
      }
      list.append(row);
    }
    parts.push(list);
  }
  return parts;
}

function nextItems(current) {
  const { round } = page.state;
  const items = [];
  if (current === "meeting" || current === "sitout") {
    if (round < config.rounds) {
      items.push(el("li", "", config.break_seconds ? t("next_break", { round: round + 1 }) : t("next_round", { round: round + 1 })));
    } else {
      items.push(el("li", "", t("next_last")));
    }
  }
  if (round < config.rounds && page.next !== undefined) {
    if (page.next) {
      const who = isStudent
        ? t("next_pairing_student", { name: page.next.professional.name })
        : t("next_pairing_professional", { names: page.next.students.map((s) => s.name).join(", ") });
      const where = page.next.table ? ` · ${t("next_table", { table: page.next.table })}` : "";
      items.push(el("li", "event-next__pairing", who + where));
    } else {
      items.push(el("li", "", t("next_sit_out")));
    }
  }
  return items;
}

function headline(current) {
  return {
    before: t("waiting"),
    meeting: t("meet_headline"),
    sitout: t("sr_sit_out"),
    break: t("break_headline"),
    ended: t("ended_headline"),
  }[current];
}

function kicker(current) {
  if (current === "before") return t("not_started");
  if (current === "ended") return t("ended");
  return t("round_of", { round: page.state.round, rounds: config.rounds });
}

function renderFeedback(current) {
  const section = $("[data-event-feedback]");
  if (!section) return;
  const held = page.meetings.get(page.state.round);
  const show = current === "break" && held && !held.rated;
  section.hidden = !show;
  if (!show) return;
  $("[data-event-feedback-title]").textContent = t("feedback_title", { name: held.name });
  $("[data-event-feedback-form]").action = config.feedback_url.replace(/\/0\/$/, `/${held.round}/`);
}

function bodyKey(current) {
  const meetings = current === "ended" ? [...page.meetings.values()] : [];
  return JSON.stringify([current, current === "meeting" ? page.pairing : null, meetings]);
}

function render() {
  const current = stage();
  const paused = page.state.status === "paused";
  root.dataset.stage = current;
  root.dataset.paused = String(paused);
  $("[data-event-kicker]").textContent = kicker(current);
  $("[data-event-headline]").textContent = headline(current);
  $("[data-event-paused]").hidden = !paused;
  const body = $("[data-event-body]");
  // Rebuilt only when what it shows changed: moving a video room's frame would reload it.
  const key = bodyKey(current);
  const parts =
    body.dataset.key === key ? null
    : current === "meeting" ? meetingBody(page.pairing)
    : current === "sitout" ? [el("p", "event-sitout", t("sit_out"))]
    : current === "break" ? [el("p", "event-note", t("break_text"))]
    : current === "ended" ? endedBody()
    : null;
  if (parts) {
    body.replaceChildren(...parts);
    body.dataset.key = key;
  }
  const nextBox = $("[data-event-next-box]");
  const items = current === "before" || current === "ended" ? [] : nextItems(current);
  nextBox.hidden = !items.length;
  $("[data-event-next]").replaceChildren(...items);
  for (const before of root.querySelectorAll("[data-event-before]")) before.hidden = current !== "before";
  renderFeedback(current);
  const label = paused ? t("left_paused") : current === "break" ? t("left_break") : t("left_meeting");
  $("[data-event-clock-label]").textContent = label;
  $("[data-event-clock-sr]").textContent =
    page.state.status === "live" && page.state.phase_ends_at ? t("sr_ends_at", { time: endsAtText() }) : "";
  tick();
}

function tick() {
  const seconds = secondsLeft();
  const box = $("[data-event-clock-box]");
  box.hidden = seconds === null;
  if (seconds === null) return;
  const text = clockText(seconds);
  const clock = $("[data-event-clock]");
  if (clock.textContent !== text) clock.textContent = text;
  // At zero the server's push is due: if it does not come (a lost push), ask for the present.
  if (seconds === 0 && page.state.status === "live") {
    if (!page.zeroSince) page.zeroSince = Date.now();
    else if (Date.now() - page.zeroSince > 5000) {
      page.zeroSince = Date.now();
      resync(0);
    }
  } else {
    page.zeroSince = 0;
  }
}

function announce(text) {
  const announcer = $("[data-event-announcer]");
  announcer.textContent = "";
  // A fresh text node after a beat, so the same sentence twice is read twice.
  setTimeout(() => {
    announcer.textContent = text;
  }, 50);
}

function phaseSentence() {
  const current = stage();
  if (page.state.status === "paused") return t("sr_paused");
  if (current === "ended") return t("sr_ended");
  if (current === "break") return t("sr_break", { time: endsAtText() });
  let who = t("sr_sit_out");
  if (page.pairing) {
    who = isStudent ? page.pairing.professional.name : page.pairing.students.map((s) => s.name).join(", ");
    if (page.pairing.table) who += `, ${t("table", { table: page.pairing.table })}`;
  }
  return t("sr_meeting", { round: page.state.round, who, time: endsAtText() });
}

function rememberMeeting(pairing) {
  if (!isStudent || !pairing || page.meetings.has(pairing.round)) return;
  page.meetings.set(pairing.round, { round: pairing.round, name: pairing.professional.name, rated: false });
}

// --- the socket ----------------------------------------------------------------------------

/** The join reply is the whole present: a (re)join puts the page back in step. */
function applyPresent(reply) {
  page.state = reply.state;
  page.pairing = reply.pairing ?? null;
  page.next = reply.next ?? null;
  page.remaining = reply.state.remaining_seconds ?? page.remaining;
  noteServerTime(reply.state.server_time);
  rememberMeeting(page.pairing);
  render();
}

/** Ask for the present again, after `spread` ms at most: many pages must not ask at once. */
function resync(spread) {
  clearTimeout(page.resyncTimer);
  page.resyncTimer = setTimeout(() => {
    socket.join(config.topic).then(applyPresent, () => {});
  }, Math.random() * spread);
}

function movePhase(data, status, phase) {
  const moved = page.state.status !== status || page.state.phase !== phase || page.state.round !== data.round;
  page.state = {
    ...page.state,
    status,
    phase,
    round: data.round ?? page.state.round,
    phase_ends_at: data.phase_ends_at ?? null,
    server_time: data.server_time ?? page.state.server_time,
  };
  noteServerTime(data.server_time);
  return moved;
}

socket.on("round.started", ({ topic, data }) => {
  if (topic !== config.topic) return;
  movePhase(data, "live", "meeting");
  page.pairing = data.pairing ?? null;
  rememberMeeting(page.pairing);
  if ("next" in data) page.next = data.next;
  else {
    // The push carries this round's pairing only: the next one comes with a join, spread out.
    page.next = undefined;
    if (data.round < config.rounds) resync(10000);
  }
  render();
  announce(phaseSentence());
});

socket.on("break.started", ({ topic, data }) => {
  if (topic !== config.topic) return;
  // The round's pairing was the "next" of the meeting before it: the break shows it again.
  movePhase(data, "live", "break");
  if ("next" in data) page.next = data.next;
  else if (page.next === undefined) resync(3000);
  render();
  announce(phaseSentence());
});

socket.on("event.paused", ({ topic, data }) => {
  if (topic !== config.topic) return;
  page.remaining = Math.max(0, Math.round(data.remaining_seconds ?? secondsLeft() ?? 0));
  page.state = { ...page.state, status: "paused", phase_ends_at: null };
  render();
  announce(t("sr_paused"));
});

for (const type of ["event.resumed", "round.extended"]) {
  socket.on(type, ({ topic, data }) => {
    if (topic !== config.topic) return;
    noteServerTime(data.server_time);
    const wasPaused = page.state.status === "paused";
    if (page.state.status === "paused" && type === "round.extended") {
      // Extended while paused: the clock still stands; the time left grows.
      page.remaining = Math.max(0, Math.round((Date.parse(data.phase_ends_at) - Date.parse(data.server_time)) / 1000));
    } else {
      page.state = { ...page.state, status: "live", phase_ends_at: data.phase_ends_at };
    }
    render();
    if (wasPaused && type === "event.resumed") announce(t("sr_resumed", { time: endsAtText() }));
    else if (type === "round.extended") announce(t("sr_ends_at", { time: endsAtText() }));
  });
}

socket.on("announcement", ({ topic, data }) => {
  if (topic !== config.topic) return;
  const banner = $("[data-event-banner]");
  $("[data-event-banner-text]").textContent = data.text || "";
  banner.hidden = false;
});

socket.on("event.ended", ({ topic }) => {
  if (topic !== config.topic) return;
  page.state = { ...page.state, status: "ended", phase: null, phase_ends_at: null };
  page.pairing = null;
  page.next = null;
  render();
  announce(t("sr_ended"));
});

socket.on("rejoined", ({ topic, data }) => {
  if (topic === config.topic) applyPresent(data);
});

$("[data-event-banner-close]").addEventListener("click", () => {
  $("[data-event-banner]").hidden = true;
});

noteServerTime(config.state.server_time);
$("[data-event-body]").dataset.key = bodyKey(stage());
setInterval(tick, 250);
tick();
socket.join(config.topic).then(
  (reply) => {
    applyPresent(reply);
    root.dataset.ready = "true";
  },
  () => {
    root.dataset.ready = "false";
  },
);
