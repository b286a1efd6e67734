// The gallery on top of pages that work without JavaScript: results follow the search box
// (debounced) and the filters without a reload, "show more" appends the next page in place, and
// save buttons post in place. The server renders every piece (?partial=1); texts come from it.

const DEBOUNCE_MS = 300;

/** A polite live region: the page's own, or one made now (it must exist before it speaks). */
function liveRegion() {
  let region = document.querySelector("[data-results-status]");
  if (!region) {
    region = document.createElement("p");
    region.className = "visually-hidden";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    region.dataset.resultsStatus = "";
    document.querySelector("main")?.append(region);
  }
  return region;
}

const status = liveRegion();

function announce(text) {
  if (!text) return;
  // Cleared first, so that the same text said twice is announced twice.
  status.textContent = "";
  setTimeout(() => {
    status.textContent = text;
  }, 60);
}

/** Fetch a page of results (?partial=1) and parse it into its [data-results] element. */
async function fetchResults(url, signal) {
  const partial = new URL(url, location.href);
  partial.searchParams.set("partial", "1");
  const response = await fetch(partial, {
    signal,
    credentials: "same-origin",
    headers: { Accept: "text/html" },
  });
  // 400 is an unknown filter value: its page explains it.
  if (!response.ok && response.status !== 400) throw new Error(`HTTP ${response.status}`);
  const template = document.createElement("template");
  template.innerHTML = await response.text();
  const results = template.content.querySelector("[data-results]");
  if (!results) throw new Error("no results in the response");
  return results;
}

// --- Live search ---------------------------------------------------------------------------

const form = document.querySelector("form[data-search-form]");

function searchUrl() {
  const url = new URL(form.action, location.href);
  for (const [key, value] of new FormData(form)) {
    if (typeof value === "string" && value.trim() !== "") url.searchParams.set(key, value.trim());
  }
  return url;
}

function showFilterCount(results) {
  const badge = form.querySelector("[data-filter-count]");
  if (!badge) return;
  badge.querySelector("[data-filter-number]").textContent = results.dataset.filterNumber || "";
  badge.querySelector("[data-filter-text]").textContent = results.dataset.filterCount || "";
  badge.hidden = !results.dataset.filterCount;
  const clear = form.querySelector("[data-clear-filters]");
  if (clear) clear.hidden = !results.dataset.filterCount;
}

if (form) {
  document.documentElement.classList.add("js-live");
  let timer = 0;
  let controller = null;

  const run = async () => {
    clearTimeout(timer);
    controller?.abort();
    controller = new AbortController();
    const url = searchUrl();
    try {
      const results = await fetchResults(url, controller.signal);
      document.querySelector("[data-results]")?.replaceWith(results);
      history.replaceState(history.state, "", url.pathname + url.search);
      showFilterCount(results);
      announce(results.dataset.countText);
    } catch (error) {
      if (error.name !== "AbortError") location.assign(url);
    }
  };

  form.addEventListener("input", (event) => {
    if (event.target.name !== "q") return;
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  });
  form.addEventListener("change", (event) => {
    if (event.target.tagName === "SELECT") run();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  form.querySelector("[data-clear-filters]")?.addEventListener("click", (event) => {
    event.preventDefault();
    for (const select of form.querySelectorAll("select")) select.value = "";
    run();
  });

  // Wide screens have room for the filters: open them.
  const filters = form.querySelector("[data-filters]");
  if (filters && matchMedia("(min-width: 64rem)").matches) filters.open = true;
}

// --- Show more -------------------------------------------------------------------------------

document.addEventListener("click", async (event) => {
  const more = event.target.closest("a[data-more]");
  if (!more || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  if (more.getAttribute("aria-busy") === "true") return;
  more.setAttribute("aria-busy", "true");
  try {
    const results = await fetchResults(more.href);
    const list = document.querySelector("[data-results-list]");
    const items = [...results.querySelectorAll("[data-results-list] > li")];
    list.append(...items);
    const pager = results.querySelector("[data-pager]");
    pager?.querySelector("[rel=prev]")?.remove();
    if (pager?.querySelector("[data-more]")) more.closest("[data-pager]").replaceWith(pager);
    else more.closest("[data-pager]").remove();
    items[0]?.querySelector(".card__link")?.focus();
    const template = more.dataset.labelShown || "";
    announce(
      template
        .replace("__shown__", String(list.children.length))
        .replace("__total__", results.dataset.total || ""),
    );
  } catch {
    location.assign(more.href);
  } finally {
    more.removeAttribute("aria-busy");
  }
});

// --- Save toggles -------------------------------------------------------------------------------

document.addEventListener("submit", async (event) => {
  const saveForm = event.target.closest("form[data-save-form]");
  if (!saveForm) return;
  event.preventDefault();
  const button = saveForm.querySelector("button");
  if (button.getAttribute("aria-busy") === "true") return;
  button.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(saveForm.action, {
      method: "POST",
      body: new FormData(saveForm),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const { saved, message } = await response.json();
    button.setAttribute("aria-pressed", String(saved));
    button.querySelector("[data-save-text]").textContent = saved
      ? button.dataset.labelSaved
      : button.dataset.labelSave;
    saveForm.querySelector("[data-save-value]").value = saved ? "0" : "1";
    announce(message);
  } catch {
    saveForm.submit();
  } finally {
    button.removeAttribute("aria-busy");
  }
});
