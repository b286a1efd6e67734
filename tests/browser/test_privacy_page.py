"""The privacy settings page in a real browser: download one's data, delete one's account
with a wrong then the right password, on a phone-sized screen."""

import json
from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from accounts.privacy import user_is_deleted
from tests.browser.test_shell import assert_accessible
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.live]


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/home/")


def test_download_then_delete_with_a_wrong_then_the_right_password(
    live_daphne: Any, transactional_db: None, page: Any, tmp_path: Path
) -> None:
    base = live_daphne.http_url
    user: User = UserFactory.create(
        username="nina", display_name="Nina", role="student", birth_year=2009
    )
    log_in(page, base, "nina")

    # From the header's Settings, like every destination of the shell (in the menu on a phone).
    page.locator("[data-menu-button]").click()
    page.locator(".site-nav a[href='/settings/']").click()
    page.wait_for_url("**/settings/account/")
    page.locator(".settings-nav a[href='/settings/privacy/']").click()
    page.wait_for_url("**/settings/privacy/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert_accessible(page)
    current = page.locator(".site-nav a[aria-current='page']")
    assert current.get_attribute("href") == "/settings/"

    # The download link fetches the export as a file named after the account.
    link = page.locator("a[download][href='/api/me/export/']")
    assert link.is_visible()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "backstage-export-nina.json"
    saved = tmp_path / "export.json"
    download.save_as(saved)
    exported = json.loads(saved.read_text())
    assert exported["account"]["username"] == "nina"
    assert exported["events"] == []

    # A wrong password: refused, said at the field and in an alert, nothing deleted.
    password = page.locator("#delete-password")
    assert "delete-warning" in (password.get_attribute("aria-describedby") or "")
    password.fill("not-my-password")
    page.locator("form button[type=submit].button--danger").click()
    page.wait_for_selector("#delete-password-error")
    assert page.get_by_role("alert").is_visible()
    assert password.get_attribute("aria-invalid") == "true"
    assert "delete-password-error" in (password.get_attribute("aria-describedby") or "")
    assert_accessible(page)
    user.refresh_from_db()
    assert user.is_active and not user_is_deleted(user)

    # The right one: logged out, back on the landing page, told so.
    page.locator("#delete-password").fill(DEFAULT_PASSWORD)
    page.locator("form button[type=submit].button--danger").click()
    page.wait_for_url(base + "/")
    assert page.locator(".flash--success").is_visible()
    assert page.locator("form.site-header__logout").count() == 0
    deleted = User.objects.get(pk=user.pk)
    assert user_is_deleted(deleted) and not deleted.is_active

    # The session is over: the settings page asks to log in, and so does the API.
    page.goto(base + "/settings/privacy/")
    assert "/login/" in page.url
    assert page.request.get(base + "/api/me/").status in (401, 403)
    log_in_again = page.goto(base + "/login/")
    assert log_in_again is not None
    page.locator("#id_username").fill("nina")
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()
    assert "/login/" in page.url
