"""The account settings page with the keyboard, and a forgotten password from the login page
to a new password, in a real browser against daphne (e-mails go to its console)."""

import re
from typing import Any

import pytest

from accounts.models import User
from tests.browser.test_shell import assert_accessible, press_tab_until
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.live]

NEW_PASSWORD = "a-brand-new-passphrase"
RESET_LINK = re.compile(r"https?://[^/\s]+(/password/reset/[^/\s]+/[^/\s]+/)")


def log_in(page: Any, base: str, username: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto(base + "/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/home/")


def test_settings_with_the_keyboard(
    live_daphne: Any, transactional_db: None, new_page: Any
) -> None:
    base = live_daphne.http_url
    page = new_page(locale="en-GB", width=1280, height=900)
    user: User = UserFactory.create(
        username="ines",
        display_name="Inès",
        role="student",
        birth_year=2009,
        preferred_language="en",
    )
    other = new_page(locale="en-GB")
    log_in(other, base, "ines")
    log_in(page, base, "ines")

    # The header's Settings link opens the account section.
    page.locator(".site-nav a[href='/settings/']").click()
    page.wait_for_url("**/settings/account/")
    assert_accessible(page)
    nav = page.locator("nav.settings-nav")
    assert nav.locator("a[aria-current='page']").get_attribute("href") == "/settings/account/"
    assert nav.locator("a[href='/settings/privacy/']").is_visible()

    # Name and e-mail typed, saved with Enter.
    page.locator("#id_display_name").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Inès B.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_email"
    assert "email-status" in (page.locator("#id_email").get_attribute("aria-describedby") or "")
    page.keyboard.type("ines@example.be")
    page.keyboard.press("Enter")
    page.wait_for_selector(".flash--success")
    assert page.locator("#email-status").inner_text().strip().startswith("ines@example.be")
    user.refresh_from_db()
    assert (user.display_name, user.email, user.email_verified_at) == (
        "Inès B.",
        "ines@example.be",
        None,
    )
    assert page.get_by_role("button", name="Send the link again").is_visible()

    # A wrong current password: said at the field, nothing changed.
    page.locator("#id_old_password").focus()
    page.keyboard.type("not-my-password")
    press_tab_until(page, "#id_new_password")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#id_old_password_error")
    assert page.get_by_role("alert").is_visible()
    assert page.locator("#id_old_password").get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    page.locator("#id_old_password").fill(DEFAULT_PASSWORD)
    page.locator("#id_new_password").fill(NEW_PASSWORD)
    page.locator("#id_new_password").press("Enter")
    page.wait_for_selector(".flash--success")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # This tab is still logged in; the other browser is not.
    page.reload()
    assert page.url.endswith("/settings/account/")
    other.goto(base + "/settings/account/")
    assert "/login/" in other.url


def test_forgot_password_from_the_login_page(
    live_daphne: Any, transactional_db: None, page: Any
) -> None:
    base = live_daphne.http_url
    user: User = UserFactory.create(
        username="noor", display_name="Noor", role="student", birth_year=2009
    )
    user.email = "noor@example.be"
    user.save()

    page.goto(base + "/login/")
    page.locator("a[href='/password/forgot/']").click()
    page.wait_for_url("**/password/forgot/")
    assert_accessible(page)
    seen = len(live_daphne.output())
    page.locator("#id_email").fill("noor@example.be")
    page.locator("#id_email").press("Enter")
    page.wait_for_url("**/password/forgot/sent/")
    assert page.get_by_role("status").is_visible()
    assert_accessible(page)

    # The console e-mail backend prints the message in daphne's log.
    link_path = ""
    for _ in range(100):
        found = RESET_LINK.findall(live_daphne.output()[seen:])
        if found:
            link_path = found[-1]
            break
        page.wait_for_timeout(100)
    assert link_path, live_daphne.output()[seen:]

    page.goto(base + link_path)
    page.wait_for_url("**/set-password/")
    assert_accessible(page)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").press("Enter")
    page.wait_for_url("**/login/")
    assert page.locator(".flash--success").is_visible()

    # The link is spent; the new password logs in.
    page.goto(base + link_path)
    assert page.locator("a[href='/password/forgot/']").first.is_visible()
    log_in(page, base, "noor", NEW_PASSWORD)
