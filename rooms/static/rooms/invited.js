// A host's invitation, on whatever page the guest has open: `room.invited` on the user's
// topic (docs/rooms.md) shows a notice with a link to the room, read out by screen readers.
// It stays until dismissed or followed; an invitation missed while offline is on /rooms/.
import { socket } from "backstage/shell.js";

const root = document.querySelector("[data-room-invite-notices]");

function fill(text, vars) {
  return text.replace(/%\((\w+)\)s/g, (_, key) => String(vars[key] ?? ""));
}

function show({ room, by }) {
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
    const next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    // The focus was on this button: keep it in the notices, or give it back to the page.
    (next?.querySelector("[data-open]") || document.getElementById("main"))?.focus();
  });
  list.append(item);
  const announcer = root.querySelector("[data-room-invite-announcer]");
  announcer.textContent = "";
  setTimeout(() => {
    announcer.textContent = text;
  }, 50);
}

if (root) socket.on("room.invited", ({ data }) => show(data));
