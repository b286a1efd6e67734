"""A live speed-meeting event in Chromium through a live daphne: a student's page shows their
round-1 pairing; the organiser ends the meeting and then the break from the dashboard, and
the student's page moves to round 2's pairing by itself (no reload) while the dashboard shows
the new round.

EVENTS_SCREENSHOTS=<folder> saves the student's page at 390 and 1280 px in each state."""

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from events.models import Event
from events.selectors import pairing_for
from events.services.clock import event_start
from tests.browser.conftest import (  # noqa: F401  (the fixtures)
    _django_beside_playwright,
    chromium,
    new_page,
)
from tests.realtime.conftest import session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.live]

SCREENSHOTS = os.environ.get("EVENTS_SCREENSHOTS", "")
# Generous: a loaded CI machine is slow, and every wait ends as soon as the page is right.
WAIT_MS = 30_000


def shoot(page: Any, name: str) -> None:
    if not SCREENSHOTS:
        return
    size = page.viewport_size
    for width, height in ((390, 844), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)


def open_as(make_page: Any, base: str, user: Any, *, width: int = 390) -> tuple[Any, list[str]]:
    """A page signed in as `user`, in English, collecting the page's uncaught errors."""
    page = make_page(locale="en-GB", width=width, height=844 if width < 800 else 800)
    name, value = session_cookie(user).split("=", 1)
    page.context.add_cookies(
        [
            {"name": name, "value": value, "url": base},
            {"name": "django_language", "value": "en", "url": base},
        ]
    )
    page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def test_a_students_page_follows_the_rounds_and_the_dashboard_shows_them(
    live_daphne: Any,
    transactional_db: None,
    make_user: Any,
    make_event: Any,
    organiser: Any,
    new_page: Any,  # noqa: F811
) -> None:
    base = live_daphne.http_url
    pros = [
        make_user(role="professional", verified=True, display_name=name)
        for name in ("Samir Haddad", "Ana Peeters")
    ]
    students = [
        make_user(role="student", birth_year=2009, display_name=name)
        for name in ("Léa Janssens", "Tom Dubois", "Inès Martin")
    ]
    event: Event = make_event(
        title="Job speed meetings",
        students=students,
        professionals=pros,
        rounds=3,
        round_seconds=900,  # nothing moves on its own during the test
        break_seconds=120,
        students_per_table=2,
    )
    event_start(organiser=organiser, event_id=event.pk)
    lea = students[0]
    first = pairing_for(event, lea.pk, 1)
    assert first is not None  # two tables of two seats: all three students sit round 1

    student, student_errors = open_as(new_page, base, lea)
    student.goto(f"{base}/events/{event.pk}/")
    live = student.locator("[data-event-live]")
    expect(live).to_have_attribute("data-ready", "true")  # joined `event:<id>`
    expect(student.locator("[data-event-kicker]")).to_have_text("Round 1 of 3")
    expect(student.locator(".event-person__name")).to_have_text(first["professional"]["name"])
    expect(student.locator(".event-table")).to_have_text(f"Table {first['table']}")
    shoot(student, "event-student-meeting")
    # A marker that a reload would wipe: the page must move on by itself.
    student.evaluate("() => { window.__samePage = true; }")

    dashboard, dashboard_errors = open_as(new_page, base, organiser, width=1280)
    dashboard.goto(f"{base}{reverse('events:dashboard', args=[event.pk])}")
    phase = dashboard.locator("[data-clock-phase]")
    expect(phase).to_contain_text("Round 1 of 3")
    next_button = dashboard.locator(
        f"form[action='{reverse('events:control', args=[event.pk, 'next'])}'] button"
    )

    # The organiser ends the meeting: the break, with the feedback form of round 1.
    next_button.click()
    expect(live).to_have_attribute("data-stage", "break", timeout=WAIT_MS)
    expect(student.locator("[data-event-headline]")).to_have_text("Break")
    feedback = student.locator("[data-event-feedback]")
    expect(feedback).to_be_visible()
    expect(feedback.locator("h2")).to_contain_text(first["professional"]["name"])
    shoot(student, "event-student-break")

    # ... and the break: round 2 begins, with the pairing the plan holds for it.
    expect(dashboard.locator("[data-clock-phase]")).to_contain_text("Break after round 1")
    next_button = dashboard.locator(
        f"form[action='{reverse('events:control', args=[event.pk, 'next'])}'] button"
    )
    next_button.click()
    expect(student.locator("[data-event-kicker]")).to_have_text("Round 2 of 3", timeout=WAIT_MS)
    second = pairing_for(event, lea.pk, 2)
    if second is None:
        expect(live).to_have_attribute("data-stage", "sitout")
    else:
        assert second["professional"]["id"] != first["professional"]["id"]
        expect(student.locator(".event-person__name")).to_have_text(second["professional"]["name"])
        expect(student.locator(".event-table")).to_have_text(f"Table {second['table']}")
    expect(feedback).to_be_hidden()
    # The phase change was told to screen readers, and the page was never reloaded.
    expect(student.locator("[data-event-announcer]")).to_contain_text("Round 2 started")
    assert student.evaluate("() => window.__samePage === true")
    shoot(student, "event-student-round-2")

    expect(dashboard.locator("[data-clock-phase]")).to_contain_text("Round 2 of 3")
    assert student_errors == [] and dashboard_errors == []
