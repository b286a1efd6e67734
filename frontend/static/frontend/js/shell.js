// The shell of every signed-in page: the tab's one BackstageSocket, and the connection status
// ("Connected", "Reconnecting…") on the pages that show live data.
// Page modules share the socket:  import { socket } from "backstage/shell.js";
import { BackstageSocket } from "backstage/socket.js";

/** The WebSocket of this tab. The server joins `user:<id>` by itself on connect. */
export const socket = new BackstageSocket();

/** Show the connection status in every [data-live-status] element (texts come from the page). */
function showStatus(status) {
  for (const element of document.querySelectorAll("[data-live-status]")) {
    const label = element.getAttribute(`data-label-${status.replaceAll("_", "-")}`);
    const text = element.querySelector("[data-live-status-text]") || element;
    element.dataset.status = status;
    if (label && text.textContent !== label) text.textContent = label;
    element.hidden = false;
  }
}

socket.onStatus(showStatus);
socket.connect();

// An open socket keeps a page out of the back/forward cache: close it when the page is hidden
// for navigation, and reconnect (rejoining its topics) if the page is shown again from the cache.
addEventListener("pagehide", () => socket.close());
addEventListener("pageshow", (event) => {
  if (event.persisted) socket.connect();
});
