// The header's menu on phones: a button opens and closes the navigation, and the language
// switch moves into the menu so the page's content starts near the top. Without this module
// the button stays hidden and the navigation stays open (backstage.css).

const PHONE = matchMedia("(max-width: 47.99rem)");

const header = document.querySelector("[data-site-header]");
const button = header?.querySelector("[data-menu-button]");
const menu = header?.querySelector("[data-menu]");

/** Move the language switch between the top bar (wide screens) and the menu (phones). */
function placeLanguages() {
  const languages = document.querySelector(".lang-switch");
  const home = document.querySelector("[data-languages-home]");
  const slot = header?.querySelector("[data-languages-menu]");
  if (!languages || !home || !slot) return;
  const target = PHONE.matches ? slot : home;
  // Moving the focused button would drop the focus: keep it where it was.
  const focused = languages.contains(document.activeElement) ? document.activeElement : null;
  if (languages.parentElement !== target) target.append(languages);
  if (focused) focused.focus();
}

function isOpen() {
  return button.getAttribute("aria-expanded") === "true";
}

function open() {
  button.setAttribute("aria-expanded", "true");
  menu.classList.add("is-open");
  // Straight to the first destination, so a keyboard user does not tab through the header again.
  menu.querySelector("a[href], button, input:not([type=hidden])")?.focus();
}

/** @param {{returnFocus?: boolean}} [options] */
function close({ returnFocus = false } = {}) {
  if (!isOpen()) return;
  button.setAttribute("aria-expanded", "false");
  menu.classList.remove("is-open");
  if (returnFocus) button.focus();
}

if (header && button && menu) {
  header.classList.add("has-menu");
  button.addEventListener("click", () => (isOpen() ? close() : open()));
  header.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isOpen()) {
      event.preventDefault();
      close({ returnFocus: true });
    }
  });
  // Tabbing out of the open menu (or clicking elsewhere) closes it.
  header.addEventListener("focusout", (event) => {
    if (event.relatedTarget && !header.contains(event.relatedTarget)) close();
  });
  document.addEventListener("click", (event) => {
    if (isOpen() && !header.contains(event.target)) close();
  });
  PHONE.addEventListener("change", () => {
    close();
    placeLanguages();
  });
  placeLanguages();
}
