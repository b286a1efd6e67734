// A host's invitation, on whatever page the guest has open: `room.invited` on the user's
// topic (docs/rooms.md) shows a notice with a link to the room, read out by screen readers.
// Invitations that arrived while the guest was away come with the page (a JSON script) and
// show the same way. A notice stays until followed (the guest is then in the room) or
// dismissed, which the server records, so it is not shown again on the next page.
import { socket } from "backstage/shell.js";

const root = document.querySelector("[data-room-invite-notices]");

function fill(text, vars) {
  return text.replace(/%\((\w+)\)s/g, (_, key) => String(vars[key] ?? ""));
}

function dismissOnServer(roomId) {
  const url = root.dataset.dismissApi.replace("/0/", `/${roomId}/`);
  fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRFToken": root.dataset.csrf },
  }).catch(() => {}); // offline: the notice comes back on a later page, no harm done
}

function show({ room, by }, { announce = true } = {}) {
  if (new URL(room.url, location.href).pathname === location.pathname) return; // already here
  const list = root.querySelector("[data-room-invite-notice-list]");
  if (list.querySelector(`[data-room-id="${room.id}"]`)) return;
  const template = root.querySelector("[data-room-invite-notice-template]");
  const item = template.content.firstElementChild.cloneNode(true);
  item.dataset.roomId = String(room.id);
  const text = fill(root.dataset.labelInvited, { name: by.name, title: room.title });
  item.querySelector("[data-text]").textContent = text;
  item.querySelector("[data-open]").href = room.url;
  const dismiss = item.querySelector("[data-dismiss]");
  dismiss.setAttribute("aria-label", fill(root.dataset.labelDismiss, { title: room.title }));
  dismiss.addEventListener("click", () => {
    dismissOnServer(room.id);
    const next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    // The focus was on this button: keep it in the notices, or give it back to the page.
    (next?.querySelector("[data-open]") || document.getElementById("main"))?.focus();
  });
  list.append(item);
  if (!announce) return;
  const announcer = root.querySelector("[data-room-invite-announcer]");
  announcer.textContent = "";
  setTimeout(() => {
    announcer.textContent = text;
  }, 50);
}

if (root) {
  const waiting = JSON.parse(document.getElementById("room-invitations-waiting")?.textContent || "[]");
  // Newest first; only the newest is read out, the others are in the list for whoever looks.
  waiting.forEach((invitation, index) => show(invitation, { announce: index === 0 }));
  socket.on("room.invited", ({ data }) => show(data));
}
