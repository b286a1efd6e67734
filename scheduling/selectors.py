"""Reads of scheduling: booking rules, bookable slots, a professional's calendar, meetings."""

import datetime as dt

from django.db.models import F, Prefetch, Q, QuerySet

from accounts.models import Role, User
from scheduling.models import (
    AvailabilityWindow,
    BlockedDate,
    Booking,
    BookingRules,
    BookingStatus,
    CalendarFeed,
    Slot,
    SlotStatus,
)

MAX_SLOTS_LISTED = 500
FEED_PAST_DAYS = 30


def booking_rules_of(*, professional: User) -> BookingRules:
    """The professional's rules, or the defaults (an unsaved row) when they set none.

    Uses the row loaded with `select_related("professional__booking_rules")` when there is one.
    """
    try:
        return professional.booking_rules
    except BookingRules.DoesNotExist:
        return BookingRules(professional_id=professional.pk)


def bookable_professional(*, professional_id: int) -> User | None:
    """A professional students may book: active and verified (as the gallery shows them)."""
    return User.objects.filter(
        pk=professional_id, role=Role.PROFESSIONAL, verified=True, is_active=True
    ).first()


def slot_list_bookable(
    *, professional: User, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> QuerySet[Slot]:
    """Open slots with a place left, in [start, end), that the rules let a student book now:
    after the minimum notice and within the horizon. At most MAX_SLOTS_LISTED, in time order."""
    rules = booking_rules_of(professional=professional)
    earliest = max(start, now + dt.timedelta(minutes=rules.min_notice_minutes))
    latest = min(end, now + dt.timedelta(days=rules.horizon_days, seconds=1))
    return Slot.objects.filter(
        professional=professional,
        status=SlotStatus.OPEN,
        booked_count__lt=F("capacity"),
        starts_at__gte=earliest,
        starts_at__lt=latest,
    ).order_by("starts_at")[:MAX_SLOTS_LISTED]


def slot_calendar(*, professional: User, start: dt.datetime, end: dt.datetime) -> QuerySet[Slot]:
    """The professional's slots in [start, end), free and booked, with their confirmed
    bookings and students: what their calendar shows."""
    confirmed = Booking.objects.filter(status=BookingStatus.CONFIRMED).select_related("student")
    return (
        Slot.objects.filter(professional=professional, starts_at__gte=start, starts_at__lt=end)
        .filter(Q(status=SlotStatus.OPEN) | Q(booked_count__gt=0))
        .prefetch_related(Prefetch("bookings", queryset=confirmed, to_attr="confirmed_bookings"))
        .order_by("starts_at")[:MAX_SLOTS_LISTED]
    )


def _bookings_of(user: User) -> QuerySet[Booking]:
    side = Q(professional=user) if user.role == Role.PROFESSIONAL else Q(student=user)
    return Booking.objects.filter(side).select_related("slot", "student", "professional")


def booking_list(*, user: User, upcoming: bool, now: dt.datetime) -> QuerySet[Booking]:
    """The user's meetings (as student or as professional): upcoming ones soonest first
    (confirmed and cancelled), past ones latest first."""
    bookings = _bookings_of(user)
    if upcoming:
        return bookings.filter(ends_at__gt=now).order_by("starts_at", "pk")
    return bookings.filter(ends_at__lte=now).order_by("-starts_at", "-pk")


def feed_bookings(*, user: User, now: dt.datetime) -> QuerySet[Booking]:
    """What a calendar feed holds: confirmed meetings from the last 30 days on."""
    return _bookings_of(user).filter(
        status=BookingStatus.CONFIRMED, ends_at__gt=now - dt.timedelta(days=FEED_PAST_DAYS)
    )


def windows_of(*, professional: User) -> QuerySet[AvailabilityWindow]:
    return AvailabilityWindow.objects.filter(professional=professional)


def blocked_dates_of(*, professional: User, today: dt.date) -> QuerySet[BlockedDate]:
    return BlockedDate.objects.filter(professional=professional, date__gte=today)


def calendar_feed_of(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()
