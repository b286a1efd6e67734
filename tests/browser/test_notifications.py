"""The bell in a professional's header counts up live when a student asks for contact; the
notifications page lists it, and marking all read clears the badge. Screenshots of the pages
go to $NOTIFICATION_SHOTS when it is set."""

import os
from pathlib import Path
from typing import Any

import pytest

from accounts.notifications.service import notify
from tests.browser.test_chat import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.live]

WAIT_LIVE = """() => new Promise((resolve) => import('backstage/shell.js').then(
  ({ socket }) => socket.onStatus((status) => status === 'live' && resolve(true))))"""


def test_the_bell_counts_a_contact_request_live(
    live_daphne: Any, transactional_db: None, make_user: Any, new_page: Any
) -> None:
    base = live_daphne.http_url
    student = make_user(role="student", display_name="Léa", birth_year=2009)
    pro = make_user(role="professional", display_name="Samir", verified=True)

    samir = signed_in_page(new_page, base, pro)
    samir.set_viewport_size({"width": 1280, "height": 900})
    samir.goto(f"{base}/home/")
    samir.evaluate(WAIT_LIVE)
    bell = samir.locator("[data-notification-bell]")
    badge = bell.locator("[data-notification-count]")
    assert badge.is_hidden()

    lea = signed_in_page(new_page, base, student)
    lea.goto(f"{base}/chats/contact/{pro.pk}/")
    lea.locator("#contact-message").fill("Bonjour, je peux vous poser une question ?")
    lea.locator("form.form button[type=submit]").click()
    lea.wait_for_url(f"{base}/chats/")

    badge.wait_for(state="visible", timeout=15_000)
    assert badge.inner_text() == "1"
    label = bell.get_attribute("aria-label") or ""
    assert "1" in label
    assert samir.locator("[data-notification-announce]").inner_text().startswith("Léa")

    bell.click()
    samir.wait_for_url(f"{base}/notifications/")
    items = samir.locator(".notification-item")
    assert items.count() == 1
    assert "Léa" in items.first.inner_text()
    assert samir.locator(".notification-item--unread").count() == 1
    samir.locator("[data-mark-all-read]").click()
    samir.wait_for_url(f"{base}/notifications/")
    assert samir.locator("[data-notification-bell] [data-notification-count]").is_hidden()
    assert samir.locator(".notification-item--unread").count() == 0
    assert samir.locator("[data-mark-all-read]").count() == 0


def test_screenshots_of_the_pages(
    live_daphne: Any, transactional_db: None, make_user: Any, new_page: Any
) -> None:
    shots = os.environ.get("NOTIFICATION_SHOTS")
    if not shots:
        pytest.skip("set NOTIFICATION_SHOTS to a folder to take the screenshots")
    base = live_daphne.http_url
    pro = make_user(
        role="professional", display_name="Samir", verified=True, email="samir@example.org"
    )
    for name in ("Léa Dubois-Van den Berghe", "Noah"):
        notify(
            user_id=pro.pk,
            kind="contact_requested",
            data={"request": 1, "name": name, "url": "/chats/"},
        )
    notify(user_id=pro.pk, kind="report_handled", data={})
    folder = Path(shots)
    folder.mkdir(parents=True, exist_ok=True)
    for locale, language in (("fr-BE", "fr"), ("en-GB", "en"), ("nl-BE", "nl")):
        for width in (390, 1280):
            page = new_page(locale=locale, width=width)
            signed = signed_in_page(lambda page=page: page, base, pro)
            for path, label in (
                ("/notifications/", "list"),
                ("/settings/notifications/", "settings"),
                ("/home/", "home"),
            ):
                signed.goto(f"{base}{path}")
                signed.screenshot(
                    path=str(folder / f"{label}-{language}-{width}.png"), full_page=True
                )
