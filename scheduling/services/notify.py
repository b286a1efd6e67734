"""Telling both sides: pushes on their `user:` topics, e-mails with the .ics, reminders.

Everything here is registered to run after the surrounding transaction commits, so nobody is
told about a booking that was rolled back. E-mails and reminders are Celery tasks (eager in the
embedded mode), one message per recipient in their language and time zone: scheduling.tasks
registers their queueing here as follow-ups (`register_booking_follow_up`), so that services
never import the tasks that call them.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.notifications.models import NotificationKind
from accounts.notifications.service import notify
from realtime.users import user_notify
from scheduling.ics import Method, booking_ics, booking_location, site_url
from scheduling.models import Booking, BookingStatus

BookingEvent = Literal["created", "cancelled", "rescheduled"]
ReminderEvent = Literal["reminder_24h", "reminder_15m"]


@dataclass(frozen=True)
class BookingChange:
    """A committed change of a booking, as its follow-ups receive it."""

    booking_id: int
    event: BookingEvent
    actor_id: int
    previous: tuple[dt.datetime, dt.datetime] | None  # the time before a reschedule
    starts_at: dt.datetime
    confirmed: bool  # still a confirmed booking (not cancelled)


BookingFollowUp = Callable[[BookingChange], None]
_FOLLOW_UPS: list[BookingFollowUp] = []


def register_booking_follow_up(follow_up: BookingFollowUp) -> BookingFollowUp:
    """Decorator: `follow_up(change)` runs after each booking change commits, in its own robust
    on_commit callback (one that fails does not stop the others, nor the commit)."""
    _FOLLOW_UPS.append(follow_up)
    return follow_up


def _side(booking: Booking, user_id: int | None) -> str | None:
    if user_id == booking.student_id:
        return "student"
    if user_id == booking.professional_id:
        return "professional"
    return None


def booking_push_data(booking: Booking, *, actor_id: int | None = None) -> dict[str, Any]:
    """What a `booking.*` push carries: enough for a page to update or to say what happened."""
    return {
        "booking": booking.pk,
        "slot": booking.slot_id,
        "status": booking.status,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "sequence": booking.sequence,
        "by": _side(booking, actor_id),
        "reason": booking.cancel_reason or None,
    }


_NOTIFICATION_KINDS: dict[str, NotificationKind] = {
    "created": NotificationKind.BOOKING_MADE,
    "cancelled": NotificationKind.BOOKING_CANCELLED,
    "rescheduled": NotificationKind.BOOKING_RESCHEDULED,
}


def booking_announce(
    *,
    booking: Booking,
    event: BookingEvent,
    actor: User,
    previous: tuple[dt.datetime, dt.datetime] | None = None,
) -> None:
    """After commit: push `booking.<event>` to the student's and the professional's topics,
    then run the registered follow-ups (scheduling.tasks: e-mail both, and for a confirmed
    booking schedule the reminders of its time)."""
    data = booking_push_data(booking, actor_id=actor.pk)
    if previous is not None:
        data["previous_starts_at"], data["previous_ends_at"] = previous
    for user_id in (booking.student_id, booking.professional_id):
        user_notify(user_id, f"booking.{event}", data)
        if user_id != actor.pk:  # the other side: the actor knows what they did
            notify(
                user_id=user_id,
                kind=_NOTIFICATION_KINDS[event],
                data={
                    "booking": booking.pk,
                    "name": actor.display_name,
                    "starts_at": booking.starts_at.isoformat(),
                    "url": reverse("scheduling:booking_detail", args=[booking.pk]),
                },
            )
    change = BookingChange(
        booking_id=booking.pk,
        event=event,
        actor_id=actor.pk,
        previous=previous,
        starts_at=booking.starts_at,
        confirmed=booking.status == BookingStatus.CONFIRMED,
    )
    for follow_up in _FOLLOW_UPS:
        transaction.on_commit(partial(follow_up, change), robust=True)


def format_when(start: dt.datetime, end: dt.datetime, zone_name: str) -> str:
    """The meeting's day and hours in the zone, in the active language."""
    zone = ZoneInfo(zone_name)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    day = formats.date_format(local_start, "l j F Y")
    dash = "\u2013"  # an en dash between the hours
    hours = (
        f"{formats.time_format(local_start, 'H:i')}{dash}{formats.time_format(local_end, 'H:i')}"
    )
    return f"{day}, {hours}"


def _subject(event: str, booking: Booking, recipient: User, other: User, when: str) -> str:
    is_student = recipient.pk == booking.student_id
    if event == "created":
        if is_student:
            return _("Booked: your meeting with %(name)s") % {"name": other.display_name}
        return _("%(name)s booked a meeting with you") % {"name": other.display_name}
    if event == "cancelled":
        return _("Cancelled: meeting of %(when)s") % {"when": when}
    if event == "rescheduled":
        return _("Moved: your meeting is now on %(when)s") % {"when": when}
    if event == "reminder_24h":
        return _("Reminder: meeting with %(name)s tomorrow") % {"name": other.display_name}
    return _("Reminder: meeting with %(name)s in 15 minutes") % {"name": other.display_name}


def _method(event: str, booking: Booking) -> Method:
    return "CANCEL" if booking.status == BookingStatus.CANCELLED else "REQUEST"


def booking_email(
    *,
    booking: Booking,
    recipient: User,
    event: BookingEvent | ReminderEvent,
    actor_id: int | None = None,
    previous: tuple[dt.datetime, dt.datetime] | None = None,
) -> EmailMessage | None:
    """The e-mail about `event` for one side of the booking, in their language and zone, with
    the booking's .ics attached; None when the recipient has no e-mail address."""
    if not recipient.email:
        return None
    other = booking.professional if recipient.pk == booking.student_id else booking.student
    with translation.override(recipient.preferred_language), timezone.override(recipient.time_zone):
        when = format_when(booking.starts_at, booking.ends_at, recipient.time_zone)
        context = {
            "event": event,
            "recipient": recipient,
            "other": other,
            "booking": booking,
            "when": when,
            "previous_when": format_when(*previous, recipient.time_zone) if previous else "",
            "place": booking_location(booking, recipient),
            "by_you": actor_id == recipient.pk,
            "by_other": actor_id is not None and actor_id == other.pk,
            "link": site_url(reverse("scheduling:booking_detail", args=[booking.pk])),
        }
        body = render_to_string("scheduling/email/booking.txt", context)
        subject = _subject(event, booking, recipient, other, when)
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )
    method = _method(event, booking)
    ics = booking_ics(booking=booking, viewer=recipient, method=method)
    message.attach("meeting.ics", ics, f"text/calendar; charset=utf-8; method={method}")
    return message


def booking_emails_send(
    *,
    booking_id: int,
    event: BookingEvent | ReminderEvent,
    actor_id: int | None = None,
    previous: tuple[dt.datetime, dt.datetime] | None = None,
) -> int:
    """E-mail both sides of a booking about `event`. Returns how many messages were sent."""
    booking = (
        Booking.objects.select_related("slot", "student", "professional")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        return 0
    sent = 0
    for recipient in (booking.student, booking.professional):
        message = booking_email(
            booking=booking, recipient=recipient, event=event, actor_id=actor_id, previous=previous
        )
        if message is not None:
            sent += message.send()
    return sent
