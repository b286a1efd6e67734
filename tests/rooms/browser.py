"""The room pages in Chromium with a fake camera and microphone (tests/browser/test_rooms.py):
signed-in pages through a live daphne, waiting for videos, and screenshots on demand."""

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chat.models import Conversation, Membership
from rooms.models import RoomPeer
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.realtime.conftest import session_cookie

MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
# Where screenshots go when asked for (never into the repository).
SCREENSHOTS = os.environ.get("ROOMS_SCREENSHOTS", "")

PLAYING = """(selector) => {
  const video = document.querySelector(selector);
  return Boolean(video && video.videoWidth > 0 && video.readyState >= 2 && !video.paused);
}"""


# Named `*_fixture` so a test module can import them without shadowing its parameters.
@pytest.fixture(scope="module", name="media_chromium")
def media_chromium_fixture() -> Iterator[Any]:
    """Chromium with a fake camera and microphone, and no permission prompt."""
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium is not installed at /usr/bin/chromium: run scripts/ensure-chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *MEDIA_ARGS]
        )
        yield browser
        browser.close()


@pytest.fixture(name="signed_in")
def signed_in_fixture(media_chromium: Any) -> Iterator[Any]:
    """signed_in(base, user, width=...) gives a page of `user` in a fresh context."""
    contexts: list[Any] = []
    errors: list[str] = []

    def make(base: str, user: Any, *, width: int = 390, height: int = 844) -> Any:
        context = media_chromium.new_context(
            locale="en-GB", viewport={"width": width, "height": height}
        )
        context.set_default_timeout(15_000)
        name, value = session_cookie(user).split("=", 1)
        context.add_cookies([{"name": name, "value": value, "url": base}])
        # The page's language is the user's choice (the switch's cookie), not the browser's.
        context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
        contexts.append(context)
        page = context.new_page()
        # An uncaught error in the page's modules fails the test, even when the page looks fine.
        page.on("pageerror", lambda error: errors.append(f"{user.display_name}: {error}"))
        return page

    yield make
    for context in contexts:
        context.close()
    # Closed sockets leave their rooms in daphne: wait for it, so the database flush after
    # the test does not race those writes (a deadlock on PostgreSQL).
    deadline = time.monotonic() + 15
    while RoomPeer.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert errors == []


def wait_playing(page: Any, selector: str) -> None:
    page.wait_for_function(PLAYING, arg=selector, timeout=20_000)


def peer_id(page: Any, user: Any) -> str:
    """The peer id of `user`'s tile on `page`, read from the grid."""
    found: str = page.evaluate(
        """(name) => [...document.querySelectorAll('[data-tile]')]
             .find((tile) => tile.querySelector('.room-tile__name-text').textContent === name)
             ?.dataset.tile || ''""",
        user.display_name,
    )
    return found


def shoot(page: Any, name: str) -> None:
    """Screenshots at a phone's and a laptop's width, when ROOMS_SCREENSHOTS names a folder."""
    if not SCREENSHOTS:
        return
    size = page.viewport_size
    for width, height in ((390, 844), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)  # let the layout and the videos settle at the new size
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)


def contact_rows(professional: Any, student: Any) -> None:
    """The direct conversation an accepted contact request leaves, written as rows: the chat's
    service would push from this thread, where Playwright's event loop counts as running."""
    conversation = Conversation.objects.create(kind="dm")
    conversation.topic = f"dm:{conversation.pk}"
    conversation.save(update_fields=["topic"])
    for user in (professional, student):
        Membership.objects.create(conversation=conversation, user=user)
