// The organiser's live dashboard. The page works without JavaScript (each control is a form);
// this keeps it live: it joins `event:<id>` for the clock's pushes, counts the phase down in
// step with the server (an offset from each push's `server_time`, never the device's clock
// alone), and reloads the tables part of the page on each push and every 5 s.
// Screen readers hear the phase changes (the [data-announcer] live region), not every second:
// the countdown itself is aria-hidden beside a visible "ends at" text.
import { socket } from "backstage/shell.js";

const POLL_MS = 5000;

const root = document.querySelector("[data-dashboard]");
const live = root?.querySelector("[data-dashboard-live]");
const countdown = root?.querySelector("[data-countdown]");
const announcer = root?.querySelector("[data-announcer]");

/** @type {{status: string, round: number, phase: string | null, endsAt: number | null, remaining: number | null}} */
let state = { status: "draft", round: 0, phase: null, endsAt: null, remaining: null };
/** server clock − this device's clock, in ms */
let offset = 0;
let refreshing = null;
let again = false;

function fill(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => String(values[key] ?? ""));
}

function label(name) {
  return root.getAttribute(`data-${name}`) || "";
}

function say(text) {
  if (!announcer || !text) return;
  // Cleared first so that the same words said twice are announced twice.
  announcer.textContent = "";
  setTimeout(() => {
    announcer.textContent = text;
  }, 50);
}

function noteServerTime(serverTime) {
  const server = Date.parse(serverTime || "");
  if (!Number.isNaN(server)) offset = server - Date.now();
}

function mmss(seconds) {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return `${String(minutes).padStart(2, "0")}:${String(rest).padStart(2, "0")}`;
}

function secondsLeft() {
  if (state.status === "paused") return state.remaining;
  if (state.status !== "live" || state.endsAt === null) return null;
  return Math.max(0, Math.ceil((state.endsAt - (Date.now() + offset)) / 1000));
}

function clockTime(ms) {
  const zone = root.dataset.timeZone || undefined;
  return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZone: zone,
  }).format(new Date(ms));
}

function tick() {
  if (!countdown) return;
  const left = secondsLeft();
  countdown.hidden = left === null;
  const text = left === null ? "" : mmss(left);
  if (countdown.textContent !== text) countdown.textContent = text;
}

/** What changed, in words, for the live region. */
function change(previous, next) {
  if (next.status === "ended" && previous.status !== "ended") return label("say-ended");
  if (next.status === "paused" && previous.status !== "paused") return label("say-paused");
  if (next.status === "live" && (next.round !== previous.round || next.phase !== previous.phase)) {
    return next.phase === "break"
      ? label("say-break")
      : fill(label("say-round"), { round: next.round });
  }
  if (next.status === "live" && previous.status === "paused") return label("say-resumed");
  return "";
}

/** Show a state (from a push, the join reply or the tables part) and say what changed. */
function show(next, { quiet = false } = {}) {
  const previous = state;
  state = next;
  const status = root.querySelector("[data-clock-status]");
  status.textContent = label(`label-${next.status}`);
  status.className = `org-badge org-badge--${next.status}`;
  const values = { round: next.round, rounds: root.dataset.rounds };
  const onClock = next.status === "live" || next.status === "paused";
  root.querySelector("[data-clock-phase]").textContent = !onClock
    ? ""
    : fill(label(next.phase === "break" ? "label-break" : "label-meeting"), values);
  const ends = root.querySelector("[data-clock-ends]");
  if (next.status === "paused" && next.remaining !== null) {
    ends.textContent = fill(label("label-paused-left"), { time: mmss(next.remaining) });
  } else if (next.status === "live" && next.endsAt !== null) {
    ends.textContent = fill(label("label-ends-at"), { time: clockTime(next.endsAt) });
  } else if (next.status === "ended") {
    ends.textContent = "";
  }
  for (const element of root.querySelectorAll("[data-when]")) {
    element.hidden = !element.dataset.when.split(" ").includes(next.status);
  }
  tick();
  if (!quiet) say(change(previous, next));
}

function fromWire(wire, base = state) {
  return {
    status: wire.status ?? base.status,
    round: wire.round ?? base.round,
    phase: wire.phase === undefined ? base.phase : wire.phase,
    endsAt: wire.phase_ends_at ? Date.parse(wire.phase_ends_at) : null,
    // A join reply's paused state has no remaining time: keep the one already known.
    remaining: wire.remaining_seconds ?? ((wire.status ?? base.status) === "paused" ? base.remaining : null),
  };
}

/** The state the tables part was rendered with. */
function renderedState() {
  const element = live.querySelector("[data-live-state]");
  if (!element) return null;
  noteServerTime(element.dataset.serverTime);
  const remaining = element.dataset.remaining === "" ? null : Number(element.dataset.remaining);
  return {
    status: element.dataset.status,
    round: Number(element.dataset.round),
    phase: element.dataset.phase || null,
    endsAt: element.dataset.phaseEndsAt ? Date.parse(element.dataset.phaseEndsAt) : null,
    remaining: element.dataset.status === "paused" ? remaining : null,
  };
}

/** Reload the tables part; one request at a time, one more if asked meanwhile. */
async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    try {
      const response = await fetch(root.dataset.tablesUrl, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (!response.ok) return;
      const html = await response.text();
      // Keep open what the organiser opened (the "not checked in" list).
      const open = [...live.querySelectorAll("details")].map((details) => details.open);
      live.innerHTML = html;
      live.querySelectorAll("details").forEach((details, index) => {
        if (open[index]) details.open = true;
      });
      const next = renderedState();
      if (next) show(next);
    } catch {
      // Offline for a moment: the next poll tries again.
    } finally {
      refreshing = null;
      if (again) {
        again = false;
        refresh();
      }
    }
  })();
  return refreshing;
}

function onPush(push) {
  if (push.topic !== root.dataset.topic) return;
  const data = push.data || {};
  if (data.server_time) noteServerTime(data.server_time);
  switch (push.type) {
    case "round.started":
      show({ ...fromWire(data), status: "live", phase: "meeting" });
      break;
    case "break.started":
      show({ ...fromWire(data), status: "live", phase: "break" });
      break;
    case "event.paused":
      show({ ...state, status: "paused", endsAt: null, remaining: data.remaining_seconds ?? null });
      break;
    case "event.resumed":
      show({ ...fromWire(data), status: "live" });
      break;
    case "round.extended":
      show(
        {
          ...state,
          endsAt: data.phase_ends_at ? Date.parse(data.phase_ends_at) : state.endsAt,
          remaining:
            state.status === "paused" ? (data.remaining_seconds ?? state.remaining) : state.remaining,
        },
        { quiet: true },
      );
      say(label("say-extended"));
      break;
    case "event.ended":
      show({ ...state, status: "ended", endsAt: null, remaining: null });
      break;
    case "announcement":
      say(fill(label("say-announcement"), { text: data.text || "" }));
      break;
    default:
      return;
  }
  refresh();
}

if (root && live) {
  const first = renderedState();
  if (first) show(first, { quiet: true });
  for (const type of [
    "round.started",
    "break.started",
    "event.paused",
    "event.resumed",
    "round.extended",
    "event.ended",
    "announcement",
  ]) {
    socket.on(type, onPush);
  }
  socket.on("rejoined", (push) => {
    if (push.topic !== root.dataset.topic) return;
    if (push.data?.state) {
      noteServerTime(push.data.state.server_time);
      show(fromWire(push.data.state));
    }
    refresh();
  });
  socket
    .join(root.dataset.topic)
    .then((reply) => {
      if (reply?.state) {
        noteServerTime(reply.state.server_time);
        show(fromWire(reply.state, state), { quiet: true });
      }
      root.dataset.joined = "true";
    })
    .catch(() => {
      // The topic refused us (e.g. no longer the organiser): polling still keeps the page fresh.
    });
  setInterval(tick, 250);
  setInterval(refresh, POLL_MS);
}
