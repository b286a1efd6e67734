// The conversation page: history, live messages in seq order, an outbox that survives
// reconnects, typing, read state, edits and deletes. Uses the tab's one socket.
import { socket } from "backstage/shell.js";
import { showPresence } from "./presence.js";

const root = document.querySelector("[data-chat]");
const topic = root.dataset.topic;
const me = Number(root.dataset.me);
const list = root.querySelector("[data-chat-messages]");
const form = root.querySelector("[data-chat-form]");
const input = root.querySelector("[data-chat-body]");
const typingLine = root.querySelector("[data-chat-typing]");
const olderButton = root.querySelector("[data-chat-older]");
const label = (name) => root.dataset[`label${name}`] || "";

const EDIT_WINDOW_MS = 15 * 60 * 1000;
const GAP_WAIT_MS = 1500;

/** seq -> message, every message shown. */
const messages = new Map();
/** Pushes that arrived ahead of a missing seq: seq -> message. */
const ahead = new Map();
/** Highest seq with every message up to it shown. */
let contiguous = 0;
let firstSeq = Infinity;
let gapTimer = null;
/** client_id -> {body, element}: sent or waiting, not yet acknowledged. */
const outbox = new Map();
/** Highest conversation revision with every edit and delete up to it applied. */
let revision = 0;
/** Revisions of changes that arrived ahead of a missing one. */
const revisionsAhead = new Set();
/** user id -> last_read_seq of the other members. */
const readMarks = new Map();
let sentRead = 0;

function formatTime(iso) {
  return new Date(iso).toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
}

function render(message, element = document.createElement("li")) {
  element.className = "chat-message";
  element.dataset.seq = message.seq;
  element.dataset.id = message.id;
  element.dataset.clientId = message.client_id;
  const mine = message.author.id === me;
  element.classList.toggle("chat-message--mine", mine);
  element.classList.toggle("chat-message--deleted", message.deleted);
  element.replaceChildren();
  if (!mine) {
    const author = document.createElement("span");
    author.className = "chat-message__author";
    author.textContent = message.author.name;
    element.append(author);
  }
  const body = document.createElement("p");
  body.className = "chat-message__body";
  body.textContent = message.deleted ? label("Deleted") : message.body; // text, never HTML
  const meta = document.createElement("span");
  meta.className = "chat-message__meta";
  meta.textContent = formatTime(message.created_at) + (message.edited_at && !message.deleted ? ` · ${label("Edited")}` : "");
  element.append(body, meta);
  if (!mine && !message.deleted) {
    const report = document.createElement("button");
    report.type = "button";
    report.className = "chat-message__action";
    report.textContent = label("Report");
    report.addEventListener("click", () => reportMessage(message));
    element.append(report);
  }
  if (mine && !message.deleted && Date.now() - Date.parse(message.created_at) < EDIT_WINDOW_MS) {
    const actions = document.createElement("span");
    actions.className = "chat-message__actions";
    for (const [name, action] of [["Edit", editMessage], ["Delete", deleteMessage]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "chat-message__action";
      button.textContent = label(name);
      button.addEventListener("click", () => action(message));
      actions.append(button);
    }
    element.append(actions);
  }
  return element;
}

function insert(element, seq) {
  // Messages are kept in seq order; pending ones (no seq yet) stay at the end.
  for (const child of list.children) {
    const childSeq = Number(child.dataset.seq);
    if (child.dataset.seq && childSeq > seq) {
      list.insertBefore(element, child);
      return;
    }
    if (!child.dataset.seq) {
      list.insertBefore(element, child);
      return;
    }
  }
  list.append(element);
}

function show(message) {
  const existing = list.querySelector(`[data-seq="${message.seq}"]`);
  const pending = outbox.get(message.client_id);
  if (pending && message.author.id === me) {
    outbox.delete(message.client_id);
    pending.element.remove();
  }
  messages.set(message.seq, message);
  firstSeq = Math.min(firstSeq, message.seq);
  if (existing) {
    render(message, existing);
  } else {
    insert(render(message), message.seq);
  }
}

/** Accept messages from any source (history, push, reply) and show them in seq order. */
function accept(items) {
  for (const message of items) {
    if (message.seq <= contiguous) {
      if (messages.has(message.seq)) show(message); // an edit or a delete
      continue;
    }
    ahead.set(message.seq, message);
  }
  while (ahead.has(contiguous + 1)) {
    contiguous += 1;
    show(ahead.get(contiguous));
    ahead.delete(contiguous);
  }
  for (const seq of ahead.keys()) if (seq <= contiguous) ahead.delete(seq);
  if (ahead.size) scheduleResume();
  else if (!revisionsAhead.size) clearTimeout(gapTimer);
  updateSeen();
  markRead();
  reveal(list.lastElementChild);
}

/**
 * Bring a new message into view above the composer: on the conversation page the composer
 * sticks to the bottom of the screen, and scrollIntoView alone leaves the message under it.
 * @param {Element | null} element
 */
function reveal(element) {
  if (!element) return;
  element.scrollIntoView({ block: "end" });
  if (getComputedStyle(form).position !== "sticky") return;
  const overlap = element.getBoundingClientRect().bottom - form.getBoundingClientRect().top;
  if (overlap > 0) window.scrollBy(0, overlap + 8);
}

/** Note the revision of an edit or delete (push or reply); they are applied as they come,
 * but the resume point only moves while no revision is missing. */
function noteRevision(value) {
  if (typeof value !== "number" || value <= revision) return;
  revisionsAhead.add(value);
  while (revisionsAhead.has(revision + 1)) {
    revision += 1;
    revisionsAhead.delete(revision);
  }
  if (revisionsAhead.size) scheduleResume();
}

/** The join reply of a resume: missed messages, then changes to the ones already shown. */
function applyJoin(reply) {
  for (const member of reply.members || []) showPresence(member.id, member.online);
  accept(reply.history || []);
  accept(reply.updates || []);
  const updates = reply.updates || [];
  if (reply.updates_more && updates.length) {
    revision = Math.max(revision, updates.at(-1).revision);
  } else if (Array.isArray(reply.updates) && typeof reply.revision === "number") {
    revision = Math.max(revision, reply.revision);
  }
  for (const value of revisionsAhead) if (value <= revision) revisionsAhead.delete(value);
  return Boolean(reply.more || reply.updates_more || revision < (reply.revision ?? 0));
}

function scheduleResume() {
  clearTimeout(gapTimer);
  // A push overtook another (two servers) or one was lost (a Redis restart): wait a moment,
  // then fetch what is missing from the server, which has everything.
  gapTimer = setTimeout(resume, GAP_WAIT_MS);
}

async function resume() {
  try {
    const reply = await socket.join(topic, { last_seq: contiguous, last_revision: revision });
    if (applyJoin(reply)) await resume();
  } catch (error) {
    console.warn("chat: resume failed", error);
  }
}

function markRead() {
  if (document.visibilityState !== "visible" || contiguous <= sentRead) return;
  sentRead = contiguous;
  socket.send("read", topic, { seq: contiguous }).catch(() => { sentRead = 0; });
}

function updateSeen() {
  for (const old of list.querySelectorAll(".chat-message__seen")) old.remove();
  const read = Math.max(0, ...readMarks.values());
  const mine = [...list.querySelectorAll(".chat-message--mine[data-seq]")].filter((el) => Number(el.dataset.seq) <= read);
  const last = mine.at(-1);
  if (last) {
    const seen = document.createElement("span");
    seen.className = "chat-message__seen";
    seen.textContent = label("Seen");
    last.append(seen);
  }
}

// --- sending: an outbox that survives reconnects --------------------------------------------

function newClientId() {
  return globalThis.crypto?.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

async function deliver(clientId) {
  const item = outbox.get(clientId);
  if (!item || item.inFlight) return;
  item.inFlight = true;
  item.element.querySelector(".chat-message__meta").textContent = label("Sending");
  try {
    const stored = await socket.send("message.send", topic, { body: item.body, client_id: clientId });
    item.inFlight = false;
    accept([stored]);
  } catch (error) {
    item.inFlight = false;
    if (["disconnected", "timeout"].includes(error.code)) return; // sent again once live
    if (error.code === "rate_limited") {
      setTimeout(() => deliver(clientId), 5000);
      return;
    }
    item.element.classList.add("chat-message--failed");
    item.element.querySelector(".chat-message__meta").textContent = `${label("Failed")}: ${error.message}`;
    outbox.delete(clientId);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const body = input.value.trim();
  if (!body) return;
  const clientId = newClientId();
  const element = document.createElement("li");
  element.className = "chat-message chat-message--mine chat-message--pending";
  element.dataset.clientId = clientId;
  const text = document.createElement("p");
  text.className = "chat-message__body";
  text.textContent = body;
  const meta = document.createElement("span");
  meta.className = "chat-message__meta";
  meta.textContent = label("Sending");
  element.append(text, meta);
  list.append(element);
  reveal(element);
  outbox.set(clientId, { body, element, inFlight: false });
  input.value = "";
  typingSent = 0;
  deliver(clientId);
});

input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    form.requestSubmit();
  }
});

// --- typing -------------------------------------------------------------------------------

let typingSent = 0;
input.addEventListener("input", () => {
  if (socket.status !== "live" || Date.now() - typingSent < 3000) return;
  typingSent = Date.now();
  socket.send("typing", topic, { typing: true }).catch(() => {});
});

let typingTimer = null;
socket.on("typing", ({ topic: where, data }) => {
  if (where !== topic || data.user.id === me) return;
  typingLine.textContent = data.typing ? label("Typing").replace("%(name)s", data.user.name) : "";
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => { typingLine.textContent = ""; }, 5000);
});

// --- edits and deletes -----------------------------------------------------------------------

async function editMessage(message) {
  const body = prompt(label("EditPrompt"), message.body);
  if (body === null || !body.trim() || body.trim() === message.body) return;
  try {
    const changed = await socket.send("message.edit", topic, { id: message.id, body });
    accept([changed]);
    noteRevision(changed.revision);
  } catch (error) {
    alert(error.message);
  }
}

async function deleteMessage(message) {
  try {
    const changed = await socket.send("message.delete", topic, { id: message.id });
    accept([changed]);
    noteRevision(changed.revision);
  } catch (error) {
    alert(error.message);
  }
}

/** Open the report form for one message (the form reports the whole conversation otherwise). */
function reportMessage(message) {
  const panel = root.querySelector("[data-chat-report]");
  panel.querySelector("[data-chat-report-message]").value = String(message.id);
  panel.querySelector("[data-chat-report-target]").hidden = false;
  panel.open = true;
  panel.querySelector("select").focus();
}

// --- pushes ---------------------------------------------------------------------------------

socket.on("message.new", ({ topic: where, data }) => {
  if (where === topic) {
    typingLine.textContent = "";
    accept([data]);
  }
});
for (const type of ["message.updated", "message.deleted"]) {
  socket.on(type, ({ topic: where, data }) => {
    if (where !== topic) return;
    accept([data]);
    noteRevision(data.revision);
  });
}
socket.on("read", ({ topic: where, data }) => {
  if (where !== topic || data.user_id === me) return;
  readMarks.set(data.user_id, data.seq);
  updateSeen();
});
socket.on("rejoined", ({ topic: where, data }) => {
  if (where !== topic) return;
  // The socket rejoins from the highest seq it saw; if a push overtook a lost one, or messages
  // already shown were edited or deleted meanwhile (the revision moved), fill in.
  if (applyJoin(data) || ahead.size) resume();
  for (const clientId of outbox.keys()) deliver(clientId);
});
socket.onStatus((status) => {
  root.dataset.status = status;
  if (status === "live") for (const clientId of outbox.keys()) deliver(clientId);
});
document.addEventListener("visibilitychange", markRead);

// --- older history -----------------------------------------------------------------------

async function loadOlder() {
  if (!Number.isFinite(firstSeq) || firstSeq <= 1) return;
  olderButton.disabled = true;
  const url = new URL(root.dataset.historyUrl, location.href);
  url.searchParams.set("before_seq", firstSeq);
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  olderButton.disabled = false;
  if (!response.ok) return;
  const page = await response.json();
  const anchor = list.firstElementChild;
  for (const message of page.results) {
    if (!messages.has(message.seq)) show(message);
  }
  anchor?.scrollIntoView({ block: "start" });
  olderButton.hidden = !page.older;
}
olderButton.addEventListener("click", loadOlder);

// --- start ----------------------------------------------------------------------------------

async function start() {
  const reply = await socket.join(topic);
  for (const member of reply.members || []) {
    if (member.id !== me) readMarks.set(member.id, member.last_read_seq);
    showPresence(member.id, member.online);
  }
  const history = reply.history || [];
  // The page starts from the latest messages: everything before them counts as shown.
  contiguous = history.length ? history[0].seq - 1 : reply.last_seq;
  revision = reply.revision || 0;
  accept(history);
  olderButton.hidden = !reply.older;
  root.dataset.ready = "true";
}

start().catch((error) => {
  console.error("chat: could not open the conversation", error);
  root.dataset.ready = "error";
});
