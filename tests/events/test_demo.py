"""The demo data's speed-meeting event: there once, a fresh draft two hours ahead with everyone
checked in, and the organiser can start it at once."""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from events.demo import DEMO_EVENT_TITLE, demo_event_seed
from events.models import (
    Event,
    EventFeedback,
    EventPhaseLog,
    EventSeat,
    EventStatus,
    EventTable,
    EventWish,
    ParticipantRole,
)
from events.reports import event_summary, report_csv
from events.services.clock import event_end, event_next, event_start
from events.services.feedback import feedback_give

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings: Any) -> Event:
    settings.DEBUG = True  # seed_demo refuses without it
    call_command("seed_demo")
    return Event.objects.get(title=DEMO_EVENT_TITLE)


def test_seed_demo_makes_one_event_ready_to_start(seeded: Event) -> None:
    call_command("seed_demo")  # a second run changes nothing
    assert Event.objects.count() == 1
    event = Event.objects.get()
    assert event.pk == seeded.pk
    assert event.organiser.username == "demo-organiser"
    assert (event.status, event.mode, event.rounds) == (EventStatus.DRAFT, "in_person", 4)
    assert (event.round_seconds, event.break_seconds, event.students_per_table) == (180, 60, 2)
    assert event.venue
    ahead = event.starts_at - timezone.now()
    assert dt.timedelta(hours=1, minutes=55) < ahead <= dt.timedelta(hours=2)
    participants = list(event.participants.select_related("user"))
    professionals = [p.user for p in participants if p.role == ParticipantRole.PROFESSIONAL]
    students = [p.user for p in participants if p.role == ParticipantRole.STUDENT]
    assert "demo-pro" in {user.username for user in professionals}
    assert 4 <= len(professionals) <= 5 and all(user.verified for user in professionals)
    assert {user.username for user in students} == {
        "demo-student",
        *(f"demo-student-{n}" for n in range(2, 9)),
    }
    assert all(p.checked_in_at is not None for p in participants)
    wishes = EventWish.objects.filter(event=event, student__username="demo-student")
    assert list(wishes.values_list("rank", flat=True)) == [1, 2, 3]


def test_extra_demo_students_sign_in_with_the_demo_password(seeded: Event) -> None:
    request = RequestFactory().post("/login/")
    for username in ("demo-student-2", "demo-student-8"):
        user = authenticate(request, username=username, password="backstage-demo")
        assert user is not None and user.role == "student"


def test_the_organiser_starts_the_demo_event_at_once(seeded: Event) -> None:
    organiser = User.objects.get(username="demo-organiser")
    event = event_start(organiser=organiser, event_id=seeded.pk)
    assert (event.status, event.round, event.phase) == (EventStatus.LIVE, 1, "meeting")
    # Every demo student has a table in round 1: 5 tables of 2 seat the 8 of them.
    assert EventSeat.objects.filter(event=event, round=1).count() == 8
    # Seeding while it runs leaves it running.
    demo_event_seed()
    event.refresh_from_db()
    assert (event.status, event.round) == (EventStatus.LIVE, 1)


def test_reseeding_an_ended_demo_event_gives_a_fresh_draft(seeded: Event) -> None:
    organiser = User.objects.get(username="demo-organiser")
    event_start(organiser=organiser, event_id=seeded.pk)
    event_end(organiser=organiser, event_id=seeded.pk)
    assert EventTable.objects.filter(event=seeded).exists()
    later = timezone.now() + dt.timedelta(hours=5)
    again = demo_event_seed(now=later)
    assert again is not None and again.pk == seeded.pk
    assert (again.status, again.round, again.phase, again.started_at, again.ended_at) == (
        EventStatus.DRAFT,
        0,
        None,
        None,
        None,
    )
    assert again.starts_at == (later + dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    for model in (EventTable, EventSeat, EventPhaseLog, EventFeedback):
        assert not model.objects.filter(event=seeded).exists()
    assert all(p.checked_in_at is not None for p in again.participants.all())
    event_start(organiser=organiser, event_id=seeded.pk)  # and it can run again


def test_no_demo_event_without_the_demo_accounts() -> None:
    assert demo_event_seed() is None
    assert not Event.objects.exists()


def test_the_demo_event_runs_to_its_end_and_reports(seeded: Event, client: Any) -> None:
    organiser = User.objects.get(username="demo-organiser")
    student = User.objects.get(username="demo-student")
    event_start(organiser=organiser, event_id=seeded.pk)
    # Each "next" ends the current phase: a meeting, then its break, four rounds over.
    while Event.objects.get(pk=seeded.pk).status != EventStatus.ENDED:
        event_next(organiser=organiser, event_id=seeded.pk)
    event = Event.objects.get(pk=seeded.pk)
    assert event.round == 4
    result = feedback_give(student=student, event_id=event.pk, round=2, rating=5, contact=True)
    assert result.contact == "requested"

    summary = event_summary(event)
    assert summary["rounds_played"] == 4
    assert summary["meetings"] == 4 * 8  # every student seated every round
    assert summary["professionals_met"]["min"] == 4  # four rounds, four different professionals
    assert summary["no_shows"] == []
    assert summary["rating"] == {"average": 5.0, "count": 1}
    assert summary["wishes_served"] is not None and summary["wishes_served"] > 0
    assert len(report_csv(event).splitlines()) == 1 + 4 * 8

    client.force_login(organiser)
    assert client.get(reverse("events:summary", args=[event.pk])).status_code == 200
