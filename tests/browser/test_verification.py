"""The verification queue in a real browser: an organiser verifies a waiting professional with
the keyboard only; the professional's home then shows where they stand."""

from typing import Any

import pytest

from accounts.models import User
from safeguarding.models import VerificationDecision
from tests.browser.test_privacy_page import log_in
from tests.browser.test_shell import assert_accessible, press_tab_until
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_organiser_verifies_with_the_keyboard_and_the_pro_sees_it(
    live_daphne: Any, transactional_db: None, new_page: Any
) -> None:
    base = live_daphne.http_url
    organiser = UserFactory.create(username="org", display_name="Sofie", role="organiser")
    pro: User = UserFactory.create(
        username="lea", display_name="Léa Martin", role="professional", verified=False
    )
    UserFactory.create(username="tom", display_name="Tom Claes", role="professional")

    # The professional first sees that they wait, and what happens next.
    pro_page = new_page(locale="en-GB", width=390)
    log_in(pro_page, base, "lea")
    standing = pro_page.locator("[data-verification-status]")
    assert standing.get_attribute("data-verification-status") == "pending"

    page = new_page(locale="en-GB", width=1280, height=900)
    log_in(page, base, "org")
    page.locator(".site-nav a[href='/verification/']").click()
    page.wait_for_url("**/verification/")
    assert_accessible(page)
    card = page.locator(f"#pro-{pro.pk}")
    assert card.locator("h3").inner_text() == "Léa Martin"
    assert page.locator("[data-professional]").count() == 2

    # Keyboard only: tick "identity seen", choose the enhanced level, give the extract's date
    # and a note, submit.
    press_tab_until(page, f"#pro-{pro.pk}-identity", limit=80)
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the checked radio of the group (standard)
    assert page.evaluate("document.activeElement.id") == f"pro-{pro.pk}-level-standard"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == f"pro-{pro.pk}-level-enhanced"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"pro-{pro.pk}-extract"
    # Day and month alike: the field's order follows the browser build's locale.
    page.keyboard.type("01012026")
    page.keyboard.press("Tab")
    if page.evaluate("document.activeElement.id") != f"pro-{pro.pk}-note":
        press_tab_until(page, f"#pro-{pro.pk}-note")
    page.keyboard.type("ID card and extract seen at the school fair")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/verification/")
    page.locator(".flash--success").wait_for()
    assert "Léa Martin est vérifié·e." in page.locator(".flash-list").inner_text()
    assert page.locator(f"#pro-{pro.pk}").count() == 0
    assert page.locator("[data-professional]").count() == 1  # Tom still waits
    recent = page.locator(".verification-decisions li").first
    assert "Léa Martin" in recent.inner_text() and "Sofie" in recent.inner_text()

    decision = VerificationDecision.objects.get(professional=pro)
    assert (decision.level, decision.decided_by_id) == ("enhanced", organiser.pk)
    assert decision.extract_date is not None and decision.extract_date.isoformat() == "2026-01-01"
    pro.refresh_from_db()
    assert pro.verified is True

    # The professional's home now shows the level and the date.
    pro_page.reload()
    standing = pro_page.locator("[data-verification-status]")
    assert standing.get_attribute("data-verification-status") == "verified"
    assert "extrait de casier judiciaire" in standing.inner_text()
    assert_accessible(pro_page)
