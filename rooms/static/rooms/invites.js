// The host's invite panel on the room page (also shown before the room opens): each contact
// has an Invite button that calls the REST API (POST /api/rooms/<id>/invites/, docs/rooms.md);
// an invited person moves to the "Invited" list and a status line says so to screen readers.
// The server decides who may be invited: its refusal is shown as it words it.

const panel = document.querySelector("[data-room-invites]");
const labels = JSON.parse(document.getElementById("room-labels")?.textContent || "{}");

/** A translated label with %(name)s placeholders filled in. */
function t(name, vars = {}) {
  return (labels[name] || name).replace(/%\((\w+)\)s/g, (_, key) => String(vars[key] ?? ""));
}

/** The REST error's words: the field's message first (they are in the user's language). */
function reason(body) {
  const error = body?.error;
  return error?.fields?.user?.[0] || (error?.code === "bad_request" ? "" : error?.message) || t("invite_failed");
}

async function invite(button) {
  const item = button.closest("li");
  const candidates = panel.querySelector("[data-room-invite-candidates]");
  const status = panel.querySelector("[data-room-invite-status]");
  const error = panel.querySelector("[data-room-invite-error]");
  error.hidden = true;
  // aria-disabled, not disabled: a disabled button would drop the keyboard focus.
  button.setAttribute("aria-disabled", "true");
  button.setAttribute("aria-busy", "true");
  let response = null;
  try {
    response = await fetch(panel.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": panel.dataset.csrf },
      body: JSON.stringify({ user: Number(button.dataset.roomInvite) }),
    });
  } catch {
    response = null;
  }
  button.removeAttribute("aria-busy");
  button.removeAttribute("aria-disabled");
  if (!response?.ok) {
    error.textContent = reason(response && (await response.json().catch(() => null)));
    error.hidden = false;
    button.focus();
    return;
  }
  // Keep the keyboard where it was: on the next person to invite, else on the "Invited" list.
  const next = item.nextElementSibling || item.previousElementSibling;
  button.remove();
  panel.querySelector("[data-room-invited]").append(item);
  panel.querySelector("[data-room-invited-none]").hidden = true;
  panel.querySelector("[data-room-invite-none]").hidden = candidates.children.length > 0;
  status.textContent = "";
  setTimeout(() => {
    status.textContent = t("invite_sent", { name: item.dataset.name });
  }, 50);
  (next?.querySelector("[data-room-invite]") || panel.querySelector("#room-invited-title")).focus();
}

panel?.addEventListener("click", (event) => {
  const button = event.target.closest("[data-room-invite]");
  if (button && button.getAttribute("aria-busy") !== "true") invite(button);
});
