"""In a real browser: before a first meeting in person, a student books with a note, by
keyboard; the professional reads it in their agenda. Chromium through Playwright, on a live
daphne (tests/browser/conftest.py)."""

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from scheduling.models import Booking, Mode, Slot, WindowKind
from scheduling.services import availability_window_add
from tests.browser.test_shell import A11Y_CHECK
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.live]

LABEL = "What would you like to ask or see?"
NOTE = "Hi, I am Léa, 4th year. <Could> I see how you plan a building site?"


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/home/")


def assert_accessible(page: Any) -> None:
    assert page.evaluate(A11Y_CHECK) == [], page.url


def test_a_student_books_with_a_note_and_the_professional_reads_it(
    live_daphne: Any, transactional_db: None, new_page: Any
) -> None:
    base = live_daphne.http_url
    pro = UserFactory.create(
        username="nadia",
        role="professional",
        verified=True,
        display_name="Nadia Pro",
        preferred_language="en",
    )
    UserFactory.create(username="lea", role="student", birth_year=2010, preferred_language="en")
    day = timezone.now().astimezone(ZoneInfo("Europe/Brussels")).date() + dt.timedelta(days=3)
    availability_window_add(
        professional=pro,
        kind=WindowKind.ONE_OFF,
        start_date=day,
        start_time=dt.time(18),
        end_time=dt.time(18, 30),
        slot_minutes=30,
        capacity=1,
        mode=Mode.IN_PERSON,
        address="Rue Haute 1, 1000 Bruxelles",
    )
    slot = Slot.objects.get(professional=pro)

    # The student, on a phone, reaches the booking page by keyboard.
    student = new_page(locale="en-GB")
    log_in(student, base, "lea")
    student.goto(f"{base}/meetings/pro/{pro.pk}/")
    link = student.get_by_role("link", name=re.compile("18:00"))
    link.focus()
    student.keyboard.press("Enter")
    student.wait_for_url(f"**/meetings/slots/{slot.pk}/book/")
    assert "introduce yourself" in student.locator(".sched-intro").inner_text()
    note = student.get_by_label(LABEL)
    assert note.get_attribute("aria-describedby")  # the hint is read with the field
    assert_accessible(student)

    # Confirming without a word is refused by the server, which says why.
    student.get_by_role("button", name="Confirm the booking").focus()
    student.keyboard.press("Enter")
    student.locator("#error-summary").wait_for()
    assert (
        "Introduce yourself before a first meeting in person."
        in student.locator("#error-summary").inner_text()
    )
    assert not Booking.objects.exists()
    assert_accessible(student)

    # With a note, typed, then Tab to the button and Enter.
    student.get_by_label(LABEL).focus()
    student.keyboard.type(NOTE)
    student.keyboard.press("Tab")
    assert student.evaluate("document.activeElement.textContent.trim()") == "Confirm the booking"
    student.keyboard.press("Enter")
    student.wait_for_url(re.compile(r"/meetings/\d+/$"))
    booking = Booking.objects.get()
    assert booking.note == NOTE
    assert NOTE in student.locator(".sched-booking-note").inner_text()

    # The professional's agenda shows it, as text.
    agenda = new_page(locale="en-GB", width=1280, height=800)
    log_in(agenda, base, "nadia")
    agenda.goto(base + "/meetings/")
    card = agenda.locator(".sched-meeting").first
    assert "Note from" in card.locator(".sched-booking-note__label").inner_text()
    assert card.locator(".sched-booking-note__text").inner_text() == NOTE
    assert_accessible(agenda)
