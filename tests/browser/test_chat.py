"""Two people chat in two browsers: live messages both ways, typing, seen, and a reconnect."""

from typing import Any

import pytest
from django.conf import settings

from tests.chat.conftest import open_conversation
from tests.realtime.conftest import session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.live]


def signed_in_page(new_page: Any, base: str, user: Any) -> Any:
    page = new_page()
    name, value = session_cookie(user).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": base}])
    assert name == settings.SESSION_COOKIE_NAME
    return page


def bodies(page: Any) -> list[str]:
    return list(page.locator(".chat-message[data-seq] .chat-message__body").all_inner_texts())


def test_student_and_professional_chat_live(
    live_daphne: Any, transactional_db: None, make_user: Any, new_page: Any
) -> None:
    base = live_daphne.http_url
    student = make_user(role="student", display_name="Léa", birth_year=2009)
    pro = make_user(role="professional", display_name="Samir", verified=True)
    conversation = open_conversation(student, pro, "Bonjour, je peux vous poser une question ?")
    url = f"{base}/chats/{conversation.pk}/"

    lea = signed_in_page(new_page, base, student)
    samir = signed_in_page(
        new_page,
        base,
        pro,
    )
    for page in (lea, samir):
        page.goto(url)
        page.wait_for_selector("[data-chat][data-ready=true]")
        assert bodies(page) == ["Bonjour, je peux vous poser une question ?"]
    # The heading's accessible name: the avatar beside the name is decorative (aria-hidden).
    assert samir.get_by_role("heading", level=1, name="Léa", exact=True).count() == 1

    # Samir types: Léa sees it; then he answers and she reads it live.
    samir.get_by_role("textbox", name="Message").fill("Bien sûr")
    lea.wait_for_function(
        "() => document.querySelector('[data-chat-typing]').textContent.includes('Samir')"
    )
    samir.get_by_role("textbox", name="Message").press("Enter")
    lea.locator(".chat-message[data-seq='2']").wait_for()
    assert bodies(lea)[-1] == "Bien sûr"
    # Léa's page marked it read: Samir's last message shows it was seen.
    samir.locator(".chat-message[data-seq='2'] .chat-message__seen").wait_for()

    # HTML is text.
    lea.get_by_role("textbox", name="Message").fill("<b>merci</b>")
    lea.get_by_role("button", name="Send").or_(lea.get_by_role("button", name="Envoyer")).click()
    samir.locator(".chat-message[data-seq='3']").wait_for()
    assert bodies(samir)[-1] == "<b>merci</b>"
    assert samir.locator(".chat-message b").count() == 0

    # Léa's connection drops; she keeps writing while Samir writes too.
    lea.evaluate("async () => (await import('backstage/shell.js')).socket.ws.close()")
    lea.get_by_role("textbox", name="Message").fill("Je suis dans le tunnel")
    lea.get_by_role("textbox", name="Message").press("Enter")
    samir.get_by_role("textbox", name="Message").fill("Tu es là ?")
    samir.get_by_role("textbox", name="Message").press("Enter")
    samir.get_by_role("textbox", name="Message").fill("Je continue")
    samir.get_by_role("textbox", name="Message").press("Enter")
    for page in (lea, samir):
        page.locator(".chat-message[data-seq='6']").wait_for(timeout=15_000)
        page.wait_for_timeout(300)
    expected = {"Je suis dans le tunnel", "Tu es là ?", "Je continue"}
    assert set(bodies(lea)[-3:]) == expected
    assert bodies(lea) == bodies(samir)  # the same history, in the same order, once each
    assert lea.locator(".chat-message--pending").count() == 0
    assert len(bodies(lea)) == 6
