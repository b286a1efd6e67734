// The header badge of the Chats link: how many conversations have unread messages, kept live by
// `conversation.activity` and `conversation.read` on the user's topic (no polling). Fetched
// again after a reconnect, since pushes sent while the socket was down are lost.
import { socket } from "backstage/shell.js";

const badge = document.querySelector("[data-chat-badge]");
/** conversation id -> {last_seq, last_read_seq} */
const conversations = new Map();

function show() {
  let unread = 0;
  for (const entry of conversations.values()) if (entry.last_seq > entry.last_read_seq) unread += 1;
  badge.querySelector("[data-chat-badge-count]").textContent = String(unread);
  badge.hidden = unread === 0;
}

async function load() {
  const response = await fetch(badge.dataset.api, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!response.ok) return;
  conversations.clear();
  for (const entry of (await response.json()).results) conversations.set(entry.id, entry);
  show();
}

if (badge) {
  socket.on("conversation.activity", ({ data }) => {
    const entry = conversations.get(data.id) || { last_seq: 0, last_read_seq: 0 };
    entry.last_seq = Math.max(entry.last_seq, data.last_seq);
    if (data.author_id === Number(badge.dataset.me)) {
      entry.last_read_seq = Math.max(entry.last_read_seq, data.last_seq);
    }
    conversations.set(data.id, entry);
    show();
  });
  socket.on("conversation.read", ({ data }) => {
    const entry = conversations.get(data.id);
    if (!entry) return;
    entry.last_read_seq = Math.max(entry.last_read_seq, data.last_read_seq);
    show();
  });
  let wasDown = false;
  socket.onStatus((status) => {
    if (status === "live" && wasDown) load();
    wasDown = status === "reconnecting";
  });
  load();
}
