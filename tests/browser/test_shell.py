"""The shell in a real browser: register, log out, log in, switch language by keyboard."""

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model

pytestmark = [pytest.mark.browser, pytest.mark.live]

User = get_user_model()
PASSWORD = "correct-horse-battery"
USERNAME_FR = "Nom d\u2019utilisateur"  # with the typographic apostrophe

# Sanity checks any page of the shell must pass; returns a list of problems.
A11Y_CHECK = """() => {
  const problems = [];
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push(`${h1} h1 elements`);
  if (!document.documentElement.lang) problems.push("no lang on <html>");
  for (const selector of ["header", "main", "footer", "a.skip-link[href='#main']"]) {
    if (!document.querySelector(selector)) problems.push(`missing ${selector}`);
  }
  const ids = new Set();
  for (const element of document.querySelectorAll("[id]")) {
    if (ids.has(element.id)) problems.push(`duplicate id ${element.id}`);
    ids.add(element.id);
  }
  for (const element of document.querySelectorAll("[aria-describedby], [aria-labelledby]")) {
    for (const attribute of ["aria-describedby", "aria-labelledby"]) {
      for (const id of (element.getAttribute(attribute) || "").split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) problems.push(`${attribute} -> missing #${id}`);
      }
    }
  }
  for (const field of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    const named = field.labels.length || field.getAttribute("aria-label")
      || field.getAttribute("aria-labelledby");
    if (!named) problems.push(`unlabelled ${field.name || field.outerHTML}`);
  }
  for (const control of document.querySelectorAll("button, a[href]")) {
    if (!(control.textContent.trim() || control.getAttribute("aria-label"))) {
      problems.push(`nameless ${control.outerHTML.slice(0, 80)}`);
    }
  }
  for (const image of document.querySelectorAll("img:not([alt])")) {
    problems.push(`img without alt ${image.src}`);
  }
  if (document.documentElement.scrollWidth > window.innerWidth) {
    problems.push("horizontal overflow");
  }
  for (const element of document.querySelectorAll("[src], link[href]")) {
    const url = new URL(element.getAttribute("src") || element.getAttribute("href"), location.href);
    if (url.origin !== location.origin && url.protocol !== "data:") {
      problems.push(`external ${url}`);
    }
  }
  return problems;
}"""


def assert_accessible(page: Any) -> None:
    assert page.evaluate(A11Y_CHECK) == [], page.url


def html_lang(page: Any) -> str:
    return str(page.evaluate("document.documentElement.lang"))


def press_tab_until(page: Any, selector: str, limit: int = 15) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_student_registers_logs_out_logs_in_and_switches_to_dutch(
    live_daphne: Any, transactional_db: None, page: Any, new_page: Any
) -> None:
    base = live_daphne.http_url
    page.goto(base + "/")
    assert html_lang(page) == "fr"
    assert_accessible(page)

    # The skip link is the first stop of the keyboard and moves focus to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.get_by_role("link", name="Créer mon compte").first.click()
    page.wait_for_url("**/register/")
    assert_accessible(page)

    # The year of birth is for students only: hidden (and not sent) for professionals.
    birth_year = page.locator("#id_birth_year")
    page.get_by_label("Je suis pro").check()
    assert birth_year.is_hidden()
    page.get_by_label("Je suis élève").check()
    assert birth_year.is_visible()

    # A first try without the year: the server refuses, the error is tied to the field.
    page.get_by_label("Ton nom").fill("Léa")
    page.get_by_label(USERNAME_FR).fill("lea")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    assert page.get_by_role("alert").is_visible()
    assert "Indique ton année de naissance" in page.locator("#id_birth_year_error").inner_text()
    assert "id_birth_year_error" in (birth_year.get_attribute("aria-describedby") or "")
    assert_accessible(page)
    assert not User.objects.exists()

    page.get_by_label("Je suis élève").check()
    page.get_by_label("Mot de passe").fill(PASSWORD)
    birth_year.fill("2010")
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url("**/home/")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Salut Léa\u00a0!"
    )  # French typography: no-break space
    assert_accessible(page)
    user = User.objects.get(username="lea")
    assert (user.role, user.birth_year, user.preferred_language) == ("student", 2010, "fr")

    # The connection status shows on live pages only (chat, rooms): not on the home page.
    page.locator("[data-menu-button]").wait_for(state="visible")
    assert page.locator("#live-status").count() == 0

    # On a phone, logging out is in the header's menu.
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(base + "/")
    assert "Déconnexion réussie" in page.locator("main").inner_text()

    page.get_by_role("link", name="Se connecter").first.click()
    page.wait_for_url("**/login/")
    assert_accessible(page)
    page.get_by_label(USERNAME_FR).fill("lea")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/home/")

    # Keyboard only: from the top of the page, Tab to "Nederlands" and press Enter.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.locator("body").focus()
    press_tab_until(page, "[data-menu-button]")
    page.keyboard.press("Enter")  # the menu, where the language switch is on a phone
    press_tab_until(page, "button[name=language][value=nl]")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.documentElement.lang === 'nl'")
    assert page.locator("html[lang=nl]").count() == 1
    assert page.get_by_role("heading", level=1).inner_text() == "Hoi Léa!"
    assert page.get_by_role("heading", name="Je volgende stappen").is_visible()
    page.get_by_role("button", name="Menu").click()
    assert page.get_by_role("button", name="Afmelden").is_visible()
    # The cards speak Dutch too: "Speed meetings" is a page of its own now (events).
    assert page.get_by_role("link", name="Speedmeetings").first.is_visible()
    assert page.locator("button[value=nl]").get_attribute("aria-current") == "true"
    assert_accessible(page)
    user.refresh_from_db()
    assert user.preferred_language == "nl"

    # Another browser (no language cookie, French by default) gets the stored language on login.
    other = new_page(locale="fr-BE", width=1280, height=800)
    other.goto(base + "/login/")
    assert html_lang(other) == "fr"
    other.get_by_label(USERNAME_FR).fill("lea")
    other.get_by_label("Mot de passe").fill(PASSWORD)
    other.get_by_role("button", name="Se connecter").click()
    other.wait_for_url("**/home/")
    assert html_lang(other) == "nl"
    assert re.search(r"Hoi Léa!", other.locator("h1").inner_text())
    assert_accessible(other)


def test_unverified_professional_sees_the_notice(
    live_daphne: Any, transactional_db: None, new_page: Any
) -> None:
    page = new_page(locale="nl-BE", width=1280, height=800)
    page.goto(live_daphne.http_url + "/register/?role=professional")
    assert html_lang(page) == "nl"
    assert page.locator("#id_birth_year").is_hidden()
    page.get_by_label("Je naam").fill("Marc")
    page.get_by_label("Gebruikersnaam").fill("marc")
    page.locator("#id_email").fill("marc@example.be")  # asked of professionals
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Mijn account aanmaken").click()
    page.wait_for_url("**/home/")
    notice = page.get_by_role("heading", name="Uw account wacht op verificatie")
    assert notice.is_visible()
    assert_accessible(page)
    assert User.objects.get(username="marc").verified is False
