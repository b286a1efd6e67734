"""The organiser's pages in Chromium through a live daphne: checking people in with the search
(one tap each, no reload), starting the event from the dashboard, and the dashboard showing
round 1's tables by itself (the push, then the tables reloaded); no horizontal overflow at
390 px, the pages' accessibility basics, keyboard reach of the controls.
ORGANISER_SCREENSHOTS=<folder> saves every page at 390 and 1280 px, in English and French."""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from events.models import Event, EventParticipant, EventTable
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.test_shell import assert_accessible, press_tab_until
from tests.realtime.conftest import session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.live]

SCREENSHOTS = os.environ.get("ORGANISER_SCREENSHOTS", "")

NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"

PROFESSIONALS = [
    "Samira Lambert",
    "Jonas Peeters",
    "Chloé Dubois",
    "Mehdi Benali",
    "Anke De Smet",
    "Lucas Martin",
    "Fatou Diallo",
    "Pieter Claes",
    "Inès Moreau",
    "Tom Wouters",
]
FIRST_NAMES = (
    "Léa Noah Emma Louis Olivia Arthur Louise Jules Alice Adam Mila Victor Lina Hugo Zoé Nathan "
    "Sofia Liam Julia Gabriel Nora Elias Jade Sacha Lucie Amir Eva Milan Rose Yanis"
)
LAST_NAMES = (
    "Janssens Maes Jacobs Mertens Willems Claes Goossens Wouters Devos Hermans Peeters Dupont "
    "Lambert Dubois Leroy Martin Simon Laurent Lefebvre Renard Fontaine Michel Collin Denis "
    "Girard Bernard Petit Roux Vincent Morel"
)
STUDENTS = [
    f"{first} {last}"
    for first, last in zip(FIRST_NAMES.split(" "), LAST_NAMES.split(" "), strict=True)
]


@pytest.fixture(autouse=True)
def _django_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    """As tests/browser/conftest.py: sync Playwright's loop counts as running in this thread;
    nothing async touches the database here."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def signed_in(chromium: Any) -> Iterator[Callable[..., Any]]:
    """signed_in(base, user, language=...) gives a page of `user` in a fresh context; an
    uncaught error in the page's scripts fails the test."""
    contexts: list[Any] = []
    errors: list[str] = []

    def make(base: str, user: User, *, width: int = 390, height: int = 844) -> Any:
        context = chromium.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(15_000)
        name, value = session_cookie(user).split("=", 1)
        context.add_cookies([{"name": name, "value": value, "url": base}])
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                errors.append(message.text)
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == []


def realistic_event(make_event: Callable[..., Event], make_user: Callable[..., Any]) -> Event:
    """10 professionals and 30 students, none checked in yet but the first two people."""
    pros = [
        make_user(role="professional", verified=True, display_name=name) for name in PROFESSIONALS
    ]
    students = [make_user(role="student", birth_year=2009, display_name=n) for n in STUDENTS]
    event = make_event(
        title="Careers morning — year 5",
        professionals=pros,
        students=students,
        checked_in=False,
        rounds=5,
        round_seconds=420,
        break_seconds=60,
        students_per_table=3,
    )
    return event


def shoot(page: Any, name: str) -> None:
    if not SCREENSHOTS:
        return
    size = page.viewport_size
    for width, height in ((390, 844), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(200)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)


def check_page(page: Any, name: str) -> None:
    assert page.evaluate(NO_OVERFLOW), f"{name} overflows at 390 px"
    assert_accessible(page)
    shoot(page, name)


def test_organiser_checks_in_starts_and_sees_round_one(
    live_daphne: Any,
    transactional_db: None,
    organiser: User,
    make_event: Callable[..., Event],
    make_user: Callable[..., Any],
    signed_in: Callable[..., Any],
) -> None:
    base = live_daphne.http_url
    organiser.preferred_language = "en"
    organiser.display_name = "Nadia Organiser"
    organiser.save()
    event = realistic_event(make_event, make_user)
    page = signed_in(base, organiser)

    # Check-in: search, one tap, no reload; the count follows.
    page.goto(f"{base}/events/{event.pk}/checkin/")
    expect(page.locator("[data-checkin-count]")).to_have_text("0 of 40 checked in")
    page.get_by_label("Find a participant").fill("samira")
    expect(page.locator("[data-person]:visible")).to_have_count(1)
    page.evaluate("window.__same = true")
    page.get_by_role("button", name="Check in Samira Lambert").click()
    expect(page.locator("[data-checkin-count]")).to_have_text("1 of 40 checked in")
    expect(page.get_by_role("button", name="Undo Samira Lambert")).to_be_focused()
    assert page.evaluate("window.__same") is True  # the same page: no reload
    page.get_by_label("Find a participant").fill("")
    # The keyboard: Tab reaches the first "Check in" button, Enter checks them in.
    page.get_by_label("Find a participant").focus()
    press_tab_until(page, "[data-person-button]", limit=10)
    page.keyboard.press("Enter")
    expect(page.locator("[data-checkin-count]")).to_have_text("2 of 40 checked in")
    # Most of the rest at once (as if tapped), one student left to come late.
    late = User.objects.get(display_name=STUDENTS[-1])
    EventParticipant.objects.filter(event=event).exclude(user=late).update(
        checked_in_at=timezone.now()
    )
    page.reload()
    expect(page.locator("[data-checkin-count]")).to_have_text("39 of 40 checked in")
    check_page(page, "checkin-en")

    # Dashboard: draft, Start; the tables of round 1 appear with the clock.
    page.goto(f"{base}/events/{event.pk}/dashboard/")
    page.wait_for_selector("[data-dashboard][data-joined=true]")
    check_page(page, "dashboard-draft-en")
    # With the keyboard: Tab reaches "Start the event", Enter starts it.
    press_tab_until(page, "[data-when=draft] button", limit=40)
    page.keyboard.press("Enter")
    expect(page.locator("[data-clock-phase]")).to_have_text("Round 1 of 5: meeting")
    expect(page.locator(".org-table-card")).to_have_count(10)
    tables = EventTable.objects.filter(event=event, round=1).select_related("professional")
    for table in tables:
        card = page.locator(f"[data-table='{table.table}']")
        expect(card).to_contain_text(table.professional.display_name)
        for seat in table.seats.select_related("student"):
            expect(card).to_contain_text(seat.student.display_name)
    expect(page.locator("[data-countdown]")).to_have_text(re.compile(r"^0[67]:\d\d$"))
    expect(page.get_by_text("1 participant not checked in")).to_be_visible()
    check_page(page, "dashboard-live-en")

    # Another tab (a tablet) pauses: this page follows by itself, and says so.
    tablet = signed_in(base, organiser, width=1280, height=800)
    tablet.goto(f"{base}/events/{event.pk}/dashboard/")
    tablet.get_by_role("button", name="Pause").click()
    expect(page.locator("[data-clock-status]")).to_have_text("Paused")
    expect(page.locator("[data-announcer]")).to_have_text("The event is paused.")
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    expect(page.get_by_role("button", name="Pause")).to_be_hidden()
    page.get_by_role("button", name="Resume").click()
    expect(page.locator("[data-clock-status]")).to_have_text("Live")

    # The latecomer, checked in now, is counted in at once.
    page.goto(f"{base}/events/{event.pk}/checkin/")
    page.get_by_label("Find a participant").fill(late.display_name.split()[0].lower())
    page.get_by_role("button", name=f"Check in {late.display_name}").click()
    expect(page.locator("[data-checkin-count]")).to_have_text("40 of 40 checked in")

    # Manage and summary pages render and fit a phone.
    page.goto(f"{base}/events/{event.pk}/manage/?q=a")
    check_page(page, "manage-en")
    page.goto(f"{base}/events/{event.pk}/summary/")
    check_page(page, "summary-en")


def test_the_pages_in_french_fit_a_phone(
    live_daphne: Any,
    transactional_db: None,
    organiser: User,
    make_event: Callable[..., Event],
    make_user: Callable[..., Any],
    signed_in: Callable[..., Any],
) -> None:
    base = live_daphne.http_url
    event = realistic_event(make_event, make_user)
    EventParticipant.objects.filter(event=event).exclude(
        user__display_name__in=STUDENTS[-3:]
    ).update(checked_in_at=event.created_at)
    page = signed_in(base, organiser)
    page.goto(f"{base}/events/new/")
    assert page.evaluate("document.documentElement.lang") == "fr"
    check_page(page, "new-fr")
    # The bad path of the form, in the browser.
    page.locator("button[type=submit].button--large").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check_page(page, "new-errors-fr")
    page.goto(f"{base}/events/{event.pk}/manage/")
    check_page(page, "manage-fr")
    page.goto(f"{base}/events/{event.pk}/checkin/")
    check_page(page, "checkin-fr")
    page.goto(f"{base}/events/{event.pk}/dashboard/")
    page.wait_for_selector("[data-dashboard][data-joined=true]")
    page.locator("[data-when=draft] button").click()
    expect(page.locator(".org-table-card")).to_have_count(10)
    check_page(page, "dashboard-live-fr")
    page.locator("details.org-end summary").click()
    page.locator("details.org-end button").click()
    page.wait_for_url(f"**/events/{event.pk}/summary/")
    assert Event.objects.get(pk=event.pk).status == "ended"
    check_page(page, "summary-fr")


def test_csv_report_and_an_online_dashboard(
    live_daphne: Any,
    transactional_db: None,
    organiser: User,
    make_event: Callable[..., Event],
    make_user: Callable[..., Any],
    signed_in: Callable[..., Any],
    tmp_path: Path,
) -> None:
    base = live_daphne.http_url
    organiser.preferred_language = "en"
    organiser.save(update_fields=["preferred_language"])
    event = realistic_event(make_event, make_user)
    Event.objects.filter(pk=event.pk).update(mode="virtual", venue="")
    EventParticipant.objects.filter(event=event).update(checked_in_at=timezone.now())
    make_user(username="newpupil", role="student", display_name="Nina Newcomer")
    page = signed_in(base, organiser)

    # A CSV with one good row and two bad ones: the good one is kept, the bad ones explained.
    csv = tmp_path / "people.csv"
    csv.write_text("username,role\nnewpupil,student\nnobody,student\nnewpupil,teacher\n")
    page.goto(f"{base}/events/{event.pk}/manage/")
    page.get_by_text("Add many at once from a CSV file").click()
    page.get_by_label("CSV file").set_input_files(str(csv))
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".org-report")).to_contain_text("1 participant added.")
    expect(page.locator(".org-report")).to_contain_text("2 lines were not added:")
    expect(page.locator(".org-report tbody tr")).to_have_count(2)
    check_page(page, "manage-report-en")

    # Online: a room per table, each with its "Join room" link; nobody is in the rooms yet.
    page.goto(f"{base}/events/{event.pk}/dashboard/")
    page.wait_for_selector("[data-dashboard][data-joined=true]")
    page.get_by_role("button", name="Start the event").click()
    expect(page.locator(".org-table-card")).to_have_count(10)
    expect(page.get_by_role("link", name="Join room 1", exact=True)).to_be_visible()
    expect(page.locator(".org-member--away").first).to_contain_text("not in the room")
    check_page(page, "dashboard-online-en")
    # The organiser drops into room 1: the room page opens.
    page.get_by_role("link", name="Join room 1", exact=True).click()
    page.wait_for_url(re.compile(r"/rooms/\d+/$"))
