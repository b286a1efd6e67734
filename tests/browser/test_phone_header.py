"""The header on a 390 px phone: a menu button opens the navigation (keyboard too), the
language switch moves into the menu, and the page's content starts near the top; on a wide
screen, and without JavaScript, the navigation stays in view."""

from typing import Any

import pytest

from tests.realtime.conftest import session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.live]

ROLES: list[dict[str, Any]] = [
    {"role": "student", "birth_year": 2009},
    {"role": "professional", "verified": True},
    {"role": "organiser"},
    {"role": "moderator"},
]


def signed_in(new_page: Any, base: str, user: Any, **options: Any) -> Any:
    page = new_page(**options)
    name, value = session_cookie(user).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": base}])
    return page


def main_top(page: Any) -> float:
    return float(page.evaluate("document.querySelector('main').getBoundingClientRect().top"))


def focused(page: Any, selector: str) -> bool:
    return bool(page.evaluate("(s) => document.activeElement.matches(s)", selector))


def tab_to(page: Any, selector: str, limit: int = 30) -> None:
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("locale", ["fr-BE", "nl-BE", "en-GB"])
def test_signed_out_pages_start_near_the_top_in_every_language(
    live_daphne: Any, transactional_db: None, new_page: Any, locale: str
) -> None:
    """French and Dutch say "Se connecter" and "Registreren": still one row on a phone."""
    base = live_daphne.http_url
    page = new_page(locale=locale)
    for path in ("/", "/login/", "/register/", "/password/forgot/"):
        page.goto(f"{base}{path}")
        assert main_top(page) <= 120, f"{path} in {locale} starts at {main_top(page)} px"
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), path


@pytest.mark.parametrize("fields", ROLES, ids=[fields["role"] for fields in ROLES])
def test_every_home_starts_near_the_top_on_a_phone(
    live_daphne: Any, transactional_db: None, make_user: Any, new_page: Any, fields: dict[str, Any]
) -> None:
    base = live_daphne.http_url
    page = signed_in(new_page, base, make_user(**fields))
    page.goto(f"{base}/home/")
    button = page.locator("[data-menu-button]")
    button.wait_for(state="visible")
    assert main_top(page) <= 120
    assert page.locator("#site-menu").is_hidden()
    # The bell stays outside the menu, in view.
    bell = page.locator(".site-header [data-notification-bell]")
    assert bell.is_visible() and page.locator("#site-menu [data-notification-bell]").count() == 0


def test_the_menu_button_opens_and_closes_with_the_keyboard(
    live_daphne: Any, transactional_db: None, make_user: Any, new_page: Any
) -> None:
    base = live_daphne.http_url
    page = signed_in(new_page, base, make_user(role="student", birth_year=2009))
    page.goto(f"{base}/home/")
    button = page.locator("[data-menu-button]")
    button.wait_for(state="visible")
    assert button.evaluate("(b) => b.tagName") == "BUTTON"
    assert button.get_attribute("aria-controls") == "site-menu"
    assert button.get_attribute("aria-expanded") == "false"
    settings_link = page.locator("#site-menu a[href='/settings/']")
    assert settings_link.is_hidden()
    assert page.locator(".site-header a[href='/settings/privacy/']").count() == 0

    tab_to(page, "[data-menu-button]")
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert settings_link.is_visible()
    # Focus goes to the first destination of the menu; the language switch is in it.
    assert focused(page, "#site-menu a")
    assert page.locator("#site-menu .lang-switch").is_visible()
    assert page.locator(".topbar").is_hidden()
    opened_top = main_top(page)

    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert settings_link.is_hidden()
    assert focused(page, "[data-menu-button]")
    assert main_top(page) < opened_top  # the open menu pushed the content down (control)

    # Space opens it too; a click on the button closes it again.
    page.keyboard.press(" ")
    assert button.get_attribute("aria-expanded") == "true"
    button.click()
    assert button.get_attribute("aria-expanded") == "false"
    assert settings_link.is_hidden()

    # From the menu, the keyboard reaches the language switch.
    button.focus()
    page.keyboard.press("Enter")
    for _ in range(20):
        if focused(page, "#site-menu button[name=language][value=en]"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.locator("[data-menu-button]").inner_text().strip() == "Menu"


def test_wide_screens_and_no_javascript_keep_the_navigation_in_view(
    live_daphne: Any, transactional_db: None, make_user: Any, new_page: Any, chromium: Any
) -> None:
    base = live_daphne.http_url
    user = make_user(role="student", birth_year=2009)
    wide = signed_in(new_page, base, user, width=1280, height=900)
    wide.goto(f"{base}/home/")
    wide.wait_for_function("() => document.querySelector('.site-header.has-menu')")
    assert wide.locator("[data-menu-button]").is_hidden()
    assert wide.locator("#site-menu a[href='/settings/']").is_visible()
    assert wide.locator(".topbar .lang-switch").is_visible()

    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    try:
        name, value = session_cookie(user).split("=", 1)
        context.add_cookies([{"name": name, "value": value, "url": base}])
        page = context.new_page()
        page.goto(f"{base}/home/")
        assert page.locator("[data-menu-button]").is_hidden()
        assert page.locator("#site-menu a[href='/settings/']").is_visible()
        assert page.locator(".topbar .lang-switch").is_visible()
    finally:
        context.close()
