"""Booking, cancelling and rescheduling, correct under concurrency on PostgreSQL and SQLite.

How the database keeps the promises, whatever runs at the same time:
- capacity: a place is taken by `UPDATE slot SET booked_count = booked_count + 1 WHERE id = ?
  AND status = 'open' AND booked_count < capacity`; the losers update no row and get a 409.
  A CHECK (booked_count <= capacity) refuses any write that would go over.
- one meeting at a time per student: the student's user row is locked (SELECT ... FOR UPDATE)
  before the overlap check, so one student's bookings run one after the other; on PostgreSQL
  an exclusion constraint over (student, time range) of confirmed bookings backs it.
- SQLite runs one writer at a time (IMMEDIATE transactions), which serialises the same steps.
Locks are always taken in the order student row, booking row, slot rows (by id): no deadlock.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from core.parsers import bad_text_message, text_is_clean
from scheduling.errors import InvalidRequest, NotFound, NotPermitted, SchedulingConflict
from scheduling.meeting_rooms import meeting_room_ensure
from scheduling.models import MAX_NOTE_LENGTH, Booking, BookingStatus, Mode, Slot, SlotStatus
from scheduling.selectors import booking_rules_of
from scheduling.services.availability import lock_user
from scheduling.services.notify import booking_announce

# A student may hold this many upcoming meetings with one professional: volunteers' evenings
# are few, and one student must not take them all.
MAX_UPCOMING_WITH_ONE_PROFESSIONAL = 3


def _require_student(user: User) -> None:
    if user.role != Role.STUDENT or not user.is_active:
        raise NotPermitted(_("Only students can book a meeting."))


def _require_bookable_professional(slot: Slot) -> None:
    professional = slot.professional
    if not (
        professional.role == Role.PROFESSIONAL and professional.verified and professional.is_active
    ):
        raise NotPermitted(_("This professional cannot be booked until their account is verified."))


def _check_timing(slot: Slot, now: dt.datetime) -> None:
    """The slot is in the future, outside the minimum notice and inside the booking horizon."""
    rules = booking_rules_of(professional=slot.professional)
    if slot.starts_at <= now:
        raise InvalidRequest(_("This slot is in the past."), field="slot")
    if slot.starts_at < now + dt.timedelta(minutes=rules.min_notice_minutes):
        hours = rules.min_notice_minutes // 60
        message = (
            ngettext(
                "Book at least %(count)d hour ahead.", "Book at least %(count)d hours ahead.", hours
            )
            % {"count": hours}
            if hours
            else _("Book at least %(count)d minutes ahead.") % {"count": rules.min_notice_minutes}
        )
        raise InvalidRequest(message, field="slot")
    if slot.starts_at > now + dt.timedelta(days=rules.horizon_days):
        raise InvalidRequest(
            ngettext(
                "This slot is too far ahead: book at most %(count)d day ahead.",
                "This slot is too far ahead: book at most %(count)d days ahead.",
                rules.horizon_days,
            )
            % {"count": rules.horizon_days},
            field="slot",
        )


def _check_student_is_free(
    student: User, slot: Slot, *, now: dt.datetime, moving: Booking | None = None
) -> None:
    """No confirmed booking of the student overlaps the slot, and (for a new booking) the
    student has room for one more upcoming meeting with this professional. One query."""
    overlapping = Q(starts_at__lt=slot.ends_at, ends_at__gt=slot.starts_at)
    mine = Booking.objects.filter(student=student, status=BookingStatus.CONFIRMED)
    if moving is not None:
        mine = mine.exclude(pk=moving.pk).filter(overlapping)
    else:
        mine = mine.filter(overlapping | Q(professional_id=slot.professional_id, starts_at__gt=now))
    rows = list(mine.values_list("slot_id", "starts_at", "ends_at")[:20])
    for slot_id, starts_at, ends_at in rows:
        if slot_id == slot.pk:
            raise SchedulingConflict(_("You already booked this slot."))
        if starts_at < slot.ends_at and slot.starts_at < ends_at:
            raise SchedulingConflict(_("This slot overlaps another of your meetings."))
    if moving is None and len(rows) >= MAX_UPCOMING_WITH_ONE_PROFESSIONAL:
        raise SchedulingConflict(
            _("You already have %(count)d upcoming meetings with this professional.")
            % {"count": len(rows)}
        )


def _take_place(slot_id: int) -> bool:
    """Take one place in an open slot, if one is left: a conditional UPDATE."""
    return bool(
        Slot.objects.filter(
            pk=slot_id, status=SlotStatus.OPEN, booked_count__lt=F("capacity")
        ).update(booked_count=F("booked_count") + 1)
    )


def _release_place(slot_id: int, *, close: bool = False) -> None:
    """Give a place back; `close` also stops new bookings of the slot."""
    Slot.objects.filter(pk=slot_id, booked_count__gt=0).update(booked_count=F("booked_count") - 1)
    if close:
        Slot.objects.filter(pk=slot_id, status=SlotStatus.OPEN).update(status=SlotStatus.CLOSED)


def _ensure_room(slot: Slot) -> None:
    if slot.mode == Mode.VIRTUAL and slot.room_id is None:
        meeting_room_ensure(slot=slot)


def clean_note(note: str) -> str:
    """The student's note, trimmed; InvalidRequest (field `note`) when too long or when it
    holds a NUL or an unpaired surrogate (PostgreSQL cannot store a NUL)."""
    note = note.strip()
    if not text_is_clean(note):
        raise InvalidRequest(bad_text_message(), field="note")
    if len(note) > MAX_NOTE_LENGTH:
        raise InvalidRequest(
            _("The note may be at most %(max)d characters long.") % {"max": MAX_NOTE_LENGTH},
            field="note",
        )
    return note


def _bookable_slot(slot_id: int) -> Slot:
    slot = (
        Slot.objects.select_related("professional__booking_rules")
        .exclude(status=SlotStatus.WITHDRAWN)
        .filter(pk=slot_id)
        .first()
    )
    if slot is None:
        raise NotFound(_("No such slot."))
    return slot


@transaction.atomic
def booking_create(
    *, student: User, slot_id: int, note: str = "", now: dt.datetime | None = None
) -> Booking:
    """Book a place in a slot for a student, with an optional note to the professional (what
    the student would like to ask or see). The note is never required here: the booking page
    asks for it before a first in-person one-to-one meeting (scheduling.views.student).

    Raises NotPermitted (not a student, or the professional is not verified), NotFound (no such
    slot), InvalidRequest (the slot is in the past, inside the minimum notice or beyond the
    horizon) or SchedulingConflict (full, no longer offered, overlapping another booking of the
    student, or too many upcoming meetings with this professional); InvalidRequest (field
    `note`) for a note over MAX_NOTE_LENGTH characters or with a NUL. Nothing is written then.
    After commit: pushes on both users' topics, e-mails with the .ics, reminders.
    """
    _require_student(student)
    note = clean_note(note)
    now = now or timezone.now()
    lock_user(student)
    slot = _bookable_slot(slot_id)
    _require_bookable_professional(slot)
    _check_timing(slot, now)
    if slot.status != SlotStatus.OPEN:
        raise SchedulingConflict(_("This slot is no longer offered."))
    _check_student_is_free(student, slot, now=now)
    if slot.booked_count >= slot.capacity:
        # Full when read: answer without writing. (A place freed since then loses the race to
        # this read; a place taken since then is caught by the conditional UPDATE below.)
        raise SchedulingConflict(_("This slot is full."))
    if not _take_place(slot.pk):
        raise SchedulingConflict(_("This slot is full."))
    _ensure_room(slot)
    try:
        booking = Booking.objects.create(
            slot=slot,
            student=student,
            professional_id=slot.professional_id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            scheduled_at=now,
            note=note,
        )
    except IntegrityError as exc:  # the exclusion constraint: the same race, lost later
        raise SchedulingConflict(_("This slot overlaps another of your meetings.")) from exc
    booking.slot = slot
    booking_announce(booking=booking, event="created", actor=student)
    return booking


def _locked_booking(*, user: User, booking_id: int) -> Booking:
    """Lock the booking's student row, then the booking row; NotFound unless `user` is the
    student or the professional of the booking."""
    row = Booking.objects.filter(pk=booking_id).values_list("student_id", "professional_id").first()
    if row is None or user.pk not in row:
        raise NotFound(_("No such booking."))
    lock_user(User(pk=row[0]))
    return (
        Booking.objects.select_for_update()
        .select_related("slot", "student", "professional")
        .get(pk=booking_id)
    )


@transaction.atomic
def booking_cancel(
    *, user: User, booking_id: int, reason: str, now: dt.datetime | None = None
) -> Booking:
    """Cancel a booking, by its student or its professional, with a reason.

    The place is freed; when the professional cancels, the slot is closed to new bookings (they
    cannot make it). Raises NotFound (not the caller's booking), InvalidRequest (no reason) or
    SchedulingConflict (already cancelled, or the meeting has started). After commit: pushes,
    e-mails with METHOD:CANCEL and a higher SEQUENCE.
    """
    reason = reason.strip()
    if not reason:
        raise InvalidRequest(_("Say why you cancel."), field="reason")
    now = now or timezone.now()
    booking = _locked_booking(user=user, booking_id=booking_id)
    if booking.status == BookingStatus.CANCELLED:
        raise SchedulingConflict(_("This booking is already cancelled."))
    if booking.starts_at <= now:
        raise SchedulingConflict(_("This meeting has already started."))
    updated = Booking.objects.filter(pk=booking.pk, status=BookingStatus.CONFIRMED).update(
        status=BookingStatus.CANCELLED,
        cancelled_at=now,
        cancelled_by=user,
        cancel_reason=reason[:500],
        sequence=F("sequence") + 1,
    )
    if not updated:
        raise SchedulingConflict(_("This booking is already cancelled."))
    _release_place(booking.slot_id, close=user.pk == booking.professional_id)
    booking.refresh_from_db()
    booking_announce(booking=booking, event="cancelled", actor=user)
    return booking


@transaction.atomic
def booking_reschedule(
    *, student: User, booking_id: int, slot_id: int, now: dt.datetime | None = None
) -> Booking:
    """Move a student's booking to another slot of the same professional. The booking keeps
    its id and calendar UID; its SEQUENCE goes up.

    Raises like booking_create, plus NotFound (not the student's booking), SchedulingConflict
    (cancelled or started) and InvalidRequest (the same slot, another professional's slot).
    """
    _require_student(student)
    now = now or timezone.now()
    booking = _locked_booking(user=student, booking_id=booking_id)
    if booking.student_id != student.pk:
        raise NotFound(_("No such booking."))
    if booking.status == BookingStatus.CANCELLED:
        raise SchedulingConflict(_("A cancelled booking cannot be moved: book again."))
    if booking.starts_at <= now:
        raise SchedulingConflict(_("This meeting has already started."))
    slot = _bookable_slot(slot_id)
    if slot.pk == booking.slot_id:
        raise InvalidRequest(_("Your meeting is already in this slot."), field="slot")
    if slot.professional_id != booking.professional_id:
        raise InvalidRequest(_("Choose another slot of the same professional."), field="slot")
    _require_bookable_professional(slot)
    _check_timing(slot, now)
    if slot.status != SlotStatus.OPEN:
        raise SchedulingConflict(_("This slot is no longer offered."))
    _check_student_is_free(student, slot, now=now, moving=booking)
    old_slot_id = booking.slot_id
    # Slot rows are locked in id order, whichever way the meeting moves.
    if slot.pk < old_slot_id:
        if not _take_place(slot.pk):
            raise SchedulingConflict(_("This slot is full."))
        _release_place(old_slot_id)
    else:
        _release_place(old_slot_id)
        if not _take_place(slot.pk):
            raise SchedulingConflict(_("This slot is full."))
    _ensure_room(slot)
    previous = (booking.starts_at, booking.ends_at)
    try:
        Booking.objects.filter(pk=booking.pk).update(
            slot=slot,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            scheduled_at=now,
            sequence=F("sequence") + 1,
        )
    except IntegrityError as exc:
        raise SchedulingConflict(_("This slot overlaps another of your meetings.")) from exc
    booking.refresh_from_db()
    booking_announce(booking=booking, event="rescheduled", actor=student, previous=previous)
    return booking
