"""The Content-Security-Policy (config/settings.py): every page of the site, logged out and as
each demo role, runs in Chromium without a single CSP violation or uncaught error, including
the WebSocket, a YouTube and a Vimeo embed, the chat, a video room and the booking pages; the
header itself names the expected directives.

The embeds never reach the network: the players' addresses are answered by the test."""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO
from typing import Any
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from accounts.models import User
from events.demo import DEMO_EVENT_TITLE
from events.models import Event
from gallery.models import WitnessProfile
from gallery.video import parse_video_url
from rooms.models import Room, RoomPeer, RoomStatus
from rooms.services import room_invite
from safeguarding.services import report_create
from scheduling.errors import SchedulingError
from scheduling.models import Slot, SlotStatus
from scheduling.services import booking_create
from tests.chat.conftest import open_conversation
from tests.factories import UserFactory
from tests.realtime.conftest import session_cookie
from tests.rooms.browser import media_chromium_fixture  # noqa: F401  (the media_chromium fixture)

EMBEDS = re.compile(r"^https://(www\.youtube-nocookie\.com|player\.vimeo\.com)/")

# Runs before any script of every document (Playwright injects it past the CSP): violations
# are kept on the window, and a frame's load is counted so a lazy embed can be waited for.
COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile || location.pathname}:${event.lineNumber})`);
});
window.__framesLoaded = 0;
document.addEventListener("load", (event) => {
  if (event.target.tagName === "IFRAME") window.__framesLoaded += 1;
}, true);
"""
# Resolves once the tab's socket is live, or as soon as the CSP refuses something.
SOCKET_LIVE = """() => new Promise((done) => {
  if (window.__csp.length) return done("refused");
  document.addEventListener("securitypolicyviolation", () => done("refused"));
  import("backstage/shell.js").then(({ socket }) => socket.onStatus((status) => {
    if (status === "live") done("live");
  }), (error) => done(`no shell: ${error}`));
})"""
# Two frames later, so that violations queued by the page's last work have been dispatched.
SETTLED = """() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(
  () => done(window.__csp))))"""


CHAT_READY = "[data-chat][data-ready=true]"
ROOM_READY = "[data-room][data-ready=true]"
EMBED = "iframe"  # wait for the page's video frame to load (or be refused)


@dataclass
class Visit:
    path: str
    ready: str = ""  # a selector the page's scripts set when done
    status: int = 200
    act: Callable[[Any], None] | None = None
    shell: bool = True  # the site's layout, with the tab's socket when signed in


@dataclass
class Site:
    visits: dict[str, list[Visit]] = field(default_factory=dict)


def _search(page: Any) -> None:
    """Live search: results are fetched and parsed into the page (gallery.js)."""
    with page.expect_response(lambda response: "partial=1" in response.url):
        page.locator("form[data-search-form] input[type=search]").first.fill("nurse")


def _chat(page: Any) -> None:
    """A message sent through the socket and drawn by conversation.js."""
    page.locator("[data-chat-body]").fill("CSP check")
    page.locator("[data-chat-body]").press("Enter")
    page.locator(".chat-message[data-seq='2']").wait_for()


def _bad_login(page: Any) -> None:
    """The form's error summary after a wrong password."""
    page.locator("input[name=username]").fill("demo-student")
    page.locator("input[name=password]").fill("not-the-password")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()


def _open_slots(professional: User) -> list[Slot]:
    return list(
        Slot.objects.filter(
            professional=professional, status=SlotStatus.OPEN, starts_at__gt=timezone.now()
        ).order_by("starts_at")
    )


def build_site() -> Site:
    """The demo data, plus what the pages need to show everything: a conversation, a report,
    a booking, an invitation, profiles with a YouTube and a Vimeo video."""
    call_command("seed_demo", allow_production=True, stdout=StringIO())
    UserFactory(username="unverified-pro", role="professional", verified=False)
    student = User.objects.get(username="demo-student")
    pro = User.objects.get(username="demo-pro")
    conversation = open_conversation(student, pro, "Bonjour !")
    report = report_create(
        reporter=student,
        target_kind="conversation",
        target_id=conversation.pk,
        item_id=None,
        reason="other",
        details="Checking the pages.",
    )
    room = Room.objects.exclude(status=RoomStatus.ENDED).get(host=pro)
    room_invite(host=pro, room_id=room.pk, user_id=student.pk)
    booking = None
    slots = _open_slots(pro)
    for slot in slots:
        try:
            booking = booking_create(student=student, slot_id=slot.pk)
            break
        except SchedulingError:
            continue
    assert booking is not None, "no demo slot could be booked"
    other_slot = next(s for s in _open_slots(pro) if s.pk != booking.slot_id)
    youtube = WitnessProfile.objects.filter(video_url__contains="youtube").first()
    vimeo = WitnessProfile.objects.filter(video_url__contains="vimeo").first()
    assert youtube is not None and vimeo is not None, "the demo profiles have both videos"
    other_pro = WitnessProfile.objects.exclude(user=pro).exclude(user__verified=False).first()
    assert other_pro is not None
    own_profile = WitnessProfile.objects.get(user=pro)
    meeting = f"/meetings/{booking.pk}"
    speed = Event.objects.get(title=DEMO_EVENT_TITLE)
    event = f"/events/{speed.pk}"
    return Site(
        visits={
            "anonymous": [
                Visit("/"),
                Visit("/register/"),
                Visit("/login/"),
                Visit("/login/", act=_bad_login),
                Visit("/password/forgot/"),
                Visit("/password/forgot/sent/"),
                Visit("/no-such-page/", status=404),  # templates/404.html
                Visit("/admin/login/", shell=False),
            ],
            "demo-student": [
                Visit("/home/"),
                Visit("/explore/", act=_search),
                Visit(f"/explore/{youtube.pk}/", ready=EMBED),
                Visit(f"/explore/{vimeo.pk}/", ready=EMBED),
                Visit("/surprise/"),
                Visit("/saved/"),
                Visit("/me/interests/"),
                Visit("/chats/"),
                Visit(f"/chats/{conversation.pk}/", ready=CHAT_READY, act=_chat),
                Visit(f"/chats/contact/{other_pro.user_id}/"),
                Visit("/meetings/"),
                Visit(f"/meetings/pro/{pro.pk}/"),
                Visit(f"/meetings/slots/{other_slot.pk}/book/"),
                Visit(f"{meeting}/"),
                Visit(f"{meeting}/cancel/"),
                Visit(f"{meeting}/reschedule/"),
                Visit(f"{meeting}/reschedule/{other_slot.pk}/"),
                Visit("/rooms/"),
                Visit(f"/rooms/{room.pk}/", ready=ROOM_READY),
                Visit("/rooms/new/", status=403),  # frontend/403.html
                Visit("/settings/privacy/"),
                Visit("/settings/account/"),
                Visit("/settings/notifications/"),
                Visit("/notifications/"),
                Visit("/events/"),
                Visit(f"{event}/"),
                Visit(f"{event}/wishes/"),
                Visit("/events/join/"),
            ],
            "demo-pro": [
                Visit("/home/"),
                Visit("/explore/"),
                Visit(f"/explore/{own_profile.pk}/"),
                Visit("/me/profile/"),
                Visit("/me/profile/preview/"),
                Visit("/settings/privacy/"),
                Visit("/settings/account/"),
                Visit("/settings/notifications/"),
                Visit("/notifications/"),
                Visit("/chats/"),
                Visit(f"/chats/{conversation.pk}/", ready=CHAT_READY),
                Visit("/meetings/"),
                Visit("/meetings/availability/"),
                Visit(f"{meeting}/"),
                Visit("/rooms/"),
                Visit("/rooms/new/"),
                Visit(f"/rooms/{room.pk}/", ready=ROOM_READY),
            ],
            "demo-organiser": [
                Visit("/home/"),
                Visit("/verification/"),
                Visit("/settings/account/"),
                Visit("/explore/"),
                Visit(f"/explore/{youtube.pk}/", ready=EMBED),
                Visit("/rooms/"),
                Visit("/rooms/new/", status=403),
                Visit(f"/rooms/{room.pk}/", ready=ROOM_READY),
                Visit("/events/"),
                Visit("/events/new/"),
                Visit(f"{event}/manage/"),
                Visit(f"{event}/checkin/"),
                Visit(f"{event}/dashboard/"),
                Visit(f"{event}/summary/"),
            ],
            "unverified-pro": [
                Visit("/home/"),
                Visit("/me/profile/"),
                Visit("/rooms/new/", status=403),  # rooms/not_verified.html
            ],
            "demo-moderator": [
                Visit("/home/"),
                Visit("/moderation/reports/"),
                Visit(f"/moderation/reports/{report.pk}/"),
                Visit("/verification/"),
                Visit("/notifications/"),
                Visit("/admin/", shell=False),
            ],
        }
    )


def _wait_for_embed(page: Any) -> None:
    """Embeds load lazily: bring the frame into view and wait for its load or a refusal."""
    page.locator("iframe").scroll_into_view_if_needed()
    page.wait_for_function("() => window.__framesLoaded > 0 || window.__csp.length > 0")


def visit_all(context: Any, base: str, visits: list[Visit], *, signed_in: bool) -> list[str]:
    """Open every page in one tab; returns the problems seen (violations, errors, statuses)."""
    problems: list[str] = []
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url}: console: {message.text}")
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url}: error: {error}"))
    for visit in visits:
        response = page.goto(base + visit.path)
        if response is None or response.status != visit.status:
            problems.append(f"{visit.path}: status {response and response.status}")
        try:
            if signed_in and visit.shell and visit.status == 200:
                live = page.evaluate(SOCKET_LIVE)
                if live != "live":
                    problems.append(f"{visit.path}: socket {live}")
            if visit.ready == EMBED:
                _wait_for_embed(page)
            elif visit.ready:
                page.wait_for_function(
                    "(s) => document.querySelector(s) || window.__csp.length > 0", arg=visit.ready
                )
            if visit.act is not None:
                visit.act(page)
        except PlaywrightError as error:
            # A page the policy broke may never get ready: say so, with the violations below.
            problems.append(f"{visit.path}: {error.message.splitlines()[0]}")
        problems += [f"{visit.path}: {v}" for v in page.evaluate(SETTLED)]
    page.close()
    return problems


def new_context(browser: Any, base: str, user: User | None) -> Any:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.add_init_script(COLLECT)
    # The players answer with an empty page: the test needs no network, and a player that the
    # CSP refused is never requested at all.
    context.route(
        EMBEDS,
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<!doctype html><title>player</title>"
        ),
    )
    if user is not None:
        name, value = session_cookie(user).split("=", 1)
        context.add_cookies([{"name": name, "value": value, "url": base}])
    return context


def _rooms_left_alone() -> None:
    # Closed sockets leave their rooms in the server: let it finish before the database is
    # flushed (tests/rooms/browser.py does the same).
    deadline = time.monotonic() + 15
    while RoomPeer.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.mark.browser
@pytest.mark.live
@pytest.mark.parametrize(
    "who",
    ["anonymous", "demo-student", "demo-pro", "demo-organiser", "demo-moderator", "unverified-pro"],
)
def test_no_page_breaks_the_content_security_policy(
    live_daphne: Any,
    transactional_db: None,
    media_chromium: Any,
    who: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The data is written here, while Playwright's loop runs in this thread: its pushes could
    # not be sent from here, and no socket of this process would receive them anyway.
    monkeypatch.setattr("realtime.broadcast._group_send_now", lambda group, message: None)
    site = build_site()
    user = None if who == "anonymous" else User.objects.get(username=who)
    context = new_context(media_chromium, live_daphne.http_url, user)
    try:
        problems = visit_all(
            context, live_daphne.http_url, site.visits[who], signed_in=user is not None
        )
    finally:
        context.close()
        _rooms_left_alone()
    assert problems == []


@pytest.mark.browser
@pytest.mark.live
def test_the_check_sees_an_inline_script_and_style(
    live_daphne: Any, transactional_db: None, media_chromium: Any
) -> None:
    """The detector itself: a page under the site's real policy with an inline script, a style
    attribute, an inline handler and a foreign frame is reported, four times."""
    base = live_daphne.http_url
    policy = Client().get("/login/")["Content-Security-Policy"]
    body = (
        "<!doctype html><title>probe</title><p style='color: red'>styled</p>"
        "<script>document.title = 'ran';</script><img src='data:,' onerror='alert(1)'>"
        "<iframe src='https://example.org/'></iframe>"
    )
    context = new_context(media_chromium, base, None)
    context.route(
        f"{base}/csp-probe/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": policy},
            body=body,
        ),
    )
    try:
        problems = visit_all(context, base, [Visit("/csp-probe/", ready=EMBED)], signed_in=False)
    finally:
        context.close()
    refused = " ".join(problems)
    for directive in ("style-src-attr", "script-src-elem", "script-src-attr", "frame-src"):
        assert directive in refused, problems


def directives(header: str) -> dict[str, set[str]]:
    parsed: dict[str, set[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = set(values)
    return parsed


def test_pages_carry_the_policy(client: Any, db: None) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    nonce = re.search(r'<script type="importmap" nonce="([^"]+)"', response.content.decode())
    assert nonce is not None
    assert policy["script-src"] == {"'self'", f"'nonce-{nonce.group(1)}'"}
    assert policy["default-src"] == {"'self'"}
    assert policy["style-src"] == {"'self'"}
    assert policy["img-src"] == {"'self'", "data:"}
    assert "'self'" in policy["connect-src"]
    assert policy["frame-ancestors"] == {"'none'"}
    assert policy["object-src"] == {"'none'"}
    assert policy["base-uri"] == {"'self'"}
    assert policy["form-action"] == {"'self'"}
    # Every embed the gallery makes is a frame the policy allows, and nothing else is.
    embeds = {
        "https://" + urlparse(video.embed_url).netloc
        for url in ("https://youtu.be/abcdefghijk", "https://vimeo.com/123456789")
        if (video := parse_video_url(url)) is not None
    }
    assert policy["frame-src"] == embeds
    # A nonce is new for every response.
    again = client.get("/login/")["Content-Security-Policy"]
    assert directives(again)["script-src"] != policy["script-src"]
