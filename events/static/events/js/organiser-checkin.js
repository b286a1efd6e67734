// The check-in list: the search filters the list as one types, and each tap checks a person in
// (or undoes it, in draft) without reloading the page, so the organiser keeps their place.
// Without JavaScript the same forms post and the page comes back at the same person.
const list = document.querySelector("[data-checkin-list]");
const filter = document.querySelector("[data-checkin-filter]");
const none = document.querySelector("[data-checkin-none]");
const count = document.querySelector("[data-checkin-count]");

function applyFilter() {
  const query = filter.value.trim().toLowerCase();
  let shown = 0;
  for (const row of list.querySelectorAll("[data-person]")) {
    const match = !query || row.dataset.name.includes(query);
    row.hidden = !match;
    if (match) shown += 1;
  }
  if (none) none.hidden = shown > 0;
}

function updateCount() {
  if (!count) return;
  const rows = list.querySelectorAll("[data-person]");
  const checked = list.querySelectorAll("[data-person].org-person--in").length;
  count.textContent = count.dataset.template
    .replace("%(in)s", String(checked))
    .replace("%(total)s", String(rows.length));
}

/** Redraw one row after the server's answer: its state text and its one button. */
function showRow(row, form, checkedIn) {
  row.classList.toggle("org-person--in", checkedIn);
  row.querySelector("[data-person-state]").textContent = checkedIn
    ? list.dataset.labelIn
    : list.dataset.labelOut;
  const button = form.querySelector("[data-person-button]");
  const input = form.querySelector("input[name=checked_in]");
  const name = button?.querySelector(".visually-hidden")?.textContent || "";
  const mayUndo = list.dataset.mayUndo === "true";
  if (checkedIn && !mayUndo) {
    form.hidden = true;
    return;
  }
  input.value = checkedIn ? "0" : "1";
  button.className = checkedIn
    ? "button button--small org-button--secondary"
    : "button button--small button--primary";
  button.textContent = checkedIn ? list.dataset.labelUndo : list.dataset.labelCheck;
  const hidden = document.createElement("span");
  hidden.className = "visually-hidden";
  hidden.textContent = name;
  button.append(hidden);
}

if (list) {
  if (filter) {
    filter.addEventListener("input", applyFilter);
    applyFilter();
  }
  list.addEventListener("submit", async (event) => {
    const form = event.target.closest("[data-checkin-form]");
    if (!form) return;
    event.preventDefault();
    const row = form.closest("[data-person]");
    const button = form.querySelector("[data-person-button]");
    button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body?.error?.message || list.dataset.error);
      showRow(row, form, body.checked_in);
      updateCount();
    } catch (error) {
      if (count) count.textContent = error.message || list.dataset.error;
    } finally {
      button.disabled = false;
      // Keep the keyboard where it was: on the row's button, or on the row when it went away.
      if (!form.hidden) {
        button.focus();
      } else {
        const rows = [...list.querySelectorAll("[data-person]:not([hidden])")];
        const after = rows.slice(rows.indexOf(row) + 1).concat(rows.slice(0, rows.indexOf(row)));
        const next = after.map((other) => other.querySelector("[data-person-button]")).find(
          (candidate) => candidate && !candidate.closest("form").hidden,
        );
        next?.focus();
      }
    }
  });
}
