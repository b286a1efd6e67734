// The inbox: unread counts and previews refresh when something happens on the user's topic,
// when the tab comes back into view, and every 30 seconds.
import { socket } from "backstage/shell.js";

const root = document.querySelector("[data-chat-inbox]");

async function refresh() {
  const response = await fetch(root.dataset.api, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!response.ok) return;
  const { results } = await response.json();
  const known = new Set([...root.querySelectorAll("[data-conversation]")].map((el) => Number(el.dataset.conversation)));
  if (results.some((item) => !known.has(item.id))) {
    location.reload(); // a new conversation: let the server render it
    return;
  }
  const listElement = root.querySelector("[data-chat-list]");
  for (const item of results) {
    const element = root.querySelector(`[data-conversation="${item.id}"]`);
    const badge = element.querySelector("[data-unread]");
    badge.hidden = item.unread === 0;
    badge.textContent = badge.textContent.replace(/\d+/, String(item.unread));
    if (item.last_message) element.querySelector(".chat-list__preview").textContent = item.last_message;
    listElement.append(element); // the server's order: latest activity first
  }
}

for (const type of ["contact.request", "contact.accepted", "contact.declined"]) {
  socket.on(type, () => location.reload());
}
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") refresh();
});
setInterval(refresh, 30000);
