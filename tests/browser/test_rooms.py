"""Video Q&A rooms in real browsers (Debian's Chromium, fake camera and microphone) through
a live daphne: the host's video reaches the student; the student raises a hand, the host sees
it and brings the student on stage, and the student's camera reaches the host; a dropped
connection rejoins and the videos come back; questions, votes, hands in order, the room's
chat, removal and the end of the room; the lobby; a full room; audio only and a blocked
camera; invitations from the page (contacts, a professional found by a search, the host's
other tab following), one waiting for a guest who was away, and a camera or
microphone turned off.
ROOMS_SCREENSHOTS=<folder> saves screenshots at 390 and 1280 px, ROOMS_TIMINGS=1 prints how
long the videos took."""

import os
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from gallery.services import taxonomy_sync
from rooms.services import room_invite
from tests.factories import make_witness
from tests.rooms.browser import (  # noqa: F401  (the fixtures: media_chromium, signed_in)
    SCREENSHOTS,
    contact_rows,
    media_chromium_fixture,
    peer_id,
    shoot,
    signed_in_fixture,
    wait_playing,
)
from tests.rooms.conftest import make_room

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_host_and_student_see_each_other_after_a_raised_hand(
    live_daphne: Any, transactional_db: None, make_user: Any, signed_in: Any
) -> None:
    base = live_daphne.http_url
    pro = make_user(role="professional", display_name="Samir Haddad", verified=True)
    student = make_user(role="student", display_name="Léa Janssens", birth_year=2009)
    room = make_room(pro, title="A day as an ER nurse")
    url = f"{base}/rooms/{room.pk}/"

    host = signed_in(base, pro)
    host.goto(url)
    host.wait_for_selector("[data-room][data-ready=true]")
    # The host publishes at once: the own view plays the fake camera.
    wait_playing(host, "[data-tile=self] video")
    assert host.locator("[data-tile=self] video").evaluate("(video) => video.muted")

    took: dict[str, float] = {}
    started = time.monotonic()
    lea = signed_in(base, student)
    lea.goto(url)
    lea.wait_for_selector("[data-room][data-ready=true]")
    # The audience publishes nothing but receives the host's video.
    wait_playing(lea, ".room-tile--host video")
    took["student page opened → host video playing"] = time.monotonic() - started
    assert lea.locator("[data-tile=self]").count() == 0
    assert lea.locator("[data-room-action=audio]").is_hidden()
    host.locator(f"[data-room-people] [data-user-id='{student.pk}']").wait_for()
    assert "1" not in host.locator("[data-room-people-count]").inner_text()  # "2 people here"

    # Léa raises her hand: the host sees it, in order, with a button to bring her on stage.
    lea.get_by_role("button", name="Raise my hand").click()
    expect(lea.locator("[data-room-action=hand]")).to_have_attribute("aria-pressed", "true")
    hand = host.locator(f"[data-room-hands] [data-user-id='{student.pk}']")
    hand.wait_for()
    assert "Léa Janssens" in hand.inner_text()
    expect(host.locator("[data-room-announcer]")).to_contain_text("Léa Janssens raised a hand.")
    shoot(host, "room-host-hand")

    started = time.monotonic()
    hand.get_by_role("button", name="Bring Léa Janssens on stage").click()
    # On stage, Léa's camera opens and reaches the host through a renegotiation.
    wait_playing(lea, "[data-tile=self] video")
    lea_peer = peer_id(host, student)
    assert lea_peer
    wait_playing(host, f"[data-tile='{lea_peer}'] video")
    took["brought on stage → her video playing at the host"] = time.monotonic() - started
    wait_playing(lea, ".room-tile--host video")  # and the host's still plays for her
    host.locator("[data-room-hands-empty]").wait_for()  # her hand went down
    assert lea.locator("[data-room-action=hand]").is_hidden()
    assert lea.locator("[data-room-action=audio]").is_visible()
    shoot(host, "room-host-two")
    shoot(lea, "room-student-two")

    # The host asks Léa to mute: she is asked (not forced) and turns her microphone off.
    host.get_by_role("button", name="Ask Léa Janssens to turn their microphone off").click()
    prompt = lea.locator("[data-room-mute-request]")
    expect(prompt).to_contain_text("The host asks you to turn your microphone off.")
    prompt.get_by_role("button", name="Turn it off").click()
    expect(lea.locator("[data-room-action=audio]")).to_have_text("Unmute")
    assert lea.evaluate("() => document.activeElement.dataset.roomAction") == "audio"
    assert prompt.is_hidden()

    # Léa's connection drops: she rejoins with a new peer id and both videos come back.
    started = time.monotonic()
    lea.evaluate("async () => (await import('backstage/shell.js')).socket.ws.close()")
    host.wait_for_function("(old) => !document.querySelector(`[data-tile='${old}']`)", arg=lea_peer)
    host.wait_for_function(
        """(old) => [...document.querySelectorAll('[data-tile]')].some((tile) =>
             tile.dataset.tile !== 'self' && tile.dataset.tile !== old &&
             !tile.classList.contains('room-tile--host') &&
             tile.querySelector('video').videoWidth > 0)""",
        arg=lea_peer,
        timeout=30_000,
    )
    wait_playing(lea, ".room-tile--host video")
    took["socket dropped → both videos back"] = time.monotonic() - started
    if os.environ.get("ROOMS_TIMINGS"):
        print({label: round(seconds, 2) for label, seconds in took.items()})

    # The host takes her off stage: her camera stops and her tile leaves the host's grid.
    host.locator(f"[data-room-people] [data-user-id='{student.pk}']").get_by_role(
        "button", name="Take Léa Janssens off stage"
    ).click()
    lea.wait_for_selector("[data-tile=self]", state="detached")
    host.wait_for_function(
        "() => document.querySelectorAll('[data-tile]').length === 2"  # self and nobody else
        " || document.querySelectorAll('[data-tile]').length === 1"
    )
    wait_playing(lea, ".room-tile--host video")
    assert lea.locator("[data-room-action=hand]").is_visible()


def test_questions_votes_and_chat_in_a_room(
    live_daphne: Any, transactional_db: None, make_user: Any, signed_in: Any
) -> None:
    base = live_daphne.http_url
    pro = make_user(role="professional", display_name="Nora Pilot", verified=True)
    one = make_user(role="student", display_name="Tom", birth_year=2009)
    two = make_user(role="student", display_name="Inès", birth_year=2009)
    room = make_room(pro, title="Flying for a living")
    url = f"{base}/rooms/{room.pk}/"
    pages = {}
    for user in (pro, one, two):
        page = signed_in(base, user)
        page.goto(url)
        page.wait_for_selector("[data-room][data-ready=true]")
        pages[user.pk] = page
    host, tom, ines = pages[pro.pk], pages[one.pk], pages[two.pk]

    # Two hands, raised one after the other (Inès with the keyboard): the host sees them in order.
    tom.get_by_role("button", name="Raise my hand").click()
    host.locator(f"[data-room-hands] [data-user-id='{one.pk}']").wait_for()
    ines.locator("[data-room-action=hand]").focus()
    ines.keyboard.press("Enter")
    host.locator(f"[data-room-hands] [data-user-id='{two.pk}']").wait_for()
    assert host.locator(".room-hand__name").all_inner_texts() == ["Tom", "Inès"]
    assert tom.locator(".room-hand__name").all_inner_texts() == ["Tom", "Inès"]
    assert tom.locator(".room-hand__stage").count() == 0  # only the host brings people on stage
    tom.get_by_role("button", name="Lower my hand").click()
    host.wait_for_function("() => document.querySelectorAll('.room-hand').length === 1")

    tom.get_by_label("Your question").fill("How long is the training?")
    tom.get_by_role("button", name="Ask", exact=True).click()
    ines.get_by_label("Your question").fill("<b>Do you sleep in hotels?</b>")
    ines.get_by_role("button", name="Ask", exact=True).click()
    for page in (host, tom, ines):
        page.wait_for_function(
            "() => document.querySelectorAll('[data-room-questions] li').length === 2"
        )
    # Text, never HTML.
    assert host.locator("[data-room-questions] b").count() == 0

    def order(page: Any) -> list[str]:
        return list(page.locator(".room-question__body").all_inner_texts())

    # Tom upvotes Inès's question (once): it goes first everywhere.
    question = tom.locator(".room-question", has_text="hotels")
    question.get_by_role("button", name="Upvote the question of Inès").click()
    assert question.get_by_role("button", name="You upvoted the question of Inès").is_disabled()
    for page in (host, tom, ines):
        page.wait_for_function(
            "() => document.querySelector('.room-question__body')?.textContent.includes('hotels')"
        )
        assert order(page)[0] == "<b>Do you sleep in hotels?</b>"
        assert "1 vote" in page.locator(".room-question").first.inner_text()

    # Only the host marks a question answered; it moves to the end.
    assert tom.get_by_role("button", name="Mark as answered").count() == 0
    host.locator(".room-question", has_text="hotels").get_by_role(
        "button", name="Mark as answered"
    ).click()
    for page in (host, tom, ines):
        page.wait_for_function(
            "() => document.querySelector('.room-question:last-child')"
            "?.classList.contains('room-question--answered')"
        )
        assert order(page)[-1] == "<b>Do you sleep in hotels?</b>"

    # The room's chat is the chat module, live between everyone present.
    for page in (host, ines):
        page.evaluate("() => window.scrollTo(0, 0)")
    tom.get_by_role("textbox", name="Message").fill("Hello everyone")
    tom.get_by_role("textbox", name="Message").press("Enter")
    for page in (host, ines):
        page.locator(".room-chat .chat-message[data-seq='1']").wait_for()
        assert page.locator(".room-chat .chat-message__body").inner_text() == "Hello everyone"
        # A chat message scrolls the chat box, not the whole page away from the videos.
        assert page.evaluate("() => window.scrollY") == 0

    # The host removes Tom: he is told, and cannot come back.
    host.once("dialog", lambda dialog: dialog.accept())
    host.get_by_role("button", name="Remove Tom from the room").click()
    expect(tom.locator("[data-room-notice]")).to_have_text("The host removed you from this room.")
    assert tom.locator("[data-room-body]").is_hidden()
    host.wait_for_selector(f"[data-room-people] [data-user-id='{one.pk}']", state="detached")
    tom.reload()
    tom.wait_for_selector("[data-room][data-ready=error]")
    assert tom.locator("[data-room-notice]").inner_text() == "You cannot join this room."

    # The host ends the room for everyone.
    host.once("dialog", lambda dialog: dialog.accept())
    host.get_by_role("button", name="End the room").click()
    for page in (host, ines):
        expect(page.locator("[data-room-notice]")).to_have_text(
            "This room has ended. Thank you for taking part!"
        )
    ines.reload()
    assert ines.locator("[data-room-closed=ended]").is_visible()


def test_lobby_host_lets_a_student_in(
    live_daphne: Any, transactional_db: None, make_user: Any, signed_in: Any
) -> None:
    base = live_daphne.http_url
    pro = make_user(role="professional", display_name="Host Person", verified=True)
    student = make_user(role="student", display_name="Yasmine", birth_year=2009)
    room = make_room(pro, lobby=True)
    url = f"{base}/rooms/{room.pk}/"
    host = signed_in(base, pro)
    host.goto(url)
    host.wait_for_selector("[data-room][data-ready=true]")
    page = signed_in(base, student)
    page.goto(url)
    page.wait_for_selector("[data-room][data-ready=true]")
    expect(page.locator("[data-room-notice]")).to_have_text(
        "You are in the waiting room. The host will let you in shortly."
    )
    assert page.locator("[data-room-body]").is_hidden()
    # The host sees her waiting, is told so, and lets her in.
    lobby = host.locator("[data-room-lobby]")
    expect(lobby).to_contain_text("Yasmine")
    expect(host.locator("[data-room-announcer]")).to_contain_text(
        "Yasmine is waiting to be let in."
    )
    lobby.get_by_role("button", name="Let Yasmine in").click()
    page.locator("[data-room-body]").wait_for(state="visible")
    wait_playing(page, ".room-tile--host video")
    expect(lobby).to_be_hidden()
    host.locator(f"[data-room-people] [data-user-id='{student.pk}']").wait_for()


def test_a_full_room_says_so(
    live_daphne: Any, transactional_db: None, make_user: Any, signed_in: Any
) -> None:
    base = live_daphne.http_url
    pro = make_user(role="professional", display_name="Host", verified=True)
    first = make_user(role="student", display_name="First", birth_year=2009)
    late = make_user(role="student", display_name="Late", birth_year=2009)
    room = make_room(pro, capacity=2)
    url = f"{base}/rooms/{room.pk}/"
    for user in (pro, first):
        page = signed_in(base, user)
        page.goto(url)
        page.wait_for_selector("[data-room][data-ready=true]")
    page = signed_in(base, late)
    page.goto(url)
    page.wait_for_selector("[data-room][data-ready=error]")
    notice = page.locator("[data-room-notice]")
    assert notice.inner_text() == "The room is full. Try again a little later."
    # The notice takes the focus, so a screen reader reads it at once.
    assert page.evaluate("() => document.activeElement.hasAttribute('data-room-notice')")
    assert page.locator("[data-room-body]").is_hidden()


LIVE_SOCKET = """async () => {
  const { socket } = await import("backstage/shell.js");
  await new Promise((resolve) => socket.onStatus((status) => status === "live" && resolve()));
}"""


def test_invite_from_the_page_and_a_camera_turned_off(
    live_daphne: Any, transactional_db: None, make_user: Any, signed_in: Any
) -> None:
    base = live_daphne.http_url
    pro = make_user(role="professional", display_name="Samir Haddad", verified=True)
    student = make_user(role="student", display_name="Léa Janssens", birth_year=2009)
    second = make_user(role="student", display_name="Noah Peeters", birth_year=2009)
    for contact in (student, second):
        contact_rows(pro, contact)
    room = make_room(pro, title="A day as an ER nurse", visibility="invite")
    url = f"{base}/rooms/{room.pk}/"
    host = signed_in(base, pro)
    host.goto(url)
    host.wait_for_selector("[data-room][data-ready=true]")
    lea = signed_in(base, student)
    lea.goto(f"{base}/rooms/")
    lea.evaluate(LIVE_SOCKET)

    # The host invites Léa with the keyboard: told so, and the focus goes to the next contact.
    panel = host.locator("[data-room-invites]")
    panel.get_by_role("button", name="Invite Léa Janssens").focus()
    host.keyboard.press("Enter")
    expect(panel.locator("[data-room-invite-status]")).to_have_text(
        "Invitation sent to Léa Janssens."
    )
    expect(panel.locator("[data-room-invited]")).to_contain_text("Léa Janssens")
    assert panel.locator("[data-room-invite-candidates]").inner_text().count("Léa") == 0
    assert host.evaluate("() => document.activeElement.getAttribute('aria-label')") == (
        "Invite Noah Peeters"
    )
    # Léa, elsewhere on the site, is told at once, with a link to the room.
    notice = lea.locator(".invite-notice")
    expect(notice).to_contain_text("Samir Haddad invited you to the room “A day as an ER nurse”.")
    shoot(lea, "room-invite-notice")
    shoot(host, "room-invite-panel")
    notice.get_by_role("link", name="Go to the room").click()
    lea.wait_for_selector("[data-room][data-ready=true]")
    wait_playing(lea, ".room-tile--host video")
    tile = lea.locator(".room-tile--host")
    assert tile.get_attribute("data-camera") == "on"
    assert tile.locator(".room-tile__placeholder").is_hidden()

    # The host stops the camera and mutes: Léa sees the initials, not a black frame, and a
    # microphone marker, which her screen reader hears about.
    host.get_by_role("button", name="Stop video").click()
    expect(tile).to_have_attribute("data-camera", "off")
    expect(tile.locator(".room-tile__placeholder")).to_be_visible()
    assert tile.locator(".room-tile__placeholder").inner_text() == "SH"
    expect(tile.locator(".room-tile__mic-off")).to_be_hidden()
    host.get_by_role("button", name="Mute").click()
    expect(tile.locator(".room-tile__mic-off")).to_be_visible()
    expect(lea.locator("[data-room-announcer]")).to_have_text(
        "Samir Haddad turned their microphone off."
    )
    shoot(lea, "room-camera-off")

    # Noah, invited later, finds the camera off in his join reply.
    panel.get_by_role("button", name="Invite Noah Peeters").click()
    expect(panel.locator("[data-room-invite-none]")).to_be_visible()
    noah = signed_in(base, second)
    noah.goto(url)
    noah.wait_for_selector("[data-room][data-ready=true]")
    late_tile = noah.locator(".room-tile--host")
    expect(late_tile).to_have_attribute("data-camera", "off")
    expect(late_tile.locator(".room-tile__mic-off")).to_be_visible()

    # The camera comes back: so does the picture, for both.
    host.get_by_role("button", name="Start video").click()
    expect(tile).to_have_attribute("data-camera", "on")
    wait_playing(lea, ".room-tile--host video")
    expect(late_tile).to_have_attribute("data-camera", "on")
    assert tile.locator(".room-tile__placeholder").is_hidden()


def test_the_host_finds_a_professional_to_invite_and_the_other_tab_follows(
    live_daphne: Any, transactional_db: None, make_user: Any, signed_in: Any
) -> None:
    base = live_daphne.http_url
    taxonomy_sync()
    pro = make_user(role="professional", display_name="Samir Haddad", verified=True)
    colleague = make_user(role="professional", display_name="Nadia Verbeke", verified=True)
    make_witness(colleague, job_title="Anaesthetist", sector="health")
    stranger = make_user(role="professional", display_name="Nadia Unverified", verified=False)
    make_witness(stranger, job_title="Anaesthetist", sector="health", verified=False)
    student = make_user(role="student", display_name="Léa Janssens", birth_year=2009)
    contact_rows(pro, student)
    room = make_room(pro, title="A day as an ER nurse", visibility="invite")
    url = f"{base}/rooms/{room.pk}/"
    host = signed_in(base, pro)
    host.goto(url)
    host.wait_for_selector("[data-room][data-ready=true]")
    other_tab = signed_in(base, pro)
    other_tab.goto(url)
    other_tab.wait_for_selector("[data-room][data-ready=true]")

    # A colleague who is not a contact: found by job, with the keyboard, verified ones only.
    panel = host.locator("[data-room-invites]")
    panel.get_by_role("searchbox", name="Find a verified professional").fill("anaes")
    host.keyboard.press("Enter")
    expect(panel.locator("[data-room-invite-found]")).to_have_text("1 professional found.")
    results = panel.locator("[data-room-invite-results]")
    expect(results).to_contain_text("Nadia Verbeke")
    expect(results).to_contain_text("Anaesthetist")
    assert "Unverified" not in results.inner_text()
    shoot(host, "room-invite-search")
    results.get_by_role("button", name="Invite Nadia Verbeke").click()
    expect(panel.locator("[data-room-invite-status]")).to_have_text(
        "Invitation sent to Nadia Verbeke."
    )
    expect(panel.locator("[data-room-invited]")).to_contain_text("Nadia Verbeke")
    expect(results.locator("li")).to_have_count(0)
    # Searching again does not offer her twice; a search with no match says so.
    panel.get_by_role("searchbox", name="Find a verified professional").fill("anaes")
    host.keyboard.press("Enter")
    expect(panel.locator("[data-room-invite-found]")).to_have_text(
        "No verified professional matches “anaes”."
    )

    # The host's other tab follows both invitations, from the host's user topic.
    other = other_tab.locator("[data-room-invites]")
    expect(other.locator("[data-room-invited]")).to_contain_text("Nadia Verbeke")
    panel.get_by_role("button", name="Invite Léa Janssens").click()
    expect(other.locator("[data-room-invited]")).to_contain_text("Léa Janssens")
    expect(other.locator("[data-room-invite-candidates] li")).to_have_count(0)
    expect(other.locator("[data-room-invite-none]")).to_be_visible()
    assert other.locator("[data-room-invited] li").count() == 2


def test_an_invitation_made_while_away_waits_for_the_guest(
    live_daphne: Any, transactional_db: None, make_user: Any, signed_in: Any
) -> None:
    base = live_daphne.http_url
    pro = make_user(role="professional", display_name="Samir Haddad", verified=True)
    student = make_user(role="student", display_name="Léa Janssens", birth_year=2009)
    contact_rows(pro, student)
    room = make_room(pro, title="Inside a bakery")
    room_invite(host=pro, room_id=room.pk, user_id=student.pk)  # Léa is not online

    lea = signed_in(base, student)
    lea.goto(f"{base}/home/")
    notice = lea.locator(".invite-notice")
    expect(notice).to_contain_text("Samir Haddad invited you to the room “Inside a bakery”.")
    assert notice.get_by_role("link", name="Go to the room").get_attribute("href") == (
        f"/rooms/{room.pk}/"
    )
    shoot(lea, "room-invite-waiting")
    # Dismissed with the keyboard: the server records it, so the next page does not show it.
    notice.get_by_role("button", name="Dismiss the invitation to “Inside a bakery”").focus()
    with lea.expect_response(lambda response: "/invitation/dismiss/" in response.url) as sent:
        lea.keyboard.press("Enter")
    assert sent.value.status == 204
    expect(notice).to_have_count(0)
    lea.reload()
    lea.wait_for_selector("[data-room-invite-notices]", state="attached")
    expect(lea.locator(".invite-notice")).to_have_count(0)


# getUserMedia refusing the camera (NotFoundError) or everything (NotAllowedError), as a
# phone without a camera or a user who blocked the permission would.
NO_CAMERA = """(() => {
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) => constraints.video
    ? Promise.reject(new DOMException("no camera", "NotFoundError"))
    : original(constraints);
})()"""
BLOCKED = """navigator.mediaDevices.getUserMedia = () =>
  Promise.reject(new DOMException("blocked", "NotAllowedError"));"""


def test_audio_only_host_and_a_blocked_camera(
    live_daphne: Any, transactional_db: None, make_user: Any, signed_in: Any
) -> None:
    base = live_daphne.http_url
    pro = make_user(role="professional", display_name="Radio Host", verified=True)
    student = make_user(role="student", display_name="Listener", birth_year=2009)
    room = make_room(pro, title="Sound only")
    url = f"{base}/rooms/{room.pk}/"

    host = signed_in(base, pro)
    host.add_init_script(NO_CAMERA)
    host.goto(url)
    host.wait_for_selector("[data-room][data-ready=true]")
    expect(host.locator("[data-room-media-message]")).to_have_text(
        "No camera found: you take part with sound only."
    )
    expect(host.locator("[data-room-action=video]")).to_be_disabled()
    expect(host.locator("[data-room-action=audio]")).to_have_text("Mute")
    assert host.locator("[data-tile=self]").get_attribute("data-video") == "off"

    # The audience hears the host: an audio track arrives, the tile shows initials.
    page = signed_in(base, student)
    page.goto(url)
    page.wait_for_selector("[data-room][data-ready=true]")
    page.wait_for_function(
        """() => {
          const video = document.querySelector('.room-tile--host video');
          const tracks = video?.srcObject?.getAudioTracks() || [];
          return tracks.some((track) => track.readyState === 'live' && !track.muted);
        }""",
        timeout=20_000,
    )
    assert page.locator(".room-tile--host").get_attribute("data-video") == "off"
    assert page.locator(".room-tile--host .room-tile__placeholder").inner_text() == "RH"

    # Brought on stage with a blocked camera and microphone: told how to fix it, still in.
    page.evaluate(f"() => {{ {BLOCKED} }}")
    host.get_by_role("button", name="Bring Listener on stage").click()
    expect(page.locator("[data-room-media-message]")).to_contain_text(
        "Camera and microphone are blocked."
    )
    assert page.locator("[data-tile=self]").count() == 0
    assert page.locator("[data-room-action=audio]").is_hidden()
    assert page.locator("[data-room-body]").is_visible()
    shoot(host, "room-audio-only")
    shoot(page, "room-blocked")
    if SCREENSHOTS:
        for path, name in (("/rooms/", "rooms-list"), ("/rooms/new/", "rooms-new")):
            host.goto(f"{base}{path}")
            shoot(host, name)
