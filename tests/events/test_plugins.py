"""The events' plug-ins into lower apps: the `events` section of a person's data export, what
deleting an account removes from events, and the reminder the minute sweep sends before an
event, once per person."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.notifications.models import Notification, NotificationKind
from accounts.notifications.sweeps import notifications_send_due
from accounts.notifications.texts import notification_text, notification_url
from accounts.privacy import account_export
from accounts.services.deletion import account_delete
from events.models import (
    Event,
    EventFeedback,
    EventParticipant,
    EventSeat,
    EventStatus,
    EventWish,
    ForbiddenPair,
)
from events.plugins import events_reminders_notify
from events.services.feedback import feedback_give
from gallery.models import Sector
from tests.events.test_feedback import seat_rounds
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


# --- the export -----------------------------------------------------------------------------


def test_export_holds_each_side_s_events(
    make_event: Callable[..., Event],
    make_user: Callable[..., Any],
    organiser: User,
    api_client: Any,
) -> None:
    pro = make_user(role="professional", verified=True)
    x, y = make_user(role="student"), make_user(role="student")
    outsider = make_user(role="student")
    event = make_event(rounds=2, students=[x, y], professionals=[pro])
    EventWish.objects.create(event=event, student=x, sector=Sector.objects.get(slug="arts"), rank=1)
    seat_rounds(event, [[(pro, [x, y])], [(pro, [y])]])
    feedback_give(student=x, event_id=event.pk, round=1, rating=4, comment="Merci !")
    other = make_event(title="Another event", students=[y], checked_in=False)

    api_client.force_authenticate(x)
    response = api_client.get("/api/me/export/")
    assert response.status_code == 200
    (mine,) = response.json()["events"]
    assert mine["id"] == event.pk and mine["title"] == "Career speed meetings"
    assert mine["role"] == "student" and mine["checked_in_at"] is not None
    assert mine["seats"] == [{"round": 1, "table": 1, "professional": pro.pk}]
    assert mine["wishes"] == [{"rank": 1, "sector": "arts"}]
    assert [
        (f["round"], f["professional"], f["rating"], f["comment"]) for f in mine["feedback"]
    ] == [(1, pro.pk, 4, "Merci !")]

    both = account_export(user=y)["events"]
    assert [item["id"] for item in both] == [event.pk, other.pk]
    assert [seat["round"] for seat in both[0]["seats"]] == [1, 2]
    assert both[1]["checked_in_at"] is None and both[1]["seats"] == []

    hosted = account_export(user=pro)["events"][0]
    assert hosted["role"] == "professional"
    assert hosted["seats"] == [
        {"round": 1, "table": 1, "students": sorted([x.pk, y.pk])},
        {"round": 2, "table": 1, "students": [y.pk]},
    ]
    assert hosted["feedback"] == []  # the students' words are theirs

    run = account_export(user=organiser)["events"]
    assert [(item["id"], item["role"]) for item in run] == [
        (event.pk, "organiser"),
        (other.pk, "organiser"),
    ]
    assert account_export(user=outsider)["events"] == []


def test_deleting_an_account_takes_the_person_out_of_events(
    make_event: Callable[..., Event], make_user: Callable[..., Any]
) -> None:
    pro = make_user(role="professional", verified=True)
    pupil, other = make_user(role="student"), make_user(role="student")
    played = make_event(rounds=1, students=[pupil, other], professionals=[pro])
    seat_rounds(played, [[(pro, [pupil, other])]])
    feedback_give(student=pupil, event_id=played.pk, round=1, rating=5, comment="Top, merci")
    feedback_give(student=other, event_id=played.pk, round=1, rating=3, comment="Bien")
    coming = make_event(students=[pupil, other], professionals=[pro])
    arts = Sector.objects.get(slug="arts")
    EventWish.objects.create(event=coming, student=pupil, sector=arts, rank=1)
    EventWish.objects.create(event=coming, student=other, sector=arts, rank=1)
    ForbiddenPair.objects.create(event=coming, professional=pro, student=pupil)

    account_delete(user=pupil, password=DEFAULT_PASSWORD)

    # Out of the event to come, with their wishes; the played event keeps who met whom.
    assert not EventParticipant.objects.filter(event=coming, user=pupil).exists()
    assert not ForbiddenPair.objects.filter(student=pupil).exists()
    assert list(EventWish.objects.values_list("student_id", flat=True)) == [other.pk]
    assert EventParticipant.objects.filter(event=played, user=pupil).exists()
    assert EventSeat.objects.filter(event=played, student=pupil).exists()
    kept = dict(EventFeedback.objects.values_list("student_id", "comment"))
    assert kept == {pupil.pk: "", other.pk: "Bien"}
    assert EventFeedback.objects.get(student=pupil).rating == 5


# --- the reminder ---------------------------------------------------------------------------


def reminders() -> list[tuple[int, int]]:
    return sorted(
        Notification.objects.filter(kind=NotificationKind.EVENT_REMINDER).values_list(
            "user_id", "data__event"
        )
    )


def test_reminder_once_per_person_within_the_lead_time(
    make_event: Callable[..., Event],
    make_user: Callable[..., Any],
    organiser: User,
    settings: Any,
) -> None:
    settings.EVENT_REMINDER_MINUTES = 60
    pro = make_user(role="professional", verified=True)
    pupil = make_user(role="student", preferred_language="en")
    start = timezone.now().replace(microsecond=0) + dt.timedelta(hours=3)
    event = make_event(starts_at=start, students=[pupil], professionals=[pro], checked_in=False)

    # Two hours ahead: too early.
    assert notifications_send_due(now=start - dt.timedelta(hours=2))["notified"] == 0
    assert reminders() == []

    # Within the hour: the organiser and both participants, checked in or not.
    made = events_reminders_notify(start - dt.timedelta(minutes=50))
    assert made == 3
    assert reminders() == sorted(
        [(organiser.pk, event.pk), (pro.pk, event.pk), (pupil.pk, event.pk)]
    )
    note = Notification.objects.get(user=pupil)
    assert note.data == {
        "event": event.pk,
        "title": "Career speed meetings",
        "starts_at": start.isoformat(),
        "url": reverse("events:detail", args=[event.pk]),
    }
    assert notification_url(note) == f"/events/{event.pk}/"
    assert "Career speed meetings" in notification_text(note)
    event.refresh_from_db()
    assert event.reminder_sent_at == start - dt.timedelta(minutes=50)

    # Later passes tell nobody again, even once they read it ...
    Notification.objects.update(read_at=timezone.now())
    assert events_reminders_notify(start - dt.timedelta(minutes=49)) == 0
    # ... but someone who joined since gets theirs.
    late = make_user(role="student")
    EventParticipant.objects.create(event=event, user=late, role="student")
    assert notifications_send_due(now=start - dt.timedelta(minutes=10))["notified"] == 1
    assert len(reminders()) == 4


def test_no_reminder_for_an_event_started_or_past(
    make_event: Callable[..., Event], make_user: Callable[..., Any]
) -> None:
    pupil = make_user(role="student")
    now = timezone.now()
    soon = make_event(starts_at=now + dt.timedelta(minutes=30), students=[pupil])
    live = make_event(starts_at=now + dt.timedelta(minutes=30), students=[pupil])
    Event.objects.filter(pk=live.pk).update(status=EventStatus.LIVE, round=1)
    make_event(starts_at=now - dt.timedelta(minutes=1), students=[pupil])
    events_reminders_notify(now)
    assert {event for _user, event in reminders()} == {soon.pk}
