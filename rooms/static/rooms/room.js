// The room page: joins `room:<id>` on the tab's socket, connects to the other peers
// (peers.js), publishes camera and microphone when the host or the stage may (media.js), and
// keeps presence, hands, questions, the lobby and the room's chat up to date.
// The wire contract is docs/rooms.md.
import { socket } from "backstage/shell.js";
import { PublishControls } from "./controls.js";
import { Panels } from "./panels.js";
import { Notices } from "./notices.js";
import { mountChat } from "./roomchat.js";
import { PeerMesh, shouldConnect } from "./peers.js";
import { VideoGrid } from "./tiles.js";

const root = document.querySelector("[data-room]");
const topic = root.dataset.topic;
const roomId = topic.split(":")[1];
const meId = Number(root.dataset.me);
const meName = root.dataset.meName;
const labels = JSON.parse(document.getElementById("room-labels").textContent);
const plurals = new Intl.PluralRules(document.documentElement.lang || "en");
const $ = (selector) => root.querySelector(selector);

/** A translated label with %(name)s placeholders filled in. */
function t(name, vars = {}) {
  const entry = labels[name];
  const text = typeof entry === "object" ? entry[plurals.select(Number(vars.count))] || entry.other : entry || name;
  return text.replace(/%\((\w+)\)s/g, (_, key) => String(vars[key] ?? ""));
}

const handButton = $("[data-room-action=hand]");
const endButton = $("[data-room-action=end]") || document.createElement("button");

const state = {
  room: null,
  peerId: "",
  role: "audience",
  publish: false,
  waiting: false,
  /** @type {Map<string, import("./panels.js").PeerInfo>} peer_id -> peer, ourselves included */
  peers: new Map(),
  hands: [],
  /** @type {Map<number, any>} */
  questions: new Map(),
  voted: new Set(),
  lobby: [],
  over: false,
  /** True once the join reply of the current connection is applied (see pendingSignals). */
  inRoom: false,
};
/**
 * Signals that arrived before the join reply of this connection was applied: once others hear
 * of our new peer id, their offer can overtake our own join reply. They are handled after it,
 * so they reach connections made for the right peer id.
 */
let pendingSignals = [];

const grid = new VideoGrid($("[data-room-grid]"), t);
const mesh = new PeerMesh({
  signal: (to, kind, fields) => socket.send("signal", topic, { to, kind, ...fields }),
  onRemoteStream: (peerId, stream) => grid.setStream(peerId, stream),
  onState: (peerId, connection) => {
    const tile = grid.tiles.get(peerId);
    if (tile) tile.dataset.connection = connection;
  },
});
const controls = new PublishControls({
  root,
  t,
  mesh,
  grid,
  meName,
  state: () => state,
  // Refused (taken off stage meanwhile, a dropped socket): the next change or rejoin tells again.
  report: (media) => socket.send("media", topic, media).catch(() => controls.forgetReported()),
});
const panels = new Panels(root, t, {
  stage: (user, onStage) => send("stage.set", { user_id: user.id, on_stage: onStage }),
  mute: (user, kind) => send("mute.request", { user_id: user.id, kind }),
  remove: (user) => {
    if (confirm(t("confirm_remove", { name: user.name }))) send("participant.remove", { user_id: user.id });
  },
  admit: (user) => send("lobby.admit", { user_id: user.id }),
  vote: (question) => vote(question),
  answer: (question) => send("question.answer", { id: question.id }).then((reply) => reply && upsertQuestion(reply)),
});

// --- messages to the user ------------------------------------------------------------------

const notices = new Notices(root, t);
const announce = (text) => notices.announce(text);
const showError = (text) => notices.showError(text);
/** A full-page state (lobby, ended, removed, refused). */
const showNotice = (text, { final = false } = {}) => notices.show(text, { final, waiting: state.waiting });

// --- peers, presence and tiles ---------------------------------------------------------------

const isHost = () => state.role === "host";
const others = () => [...state.peers.values()].filter((peer) => peer.peer_id !== state.peerId);

/** Open the connections the media mode asks for, close the others, and match the tiles. */
function syncPeers() {
  const mode = state.room?.media_mode || "mesh";
  const keep = new Set(state.publish && controls.active ? ["self"] : []);
  for (const peer of others()) {
    if (shouldConnect(mode, state.publish, peer)) mesh.ensure(peer.peer_id, Boolean(peer.publish));
    else if (mesh.has(peer.peer_id)) mesh.close(peer.peer_id);
    if (peer.publish) {
      keep.add(peer.peer_id);
      const { camera, microphone } = peer;
      grid.upsert({ key: peer.peer_id, name: peer.user.name, photo: peer.photo, role: peer.role, self: false, camera, microphone });
      const connection = mesh.peers.get(peer.peer_id);
      if (connection) grid.setStream(peer.peer_id, connection.remoteStream);
    }
  }
  // A connection to a peer not announced yet stays: its offer can overtake its presence push.
  grid.retain(keep);
  renderPanels();
}

function renderPanels() {
  const roles = new Map([...state.peers.values()].map((peer) => [peer.user.id, peer.role]));
  panels.renderPeople({
    peers: [...state.peers.values()],
    me: { id: meId, role: state.role },
    isHost: isHost(),
    raised: new Set(state.hands.map((hand) => hand.user.id)),
  });
  panels.renderHands({ hands: state.hands, isHost: isHost(), roles });
  panels.renderQuestions({ questions: [...state.questions.values()], isHost: isHost(), voted: state.voted, meId });
  panels.renderLobby({ waiting: state.lobby, isHost: isHost() });
  const raised = state.hands.some((hand) => hand.user.id === meId);
  handButton.textContent = t(raised ? "lower_hand" : "raise_hand");
  handButton.setAttribute("aria-pressed", String(raised));
  handButton.hidden = isHost() || state.role === "stage";
  endButton.hidden = !isHost();
}

function upsertQuestion(question) {
  if (question.voted) state.voted.add(question.id);
  state.questions.set(question.id, question);
  renderPanels();
}

/** Take a join (or rejoin) reply: everything is rebuilt from it. */
async function enter(reply) {
  state.inRoom = false;
  state.room = reply.room || state.room;
  state.waiting = reply.admitted === false;
  if (state.waiting) {
    showNotice(t("waiting"));
    return;
  }
  state.peerId = reply.peer_id;
  state.role = reply.role;
  state.publish = Boolean(reply.publish);
  state.peers = new Map((reply.peers || []).map((peer) => [peer.peer_id, peer]));
  state.peers.set(state.peerId, {
    peer_id: state.peerId,
    user: { id: meId, name: meName, role: "" },
    role: state.role,
    publish: state.publish,
  });
  state.hands = reply.hands || [];
  state.questions = new Map((reply.questions || []).map((question) => [question.id, question]));
  for (const question of state.questions.values()) if (question.voted) state.voted.add(question.id);
  state.lobby = reply.waiting || [];
  mesh.reset(state.peerId, reply.ice_servers || []);
  showNotice("");
  root.dataset.state = "in";
  controls.forgetReported(); // a new peer: the room hears what we send at the next update
  if (state.publish && !controls.active) await controls.start();
  else if (state.publish) mesh.setLocalStream(controls.media.stream);
  else if (controls.active) controls.stop();
  syncPeers();
  controls.update();
  state.inRoom = true;
  for (const data of pendingSignals.splice(0)) mesh.handleSignal(data);
  mountChat(root, reply);
}

socket.on("presence", ({ topic: where, data }) => {
  if (where !== topic || state.waiting) return;
  for (const peer of data.leaves || []) {
    const known = state.peers.get(peer.peer_id);
    state.peers.delete(peer.peer_id);
    mesh.close(peer.peer_id, { gone: true });
    const stillHere = [...state.peers.values()].some((other) => other.user.id === peer.user.id);
    if (known && !stillHere && peer.user.id !== meId) announce(t("left", { name: peer.user.name }));
  }
  for (const peer of data.joins || []) {
    if (peer.peer_id === state.peerId) continue;
    const wasHere = [...state.peers.values()].some((other) => other.user.id === peer.user.id);
    state.peers.set(peer.peer_id, { publish: peer.role === "host" || peer.role === "stage", ...peer });
    if (!wasHere && peer.user.id !== meId) announce(t("joined", { name: peer.user.name }));
  }
  syncPeers();
});

socket.on("signal", ({ topic: where, data }) => {
  if (where !== topic || state.over) return;
  if (state.inRoom) mesh.handleSignal(data);
  else pendingSignals.push(data);
});

socket.on("role", ({ topic: where, data }) => {
  if (where !== topic) return;
  // A new role starts from what it may send, until the peer says otherwise (docs/rooms.md).
  const changed = { role: data.role, publish: data.publish, camera: undefined, microphone: undefined };
  for (const peer of state.peers.values()) if (peer.user.id === data.user.id) Object.assign(peer, changed);
  if (data.user.id === meId) {
    const was = state.publish;
    state.role = data.role;
    state.publish = data.publish;
    if (data.publish && !was) {
      announce(t("you_on_stage"));
      controls.start().then(syncPeers);
    } else if (!data.publish && was) {
      // Stop sending at once: an answer we send from now on must carry no media.
      controls.stop();
      announce(t("you_off_stage"));
    }
  } else {
    announce(t(data.role === "stage" ? "now_on_stage" : "now_off_stage", { name: data.user.name }));
  }
  syncPeers();
});

socket.on("participant.media", ({ topic: where, data }) => {
  const peer = state.peers.get(data.peer_id);
  if (where !== topic || !peer || data.peer_id === state.peerId) return;
  const wasOn = peer.microphone !== false;
  Object.assign(peer, { camera: data.camera, microphone: data.microphone });
  grid.setMedia(data.peer_id, data);
  if (wasOn !== data.microphone) announce(t(data.microphone ? "mic_on_announce" : "mic_off_announce", { name: peer.user.name }));
});

socket.on("hands", ({ topic: where, data }) => {
  if (where !== topic) return;
  const before = new Set(state.hands.map((hand) => hand.user.id));
  state.hands = data.hands || [];
  for (const hand of state.hands) {
    if (!before.has(hand.user.id) && hand.user.id !== meId) announce(t("hand_announce", { name: hand.user.name }));
  }
  renderPanels();
});

socket.on("question", ({ topic: where, data }) => {
  if (where !== topic) return;
  const question = data.question;
  const isNew = !state.questions.has(question.id);
  upsertQuestion({ ...question, voted: state.voted.has(question.id) });
  if (isNew && question.author.id !== meId) announce(t("question_announce", { name: question.author.name }));
});

socket.on("lobby", ({ topic: where, data }) => {
  if (where !== topic) return;
  const before = new Set(state.lobby.map((user) => user.id));
  state.lobby = data.waiting || [];
  for (const user of state.lobby) if (!before.has(user.id)) announce(t("lobby_announce", { name: user.name }));
  renderPanels();
});

socket.on("admitted", ({ topic: where }) => {
  if (where !== topic) return;
  announce(t("admitted"));
  socket.join(topic).then(enter, refused);
});

socket.on("mute.request", ({ topic: where, data }) => {
  if (where === topic) controls.askToMute(data.kind);
});

// --- the end: ended, removed, refused ---------------------------------------------------------

function finish(text) {
  state.over = true;
  mesh.closeAll();
  controls.stop();
  grid.clear();
  showNotice(text, { final: true });
}

socket.on("room.ended", ({ topic: where }) => {
  if (where === topic && !state.over) finish(t("ended"));
});
socket.on("left", ({ topic: where, data }) => {
  if (where !== topic || state.over) return;
  finish(t(data.reason === "removed" ? "removed" : data.reason === "ended" ? "ended" : "left_room"));
});
socket.on("join.failed", ({ topic: where, data }) => {
  if (where === topic && !state.over) refused(data);
});
socket.on("rejoined", ({ topic: where, data }) => {
  // A new connection means a new peer id: every peer connection is rebuilt.
  if (where === topic && !state.over) enter(data).catch((error) => console.error("rooms: rejoin failed", error));
});

/** A refused join: say why in the user's language (a conflict is ended, not open or full). */
async function refused(error) {
  finish(await notices.refusalText(error, roomId));
}

socket.onStatus((status) => {
  root.dataset.status = status;
  if (status !== "live") {
    // A new connection is a new peer id: the rejoin rebuilds every peer connection, and
    // signals are held until its reply is applied.
    state.inRoom = false;
    pendingSignals = [];
  }
});

// --- participant actions ------------------------------------------------------------------

/**
 * Send a frame on the room topic; a refusal is shown (in `overrides[code]` words, if given).
 * @returns {Promise<Record<string, any> | null>} the reply's data, or null when refused
 */
async function send(type, data, overrides = {}) {
  showError("");
  try {
    return await socket.send(type, topic, data);
  } catch (error) {
    showError(overrides[error?.code] ? t(overrides[error.code]) : notices.errorText(error));
    return null;
  }
}

handButton.addEventListener("click", async () => {
  const raised = handButton.getAttribute("aria-pressed") === "true";
  const reply = await send("hand", { raised: !raised });
  if (reply?.hands) {
    state.hands = reply.hands;
    renderPanels();
    announce(t(raised ? "you_lowered" : "you_raised"));
  }
});

async function vote(question) {
  const reply = await send("question.vote", { id: question.id }, { conflict: "error_voted" });
  if (reply) upsertQuestion({ ...reply, voted: true });
}

const questionForm = $("[data-room-question-form]");
questionForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = questionForm.querySelector("textarea");
  const body = input.value.trim();
  if (!body) {
    input.focus();
    return;
  }
  const reply = await send("question.ask", { body });
  if (reply) {
    input.value = "";
    upsertQuestion(reply);
    announce(t("question_sent"));
  }
});

endButton.addEventListener("click", async () => {
  if (confirm(t("confirm_end"))) await send("room.end", {});
});

$("[data-room-action=leave]").addEventListener("click", async () => {
  state.over = true;
  mesh.closeAll({ notify: true });
  controls.stop();
  await socket.leave(topic).catch(() => {});
  location.assign(root.dataset.leaveUrl);
});

// Browsers refuse sound that starts by itself; the first click or key press in the page is the
// gesture that lets the remote tiles' sound play, with no extra button to find.
for (const type of ["pointerdown", "keydown"]) {
  addEventListener(type, () => grid.unlockSound(), { once: true, capture: true });
}

// --- start ------------------------------------------------------------------------------------

socket
  .join(topic)
  .then(enter)
  .then(() => {
    root.dataset.ready = "true";
  })
  .catch(async (error) => {
    await refused(error);
    root.dataset.ready = "error";
  });
