"""In a real browser: a professional opens a window, a student books it and finds it in
My meetings. Chromium through Playwright, as tests/browser does, on a live daphne."""

import re
from typing import Any

import pytest

from scheduling.models import AvailabilityWindow, Booking

# The browser fixtures `chromium` and `new_page` come through tests/scheduling/conftest.py; this
# one is autouse, so it is imported here only, for the tests of this module.
from tests.browser.conftest import _django_beside_playwright  # noqa: F401
from tests.browser.test_shell import A11Y_CHECK
from tests.factories import DEFAULT_PASSWORD
from tests.scheduling.conftest import DASH, local_day, new_user

pytestmark = [pytest.mark.browser, pytest.mark.live]


WAIT_FOR_SOCKET = """() => import("backstage/shell.js").then(({ socket }) => new Promise((done) => {
  if (socket.status === "live") return done(true);
  socket.onStatus((status) => status === "live" && done(true));
}))"""


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/home/")


def assert_accessible(page: Any) -> None:
    assert page.evaluate(A11Y_CHECK) == [], page.url


def test_a_professional_opens_a_window_and_a_student_books_it(
    live_daphne: Any, transactional_db: None, new_page: Any
) -> None:
    base = live_daphne.http_url
    pro = new_user(
        username="nadia",
        role="professional",
        verified=True,
        display_name="Nadia Pro",
        preferred_language="en",
    )
    new_user(username="lea", role="student", birth_year=2010, preferred_language="en")
    day = local_day(3)

    # The professional opens a one-off window, on a phone.
    page = new_page(locale="en-GB")
    log_in(page, base, "nadia")
    page.goto(base + "/meetings/availability/")
    assert_accessible(page)
    page.get_by_text("Add a one-off window").click()
    form = page.locator("#add-once")
    form.get_by_label("Day", exact=True).fill(day.isoformat())
    form.get_by_label("From").fill("18:00")
    form.get_by_label("To", exact=True).fill("19:00")
    form.get_by_label("Length of a slot").select_option("30")
    form.get_by_label("Students per slot").fill("1")
    form.get_by_label("In person").check()
    form.get_by_label("Address").fill("Rue Haute 1, 1000 Bruxelles")
    form.get_by_role("button", name="Add this window").click()
    page.wait_for_url("**/meetings/availability/")
    assert "Your window is open" in page.locator("main").get_by_role("status").first.inner_text()
    calendar = page.locator("section[aria-labelledby=calendar-title]")
    assert calendar.get_by_text(f"18:00{DASH}18:30").is_visible()
    assert calendar.get_by_text("Free").count() == 2
    assert AvailabilityWindow.objects.filter(professional=pro).count() == 1
    assert_accessible(page)
    # The page's WebSocket is up (the shell's one socket of this tab).
    page.evaluate(WAIT_FOR_SOCKET)

    # The student books it in two steps, by keyboard, on a desktop.
    student = new_page(locale="en-GB", width=1280, height=800)
    log_in(student, base, "lea")
    student.goto(f"{base}/meetings/pro/{pro.pk}/")
    results = student.locator(".sched-results")
    assert results.get_attribute("aria-live") == "polite"
    assert results.inner_text().startswith("2 free slots")
    assert_accessible(student)
    slot = student.get_by_role("link", name=re.compile(f"18:00{DASH}18:30"))
    slot.focus()
    student.keyboard.press("Enter")
    student.wait_for_url("**/book/")
    assert student.get_by_role("heading", level=1).inner_text() == "Confirm your booking"
    assert_accessible(student)
    # A first meeting in person, one to one: the page asks the student to introduce themselves.
    student.get_by_label("What would you like to ask or see?").fill("Hello, I am Léa.")
    student.get_by_role("button", name="Confirm the booking").focus()
    student.keyboard.press("Enter")
    student.wait_for_url(re.compile(r"/meetings/\d+/$"))
    booking = Booking.objects.get()
    assert student.get_by_role("heading", level=1).inner_text() == "Meeting with Nadia Pro"
    ics = student.get_by_role("link", name="Add to my calendar (.ics)")
    assert ics.get_attribute("href") == f"/api/bookings/{booking.pk}/ics"
    assert_accessible(student)

    # ... and finds it in My meetings.
    student.get_by_role("link", name="All my meetings").click()
    student.wait_for_url("**/meetings/")
    card = student.locator(".sched-meeting").first
    assert card.get_by_role("link", name="With Nadia Pro").is_visible()
    assert "Rue Haute 1, 1000 Bruxelles" in card.inner_text()
    assert card.get_by_role("link", name=re.compile("Cancel")).is_visible()
    assert_accessible(student)

    # The professional's open page heard of it over the WebSocket, and says so.
    live = page.locator("[data-sched-live]")
    assert live.get_attribute("aria-live") == "polite"
    live.get_by_text("A new meeting was just booked.").wait_for()
    assert live.get_by_role("link", name="Show the changes").is_visible()
