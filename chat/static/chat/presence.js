// "Online now" badges ([data-presence="<user id>"], from chat/_presence.html), kept live by the
// `online` pushes the server sends on this user's topic about their conversation partners.
import { socket } from "backstage/shell.js";

/** Show `userId` as online or offline in every badge of the page. */
export function showPresence(userId, online) {
  for (const badge of document.querySelectorAll(`[data-presence="${Number(userId)}"]`)) {
    badge.dataset.online = String(Boolean(online));
    const text = badge.querySelector("[data-presence-text]");
    text.textContent = online ? badge.dataset.labelOnline : badge.dataset.labelOffline;
  }
}

socket.on("online", ({ data }) => showPresence(data.user_id, data.online));
