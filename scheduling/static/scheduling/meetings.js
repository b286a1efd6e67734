// Scheduling pages: say when a booking of this user changed in another tab or by the other
// side (pushes `booking.created|cancelled|rescheduled` on the user's topic), with a link to
// reload. The texts come from the page, already translated.
import { socket } from "backstage/shell.js";

const region = document.querySelector("[data-sched-live]");

function announce(push) {
  if (!region) return;
  const event = push.type.split(".")[1];
  const label = region.getAttribute(`data-label-${event}`);
  if (!label) return;
  const text = document.createElement("span");
  text.textContent = `${label} `;
  const link = document.createElement("a");
  link.href = globalThis.location.pathname + globalThis.location.search;
  link.textContent = region.getAttribute("data-label-reload") || "";
  region.replaceChildren(text, link);
}

for (const type of ["booking.created", "booking.cancelled", "booking.rescheduled"]) {
  socket.on(type, announce);
}
