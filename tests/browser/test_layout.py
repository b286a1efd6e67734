"""Layout of the live pages: on a phone the chat's newest message stays above the composer
and the content starts near the top; the room page has no blank band above its videos at
1280 px; the connection status shows on live pages only, named as what it is."""

from typing import Any

import pytest

from chat import services
from tests.chat.conftest import open_conversation
from tests.realtime.conftest import session_cookie
from tests.rooms.conftest import make_room

pytestmark = [pytest.mark.browser, pytest.mark.live]

BOX = "(selector) => { const r = document.querySelector(selector).getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; }"  # noqa: E501


def signed_in(new_page: Any, base: str, user: Any, **options: Any) -> Any:
    page = new_page(locale="en-GB", **options)
    name, value = session_cookie(user).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": base}])
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    return page


def box(page: Any, selector: str) -> dict[str, float]:
    return dict(page.evaluate(BOX, selector))


def assert_newest_above_composer(page: Any) -> None:
    newest = box(page, ".chat__messages > li:last-child")
    composer = box(page, ".chat__composer")
    assert newest["bottom"] <= composer["top"] + 0.5, (newest, composer)
    assert newest["top"] >= 0, newest  # the whole message, not just its end


def test_the_composer_never_covers_the_newest_message(
    live_daphne: Any, transactional_db: None, make_user: Any, new_page: Any
) -> None:
    base = live_daphne.http_url
    student = make_user(role="student", display_name="Léa", birth_year=2009)
    pro = make_user(role="professional", display_name="Samir", verified=True)
    conversation = open_conversation(student, pro, "Bonjour !")
    for number in range(24):
        services.message_send(
            author=(pro, student)[number % 2],
            conversation=conversation,
            body=f"Message {number}: a few words, enough to wrap on a phone screen.",
            client_id=f"layout-{number}",
            rate_limited=False,
        )
    page = signed_in(new_page, base, student)
    page.goto(f"{base}/chats/{conversation.pk}/")
    page.wait_for_selector("[data-chat][data-ready=true]")
    page.wait_for_function(
        "() => document.querySelectorAll('.chat-message[data-seq]').length == 25"
    )
    page.wait_for_timeout(300)  # the scroll after the history is painted
    # The composer sticks to the bottom of the screen over a long history: it could cover.
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.chat__composer')).position")
        == "sticky"
    )
    assert page.evaluate("document.documentElement.scrollHeight") > 844 * 2
    assert_newest_above_composer(page)

    page.get_by_role("textbox", name="Message").fill("And one more, just sent.")
    page.get_by_role("textbox", name="Message").press("Enter")
    page.locator(".chat-message[data-seq='26']").wait_for()
    page.wait_for_timeout(300)
    assert_newest_above_composer(page)

    # The connection status is by the composer, not beside the partner's presence.
    status = page.locator("#live-status")
    status.wait_for(state="visible")
    text = status.locator("[data-live-status-text]").inner_text().strip()
    assert text in {"Connecting…", "Connected", "Reconnecting…"}
    assert page.locator(".chat__head #live-status").count() == 0

    page.goto(f"{base}/home/")
    page.locator("[data-menu-button]").wait_for(state="visible")
    assert page.locator("#live-status").count() == 0


def test_room_page_on_a_phone_and_on_a_wide_screen(
    live_daphne: Any, transactional_db: None, make_user: Any, new_page: Any
) -> None:
    base = live_daphne.http_url
    student = make_user(role="student", display_name="Léa", birth_year=2009)
    pro = make_user(role="professional", display_name="Samir", verified=True)
    room = make_room(pro, title="A day as an ER nurse")
    url = f"{base}/rooms/{room.pk}/"

    phone = signed_in(new_page, base, student)
    phone.goto(url)
    phone.wait_for_selector("[data-room][data-ready=true]")
    assert box(phone, "main")["top"] <= 120

    wide = signed_in(new_page, base, student, width=1280, height=900)
    wide.goto(url)
    wide.wait_for_selector("[data-room][data-ready=true]")
    heading = box(wide, ".room__head")
    media = box(wide, ".room__media")
    assert 0 <= media["top"] - heading["bottom"] <= 32, (heading, media)
    # No video yet: a line of text says where they come, not a tall blank block.
    waiting = box(wide, ".room-grid-empty")
    assert waiting["bottom"] - waiting["top"] < 100
    status = wide.locator("#live-status")
    status.wait_for(state="visible")
    text = status.locator("[data-live-status-text]").inner_text().strip()
    assert text in {"Connecting…", "Connected", "Reconnecting…"}
