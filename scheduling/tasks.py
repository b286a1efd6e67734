"""Celery tasks of scheduling: load by id, call one service.

In production each booking's reminders are tasks with an ETA, and beat runs the catch-up job
every minute for tasks that were lost (see celery_schedule.py). In the embedded mode tasks run
eagerly, so an ETA would fire at once: no reminder task is queued at booking time, and the
catch-up job (`manage.py send_due_reminders`) sends them instead.

Tasks call services, never the other way round: the booking services announce a change, and
the follow-ups registered here (`register_booking_follow_up`, run after commit) queue its
e-mails and reminders. SchedulingConfig.ready() imports this module so they are registered.
"""

import datetime as dt
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from scheduling.services.availability import slots_extend
from scheduling.services.notify import (
    BookingChange,
    BookingEvent,
    booking_emails_send,
    register_booking_follow_up,
)
from scheduling.services.reminders import (
    reminder_deliver,
    reminders_planned,
    reminders_send_due,
)


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_booking_emails(
    booking_id: int, event: BookingEvent, actor_id: int | None, previous: list[str] | None
) -> int:
    times = None
    if previous:
        times = (dt.datetime.fromisoformat(previous[0]), dt.datetime.fromisoformat(previous[1]))
    return booking_emails_send(
        booking_id=booking_id, event=event, actor_id=actor_id, previous=times
    )


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_booking_reminder(booking_id: int, kind: str, starts_at: str) -> bool:
    return reminder_deliver(
        booking_id=booking_id, kind=kind, starts_at=dt.datetime.fromisoformat(starts_at)
    )


@shared_task
def send_due_reminders() -> int:
    return reminders_send_due()


@shared_task
def extend_slots() -> int:
    return slots_extend()


def enqueue_reminders(*, booking_id: int, starts_at: dt.datetime) -> int:
    """Queue the booking's reminder tasks with their ETA (not in the eager, embedded mode).
    Returns how many were queued."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return 0
    now = timezone.now()
    queued = 0
    for kind, due in reminders_planned(starts_at=starts_at, scheduled_at=now):
        send_booking_reminder.apply_async((booking_id, kind, starts_at.isoformat()), eta=due)
        queued += 1
    return queued


@register_booking_follow_up
def _queue_booking_emails(change: BookingChange) -> None:
    previous = [value.isoformat() for value in change.previous] if change.previous else None
    send_booking_emails.delay(change.booking_id, change.event, change.actor_id, previous)


@register_booking_follow_up
def _queue_booking_reminders(change: BookingChange) -> None:
    # A cancelled booking gets none; a moved one, those of its new time.
    if change.confirmed:
        enqueue_reminders(booking_id=change.booking_id, starts_at=change.starts_at)
