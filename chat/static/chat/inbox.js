// The inbox, live: `conversation.activity` (a message in one of the user's direct conversations)
// updates the preview and unread count and moves the conversation to the top;
// `conversation.read` (read in another tab) clears its count; `online` updates presence (see
// presence.js). After a reconnect, or when the tab comes back into view, the list is fetched
// again, since pushes sent while the socket was down are lost.
import { socket } from "backstage/shell.js";
import { showPresence } from "./presence.js";

const root = document.querySelector("[data-chat-inbox]");
const me = Number(root.dataset.me);
const listElement = root.querySelector("[data-chat-list]");
const announcer = root.querySelector("[data-chat-announce]");

function item(id) {
  return root.querySelector(`[data-conversation="${Number(id)}"]`);
}

function showUnread(element) {
  const unread = Math.max(0, Number(element.dataset.lastSeq) - Number(element.dataset.lastReadSeq));
  const badge = element.querySelector("[data-unread]");
  badge.hidden = unread === 0;
  badge.textContent = badge.textContent.replace(/\d+/, String(unread));
  return unread;
}

function showPreview(element, text) {
  if (text === null || text === undefined) return;
  element.querySelector(".chat-list__preview").textContent = text === "" ? root.dataset.labelDeleted : text;
}

socket.on("conversation.activity", ({ data }) => {
  const element = item(data.id);
  if (!element) {
    location.reload(); // a conversation this page does not show yet: let the server render it
    return;
  }
  if (data.last_seq <= Number(element.dataset.lastSeq)) return; // already counted
  element.dataset.lastSeq = data.last_seq;
  if (data.author_id === me) element.dataset.lastReadSeq = data.last_seq;
  showPreview(element, data.last_message);
  showUnread(element);
  listElement.prepend(element); // latest activity first
  if (data.author_id !== me && announcer) {
    const names = [...element.querySelectorAll("[data-member-name]")].map((el) => el.textContent).join(", ");
    announcer.textContent = root.dataset.labelNew.replace("%(name)s", names);
  }
});

socket.on("conversation.read", ({ data }) => {
  const element = item(data.id);
  if (!element || data.last_read_seq <= Number(element.dataset.lastReadSeq)) return;
  element.dataset.lastReadSeq = data.last_read_seq;
  showUnread(element);
});

async function refresh() {
  const response = await fetch(root.dataset.api, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!response.ok) return;
  const { results } = await response.json();
  if (results.some((entry) => !item(entry.id))) {
    location.reload();
    return;
  }
  for (const entry of results) {
    const element = item(entry.id);
    element.dataset.lastSeq = entry.last_seq;
    element.dataset.lastReadSeq = entry.last_read_seq;
    showUnread(element);
    showPreview(element, entry.last_message);
    for (const member of entry.members) showPresence(member.id, member.online);
    listElement?.append(element); // the server's order: latest activity first
  }
}

for (const type of ["contact.request", "contact.accepted", "contact.declined"]) {
  socket.on(type, () => location.reload());
}
let wasDown = false;
socket.onStatus((status) => {
  if (status === "live" && wasDown) refresh();
  wasDown = status === "reconnecting";
});
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") refresh();
});
