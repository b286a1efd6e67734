"""Reminders 24 hours and 15 minutes before a meeting, by e-mail and in the app, once each.

Exactly once, even when a task is retried, duplicated or runs beside the catch-up job: a
`SentReminder` row, unique per (booking, kind, meeting time), is inserted and committed before
anything is sent; whoever fails to insert it sends nothing. If a worker dies after claiming
and before sending, the claim goes stale after CLAIM_LEASE and the catch-up job takes it over,
so a crash delays a reminder instead of losing it.
"""

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from realtime.users import user_notify
from scheduling.models import Booking, BookingStatus, ReminderKind, SentReminder
from scheduling.services.notify import ReminderEvent, booking_emails_send, booking_push_data

logger = logging.getLogger(__name__)

LEADS: dict[str, dt.timedelta] = {
    ReminderKind.DAY_BEFORE: dt.timedelta(hours=24),
    ReminderKind.QUARTER_HOUR: dt.timedelta(minutes=15),
}
CLAIM_LEASE = dt.timedelta(minutes=10)
# A task that arrives a little early (clock skew between hosts) still counts as on time.
EARLY_TOLERANCE = dt.timedelta(seconds=90)
CATCH_UP_BATCH = 500


def reminder_due_at(*, kind: str, starts_at: dt.datetime) -> dt.datetime:
    return starts_at - LEADS[kind]


def reminder_useful_until(*, kind: str, starts_at: dt.datetime) -> dt.datetime:
    """After this, the reminder would say something wrong: the 24-hour one gives way to the
    15-minute one, which gives way to the meeting itself."""
    if kind == ReminderKind.DAY_BEFORE:
        return starts_at - LEADS[ReminderKind.QUARTER_HOUR]
    return starts_at


def reminders_planned(
    *, starts_at: dt.datetime, scheduled_at: dt.datetime
) -> list[tuple[str, dt.datetime]]:
    """The reminders a meeting gets: those due after the time it was booked for was chosen (a
    meeting booked 3 hours ahead gets no "tomorrow" e-mail)."""
    return [
        (kind, reminder_due_at(kind=kind, starts_at=starts_at))
        for kind in LEADS
        if reminder_due_at(kind=kind, starts_at=starts_at) > scheduled_at
    ]


def _claim(*, booking: Booking, kind: str, now: dt.datetime) -> SentReminder | None:
    try:
        with transaction.atomic():
            return SentReminder.objects.create(
                booking=booking, kind=kind, starts_at=booking.starts_at, claimed_at=now
            )
    except IntegrityError:
        pass
    # Claimed already: take the claim over only if it is stale and nothing was sent.
    claim = SentReminder.objects.filter(
        booking=booking,
        kind=kind,
        starts_at=booking.starts_at,
        sent_at__isnull=True,
        claimed_at__lt=now - CLAIM_LEASE,
    )
    if claim.update(claimed_at=now):
        return SentReminder.objects.get(booking=booking, kind=kind, starts_at=booking.starts_at)
    return None


def reminder_deliver(
    *, booking_id: int, kind: str, starts_at: dt.datetime, now: dt.datetime | None = None
) -> bool:
    """Send one reminder (e-mail and push to both sides) unless it was sent, is claimed, is
    no longer true (cancelled, moved, too late) or is not due yet. Returns whether it sent.

    Must not run inside a transaction: the claim has to be committed before sending.
    """
    now = now or timezone.now()
    if kind not in LEADS:
        raise ValueError(f"unknown reminder kind {kind!r}")
    booking = Booking.objects.filter(pk=booking_id).select_related("slot").first()
    if booking is None or booking.status != BookingStatus.CONFIRMED:
        return False
    if booking.starts_at != starts_at:
        return False  # moved: the new time has reminders of its own
    due = reminder_due_at(kind=kind, starts_at=starts_at)
    if now < due - EARLY_TOLERANCE or now >= reminder_useful_until(kind=kind, starts_at=starts_at):
        return False
    if due <= booking.scheduled_at:
        return False
    claim = _claim(booking=booking, kind=kind, now=now)
    if claim is None:
        return False
    event: ReminderEvent = "reminder_24h" if kind == ReminderKind.DAY_BEFORE else "reminder_15m"
    data = {**booking_push_data(booking), "kind": kind}
    for user_id in (booking.student_id, booking.professional_id):
        user_notify(user_id, "booking.reminder", data)  # no transaction: sent at once
    booking_emails_send(booking_id=booking.pk, event=event)
    SentReminder.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
    return True


def reminders_due(*, now: dt.datetime) -> list[tuple[int, str, dt.datetime]]:
    """(booking id, kind, meeting time) of every reminder due now and not sent or claimed."""
    due: list[tuple[int, str, dt.datetime]] = []
    for kind, lead in LEADS.items():
        handled = SentReminder.objects.filter(
            booking=OuterRef("pk"), kind=kind, starts_at=OuterRef("starts_at")
        ).filter(Q(sent_at__isnull=False) | Q(claimed_at__gte=now - CLAIM_LEASE))
        until = (
            LEADS[ReminderKind.QUARTER_HOUR] if kind == ReminderKind.DAY_BEFORE else dt.timedelta()
        )
        rows = (
            Booking.objects.filter(
                status=BookingStatus.CONFIRMED,
                starts_at__gt=now + until,
                starts_at__lte=now + lead,
                scheduled_at__lt=F("starts_at") - lead,
            )
            .exclude(Exists(handled))
            .order_by("starts_at")
            .values_list("pk", "starts_at")[:CATCH_UP_BATCH]
        )
        due += [(pk, kind, starts_at) for pk, starts_at in rows]
    return due


def reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """The catch-up job: send every reminder that is due and was not sent, whatever happened
    to its task. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    for booking_id, kind, starts_at in reminders_due(now=now):
        try:
            sent += reminder_deliver(booking_id=booking_id, kind=kind, starts_at=starts_at, now=now)
        except Exception:  # one failing e-mail must not hold back the others
            logger.exception("reminder %s of booking %s failed", kind, booking_id)
    return sent
