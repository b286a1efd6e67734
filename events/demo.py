"""The demo data's speed-meeting event (`seed_demo`): demo-organiser's in-person event two hours
ahead, with five verified demo professionals and eight demo students, everyone checked in, so
the organiser can press Start at once. Only loaded on request, never in production."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from events.models import (
    Event,
    EventFeedback,
    EventMode,
    EventParticipant,
    EventPhaseLog,
    EventStatus,
    EventTable,
    EventWish,
    ParticipantRole,
)
from events.services.setup import event_create, participant_add, wishes_set
from gallery.models import Sector

DEMO_EVENT_TITLE = "Backstage speed meetings (demo)"
DEMO_ORGANISER = "demo-organiser"
DEMO_VENUE = "Salle des fêtes, Athénée Royal d'Ixelles, rue de la Croix 40, 1050 Ixelles"
DEMO_START_IN = dt.timedelta(hours=2)
# Verified demo professionals of five different sectors (gallery/data/demo_profiles.py).
DEMO_EVENT_PROFESSIONALS = (
    "demo-pro",
    "demo-pro-software-developer",
    "demo-pro-architecte",
    "demo-pro-stage-manager",
    "demo-pro-juge-jeunesse",
)
# demo-student-2..8: pupils of one class, only there to fill the event's tables.
DEMO_EXTRA_STUDENTS = (
    ("demo-student-2", "Lina Peeters", "nl", 2009),
    ("demo-student-3", "Noah Lambert", "fr", 2008),
    ("demo-student-4", "Inès Benali", "fr", 2009),
    ("demo-student-5", "Lars Vermeulen", "nl", 2008),
    ("demo-student-6", "Chloé Dupont", "fr", 2010),
    ("demo-student-7", "Adam Kowalski", "en", 2009),
    ("demo-student-8", "Zoë De Smet", "nl", 2009),
)
# demo-student's wishes, most wanted first (sector slugs of the taxonomy).
DEMO_WISHES = ("arts", "tech", "health")


def _demo_students() -> list[User]:
    """demo-student and demo-student-2..8, made or reset with demo-student's password (the
    demo password, which demo_accounts_seed has just set: no second password hash to compute)."""
    student = User.objects.get(username="demo-student", role=Role.STUDENT)
    students = [student]
    for username, name, language, birth_year in DEMO_EXTRA_STUDENTS:
        extra, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "display_name": name,
                "role": Role.STUDENT,
                "birth_year": birth_year,
                "preferred_language": language,
                "is_active": True,
                "password": student.password,
            },
        )
        students.append(extra)
    return students


def _reset_to_draft(event: Event, starts_at: dt.datetime) -> None:
    """Back to a fresh draft: the clock at rest and nothing of an earlier run left."""
    EventTable.objects.filter(event=event).delete()  # and their seats
    EventPhaseLog.objects.filter(event=event).delete()
    EventFeedback.objects.filter(event=event).delete()
    event.status = EventStatus.DRAFT
    event.round = 0
    event.phase = None
    event.phase_ends_at = None
    event.paused_remaining = None
    event.planned_for = ""
    event.started_at = None
    event.ended_at = None
    event.reminder_sent_at = None
    event.starts_at = starts_at
    event.save()


def demo_event_seed(*, now: dt.datetime | None = None) -> Event | None:
    """Make demo-organiser's demo event, or bring it back to a fresh draft two hours ahead
    with everyone checked in. An event running now (live or paused) is left alone. None
    when the demo accounts are not there."""
    organiser = User.objects.filter(username=DEMO_ORGANISER, role=Role.ORGANISER).first()
    if organiser is None:
        return None
    now = now or timezone.now()
    starts_at = (now + DEMO_START_IN).replace(second=0, microsecond=0)
    with transaction.atomic():
        event = Event.objects.filter(organiser=organiser, title=DEMO_EVENT_TITLE).first()
        if event is None:
            event = event_create(
                organiser=organiser,
                title=DEMO_EVENT_TITLE,
                starts_at=starts_at,
                mode=EventMode.IN_PERSON,
                venue=DEMO_VENUE,
                rounds=4,
                round_seconds=180,
                break_seconds=60,
                students_per_table=2,
                now=now,
            )
        elif event.status in (EventStatus.LIVE, EventStatus.PAUSED):
            return event
        else:
            _reset_to_draft(event, starts_at)
        professionals = list(
            User.objects.filter(
                username__in=DEMO_EVENT_PROFESSIONALS,
                role=Role.PROFESSIONAL,
                verified=True,
                is_active=True,
            ).order_by("pk")
        )
        students = _demo_students()
        wanted = [(user, ParticipantRole.PROFESSIONAL) for user in professionals]
        wanted += [(user, ParticipantRole.STUDENT) for user in students]
        present = set(
            EventParticipant.objects.filter(event=event).values_list("user_id", flat=True)
        )
        for user, role in wanted:
            if user.pk not in present:
                participant_add(organiser=organiser, event_id=event.pk, user_id=user.pk, role=role)
        EventParticipant.objects.filter(event=event, checked_in_at__isnull=True).update(
            checked_in_at=now
        )
        if not EventWish.objects.filter(event=event, student__username="demo-student").exists():
            sectors = dict(Sector.objects.filter(slug__in=DEMO_WISHES).values_list("slug", "pk"))
            wishes_set(
                student=students[0],
                event_id=event.pk,
                sector_ids=[sectors[slug] for slug in DEMO_WISHES if slug in sectors],
            )
    return event
