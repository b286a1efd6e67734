// The host's invite panel on the room page (also shown before the room opens): each contact
// has an Invite button that calls the REST API (POST /api/rooms/<id>/invites/, docs/rooms.md);
// an invited person moves to the "Invited" list and a status line says so to screen readers.
// A search finds verified professionals who are not contacts (the gallery's
// GET /api/profiles/?q=). Invitations made in the host's other tabs arrive as
// `room.invite.created` on the host's user topic and move the person here too.
// The server decides who may be invited: its refusal is shown as it words it.
import { socket } from "backstage/shell.js";

const panel = document.querySelector("[data-room-invites]");
const labels = JSON.parse(document.getElementById("room-labels")?.textContent || "{}");
const plurals = new Intl.PluralRules(document.documentElement.lang || "en");

/** A translated label with %(name)s placeholders filled in (plural entries by `count`). */
function t(name, vars = {}) {
  const entry = labels[name];
  const text = typeof entry === "object" ? entry[plurals.select(Number(vars.count))] || entry.other : entry || name;
  return text.replace(/%\((\w+)\)s/g, (_, key) => String(vars[key] ?? ""));
}

/** The REST error's words: the field's message first (they are in the user's language). */
function reason(body) {
  const error = body?.error;
  return error?.fields?.user?.[0] || (error?.code === "bad_request" ? "" : error?.message) || t("invite_failed");
}

/** Say `text` in a status line, even when it is the same words as last time. */
function say(line, text) {
  line.textContent = "";
  setTimeout(() => {
    line.textContent = text;
  }, 50);
}

const invitedList = () => panel.querySelector("[data-room-invited]");
const isInvited = (userId) => Boolean(invitedList().querySelector(`[data-user-id="${userId}"]`));

/** A person's row: name, a second line (role or job), and an Invite button when wanted. */
function personItem({ id, name, detail }, { withButton }) {
  const item = document.createElement("li");
  item.className = "room-person";
  item.dataset.userId = String(id);
  item.dataset.name = name;
  const nameNode = document.createElement("span");
  nameNode.className = "room-person__name";
  nameNode.textContent = name;
  const detailNode = document.createElement("span");
  detailNode.className = "room-person__role";
  detailNode.textContent = detail;
  item.append(nameNode, detailNode);
  if (withButton) {
    const button = document.createElement("button");
    button.className = "button button--small button--primary room-person__invite";
    button.type = "button";
    button.dataset.roomInvite = String(id);
    button.setAttribute("aria-label", t("invite_named", { name }));
    button.textContent = t("invite");
    item.append(button);
  }
  return item;
}

/** Keep the "nobody" lines true to their lists. */
function refreshEmptyLines() {
  const candidates = panel.querySelector("[data-room-invite-candidates]");
  panel.querySelector("[data-room-invited-none]").hidden = invitedList().children.length > 0;
  panel.querySelector("[data-room-invite-none]").hidden = candidates.children.length > 0;
}

/** Move a person to the "Invited" list (from the contacts or the search results, or add them). */
function markInvited(user) {
  const rows = panel.querySelectorAll(
    `[data-room-invite-candidates] [data-user-id="${user.id}"], [data-room-invite-results] [data-user-id="${user.id}"]`,
  );
  if (!isInvited(user.id)) {
    const detail = rows[0]?.querySelector(".room-person__role")?.textContent || t(`user_role_${user.role}`);
    invitedList().append(personItem({ id: user.id, name: user.name, detail }, { withButton: false }));
  }
  rows.forEach((row) => row.remove());
  refreshEmptyLines();
}

async function invite(button) {
  const item = button.closest("li");
  // Where the keyboard goes next: taken now, as the push of this very invitation may arrive
  // (and remove the row) before the reply does.
  const next = item.nextElementSibling || item.previousElementSibling;
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
  const body = await response.json().catch(() => null);
  // Without a readable reply, the row itself says who it was (markInvited keeps its role line).
  markInvited(body?.user || { id: Number(button.dataset.roomInvite), name: item.dataset.name });
  say(status, t("invite_sent", { name: item.dataset.name }));
  // Keep the keyboard where it was: on the next person to invite, else on the "Invited" list.
  const nextButton = next?.isConnected ? next.querySelector("[data-room-invite]") : null;
  (nextButton || panel.querySelector("#room-invited-title")).focus();
}

/** Verified professionals matching the query, not the host and not invited yet (one page). */
async function search(query) {
  const found = panel.querySelector("[data-room-invite-found]");
  const results = panel.querySelector("[data-room-invite-results]");
  say(found, t("invite_searching"));
  let cards = null;
  try {
    const url = new URL(panel.dataset.searchApi, location.href);
    url.searchParams.set("q", query);
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    cards = response.ok ? (await response.json()).results : null;
  } catch {
    cards = null;
  }
  if (!cards) {
    say(found, t("invite_search_failed"));
    return;
  }
  const people = cards.filter(
    (card) => String(card.professional) !== panel.dataset.hostId && !isInvited(card.professional),
  );
  results.replaceChildren(
    ...people.map((card) =>
      personItem(
        { id: card.professional, name: card.display_name, detail: card.job_title || t("user_role_professional") },
        { withButton: true },
      ),
    ),
  );
  results.hidden = people.length === 0;
  say(found, people.length ? t("invite_found", { count: people.length }) : t("invite_found_none", { query }));
}

if (panel) {
  panel.addEventListener("click", (event) => {
    const button = event.target.closest("[data-room-invite]");
    if (button && button.getAttribute("aria-busy") !== "true") invite(button);
  });
  panel.querySelector("[data-room-invite-search]").addEventListener("submit", (event) => {
    event.preventDefault();
    const query = new FormData(event.target).get("q").trim();
    if (query) search(query);
  });
  socket.on("room.invite.created", ({ data }) => {
    if (String(data.room) === panel.dataset.roomId) markInvited(data.user);
  });
}
