"""The events' plug-ins into the lower apps (docs/architecture.md), registered when
EventsConfig.ready imports this module:

- the `events` section of a person's data export (accounts.privacy): each event they organised
  or took part in, with their seats, wishes and feedback; other people by id only;
- the `events` erasure step (accounts.privacy): deleting an account takes the person out of
  events not started yet and removes their wishes and the words of their feedback (the
  record of who met whom, and the ratings, stay with the events they took part in);
- the reminder sweep (accounts.notifications.sweeps, run every minute): each registered
  participant and the organiser of a draft event starting within EVENT_REMINDER_MINUTES get
  one `event_reminder` notification, however many passes see the event.
"""

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from accounts.models import User
from accounts.notifications.models import Notification, NotificationKind
from accounts.notifications.service import notify_once
from accounts.notifications.sweeps import register_notification_sweep
from accounts.privacy import register_erasure_step, register_export_section
from events.models import (
    Event,
    EventFeedback,
    EventParticipant,
    EventSeat,
    EventStatus,
    EventTable,
    EventWish,
    ForbiddenPair,
)


def events_export(user: User) -> list[dict[str, Any]]:
    """Every event `user` organised or took part in, oldest first: {"id", "title", "starts_at",
    "started_at", "ended_at", "mode", "venue", "status", "role" ("organiser", "student" or
    "professional"), "checked_in_at", "seats", "wishes", "feedback"}. A student's seat names
    the professional by id; a professional's names the students by id. Seven queries."""
    participations = {
        part.event_id: part
        for part in EventParticipant.objects.filter(user=user).select_related("event")
    }
    events = {part.event_id: part.event for part in participations.values()}
    events.update((event.pk, event) for event in Event.objects.filter(organiser=user))
    seats: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for seat in EventSeat.objects.filter(student=user).select_related("table").order_by("round"):
        seats[seat.event_id].append(
            {
                "round": seat.round,
                "table": seat.table.table,
                "professional": seat.table.professional_id,
            }
        )
    for table in (
        EventTable.objects.filter(professional=user).prefetch_related("seats").order_by("round")
    ):
        seats[table.event_id].append(
            {
                "round": table.round,
                "table": table.table,
                "students": sorted(seat.student_id for seat in table.seats.all()),
            }
        )
    wishes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for wish in EventWish.objects.filter(student=user).select_related("sector"):
        wishes[wish.event_id].append({"rank": wish.rank, "sector": wish.sector.slug})
    feedback: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for given in EventFeedback.objects.filter(student=user).order_by("round"):
        feedback[given.event_id].append(
            {
                "round": given.round,
                "professional": given.professional_id,
                "rating": given.rating,
                "comment": given.comment,
                "contact_requested": given.contact_requested,
                "created_at": given.created_at,
            }
        )
    result = []
    for event in sorted(events.values(), key=lambda event: (event.starts_at, event.pk)):
        part = participations.get(event.pk)
        result.append(
            {
                "id": event.pk,
                "title": event.title,
                "starts_at": event.starts_at,
                "started_at": event.started_at,
                "ended_at": event.ended_at,
                "mode": event.mode,
                "venue": event.venue,
                "status": event.status,
                "role": part.role if part is not None else "organiser",
                "checked_in_at": part.checked_in_at if part is not None else None,
                "seats": seats.get(event.pk, []),
                "wishes": wishes.get(event.pk, []),
                "feedback": feedback.get(event.pk, []),
            }
        )
    return result


def events_erase(user: User) -> None:
    """What an account's deletion removes from events (see the module's docstring)."""
    not_started = Event.objects.filter(status=EventStatus.DRAFT)
    EventParticipant.objects.filter(user=user, event__in=not_started).delete()
    ForbiddenPair.objects.filter(
        Q(student=user) | Q(professional=user), event__in=not_started
    ).delete()
    EventWish.objects.filter(student=user).delete()
    EventFeedback.objects.filter(student=user).update(comment="")


def reminder_minutes() -> int:
    return int(getattr(settings, "EVENT_REMINDER_MINUTES", 60))


def events_reminders_notify(now: datetime) -> int:
    """Remind everyone registered for a draft event that starts within the lead time (an
    event created or joined closer to its start is announced on the next pass, until it
    starts). Returns how many notifications were made: each person once per event."""
    lead = timedelta(minutes=reminder_minutes())
    made = 0
    events = Event.objects.filter(
        status=EventStatus.DRAFT, starts_at__gt=now, starts_at__lte=now + lead
    )
    for event in events:
        registered = {
            event.organiser_id,
            *EventParticipant.objects.filter(event=event).values_list("user_id", flat=True),
        }
        # Most passes over an event find everyone told already: one read, no write.
        told = set(
            Notification.objects.filter(
                user_id__in=registered, kind=NotificationKind.EVENT_REMINDER, data__event=event.pk
            ).values_list("user_id", flat=True)
        )
        waiting = sorted(registered - told)
        if not waiting:
            continue
        data = {
            "event": event.pk,
            "title": event.title,
            "starts_at": event.starts_at.isoformat(),
            "url": reverse("events:detail", args=[event.pk]),
        }
        with transaction.atomic():
            for user_id in waiting:
                note = notify_once(
                    user_id=user_id,
                    kind=NotificationKind.EVENT_REMINDER,
                    data=data,
                    key={"event": event.pk},
                    unread_only=False,
                )
                made += note is not None
            Event.objects.filter(pk=event.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
    return made


register_export_section("events", events_export)
register_erasure_step("events", events_erase)
register_notification_sweep(events_reminders_notify)
