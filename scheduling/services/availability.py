"""Writes on a professional's availability: rules, windows, days off, and the slots they open.

Every write locks the professional's user row first, so two edits of one professional never
interleave (on SQLite the IMMEDIATE transaction already serialises all writers). Slots are
withdrawn or closed with conditional UPDATEs, never deleted: a booking racing with the edit
either lands first (and its slot is kept, closed) or finds the slot gone (409).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_professional
from accounts.models import User
from scheduling.errors import InvalidRequest, NotFound, SchedulingConflict
from scheduling.models import (
    MAX_CAPACITY,
    MAX_HORIZON_DAYS,
    MAX_NOTICE_MINUTES,
    MAX_SLOT_MINUTES,
    MIN_SLOT_MINUTES,
    AvailabilityWindow,
    BlockedDate,
    BookingRules,
    Mode,
    Slot,
    SlotStatus,
    WindowKind,
)
from scheduling.recurrence import (
    SlotTime,
    WindowPattern,
    local_day_bounds,
    patterns_overlap,
    window_minutes,
    window_slots,
)


def lock_user(user: User) -> None:
    """Serialise this user's scheduling writes with a row lock. SQLite has no row locks and
    needs none: its IMMEDIATE transactions already run one writer at a time."""
    if connection.features.has_select_for_update:
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def local_today(user: User, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(user.time_zone)).date()


def window_pattern(window: AvailabilityWindow) -> WindowPattern:
    return WindowPattern(
        kind=window.kind,
        weekday=window.weekday,
        start_date=window.start_date,
        end_date=window.end_date,
        start_time=window.start_time,
        end_time=window.end_time,
        time_zone=window.time_zone,
        slot_minutes=window.slot_minutes,
    )


@transaction.atomic
def booking_rules_set(
    *, professional: User, min_notice_minutes: int, horizon_days: int
) -> BookingRules:
    """Set how long before a slot students must book, and how far ahead they may.

    Raises ServiceError `forbidden` for non-professionals, InvalidRequest for values out of
    range.
    """
    require_professional(professional)
    if not 0 <= min_notice_minutes <= MAX_NOTICE_MINUTES:
        raise InvalidRequest(
            _("Minimum notice is between 0 and 14 days."), field="min_notice_minutes"
        )
    if not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        raise InvalidRequest(
            _("Students may book from 1 to %(days)d days ahead.") % {"days": MAX_HORIZON_DAYS},
            field="horizon_days",
        )
    rules, _created = BookingRules.objects.update_or_create(
        professional=professional,
        defaults={"min_notice_minutes": min_notice_minutes, "horizon_days": horizon_days},
    )
    return rules


def _validate_window(
    *,
    kind: str,
    weekday: int | None,
    start_date: dt.date,
    end_date: dt.date | None,
    start_time: dt.time,
    end_time: dt.time,
    slot_minutes: int,
    capacity: int,
    mode: str,
    address: str,
    today: dt.date,
    now_local: dt.datetime,
) -> None:
    date_field = "date" if kind == WindowKind.ONE_OFF else "start_date"
    if kind not in WindowKind.values:
        raise InvalidRequest(_("Choose a weekly or a one-off window."), field="kind")
    if kind == WindowKind.WEEKLY and (weekday is None or not 0 <= weekday <= 6):
        raise InvalidRequest(_("Choose a day of the week."), field="weekday")
    if end_time <= start_time:
        raise InvalidRequest(_("The end must be after the start."), field="end_time")
    if not MIN_SLOT_MINUTES <= slot_minutes <= MAX_SLOT_MINUTES:
        raise InvalidRequest(
            _("A slot lasts from %(low)d to %(high)d minutes.")
            % {"low": MIN_SLOT_MINUTES, "high": MAX_SLOT_MINUTES},
            field="slot_minutes",
        )
    if window_minutes(start_time, end_time) % slot_minutes:
        raise InvalidRequest(
            _("The window must be a whole number of %(minutes)d-minute slots.")
            % {"minutes": slot_minutes},
            field="slot_minutes",
        )
    if not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidRequest(
            _("A slot holds 1 to %(max)d students.") % {"max": MAX_CAPACITY}, field="capacity"
        )
    if mode not in Mode.values:
        raise InvalidRequest(_("Choose in person or online."), field="mode")
    if mode == Mode.IN_PERSON and not address.strip():
        raise InvalidRequest(_("Give the address of an in-person meeting."), field="address")
    latest = today + dt.timedelta(days=MAX_HORIZON_DAYS)
    if start_date > latest:
        raise InvalidRequest(
            _("Windows start within %(days)d days.") % {"days": MAX_HORIZON_DAYS},
            field=date_field,
        )
    if kind == WindowKind.ONE_OFF:
        if dt.datetime.combine(start_date, end_time) <= now_local.replace(tzinfo=None):
            raise InvalidRequest(_("This window is in the past."), field="date")
    elif end_date is not None:
        if end_date < start_date:
            raise InvalidRequest(_("The last day must be after the first."), field="end_date")
        if end_date < today:
            raise InvalidRequest(_("This window is in the past."), field="end_date")


@transaction.atomic
def availability_window_add(
    *,
    professional: User,
    kind: str,
    start_date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    slot_minutes: int,
    capacity: int,
    mode: str,
    address: str = "",
    weekday: int | None = None,
    end_date: dt.date | None = None,
    now: dt.datetime | None = None,
) -> AvailabilityWindow:
    """Open a weekly or one-off window in the professional's time zone and its slots.

    Raises ServiceError `forbidden` (not a professional), InvalidRequest (end before start, a
    slot length outside 15-60 minutes or that does not divide the window, a window in the past,
    no address for an in-person window...) or SchedulingConflict (it overlaps another window).
    """
    require_professional(professional)
    now = now or timezone.now()
    zone = ZoneInfo(professional.time_zone)
    today = now.astimezone(zone).date()
    if kind == WindowKind.ONE_OFF:
        weekday, end_date = None, None
    _validate_window(
        kind=kind,
        weekday=weekday,
        start_date=start_date,
        end_date=end_date,
        start_time=start_time,
        end_time=end_time,
        slot_minutes=slot_minutes,
        capacity=capacity,
        mode=mode,
        address=address,
        today=today,
        now_local=now.astimezone(zone),
    )
    lock_user(professional)
    window = AvailabilityWindow(
        professional=professional,
        kind=kind,
        weekday=weekday,
        start_date=start_date,
        end_date=end_date,
        start_time=start_time,
        end_time=end_time,
        time_zone=professional.time_zone,
        slot_minutes=slot_minutes,
        capacity=capacity,
        mode=mode,
        address=address.strip() if mode == Mode.IN_PERSON else "",
    )
    if (
        kind == WindowKind.ONE_OFF
        and BlockedDate.objects.filter(professional=professional, date=start_date).exists()
    ):
        raise SchedulingConflict(_("You blocked this day: unblock it first."), field="date")
    pattern = window_pattern(window)
    for other in AvailabilityWindow.objects.filter(professional=professional):
        if other.time_zone == window.time_zone and patterns_overlap(pattern, window_pattern(other)):
            raise SchedulingConflict(_("This window overlaps another of your windows."))
    window.save()
    slots_materialise(
        window=window, first=today, last=today + dt.timedelta(MAX_HORIZON_DAYS), now=now
    )
    return window


def _overlaps_any(slot: SlotTime, busy: list[tuple[dt.datetime, dt.datetime]]) -> bool:
    return any(start < slot.ends_at and slot.starts_at < end for start, end in busy)


def slots_materialise(
    *, window: AvailabilityWindow, first: dt.date, last: dt.date, now: dt.datetime
) -> int:
    """Create the missing future slots of `window` on the local days [first, last]: none on a
    blocked day, none over another slot the professional keeps. Returns how many were made.

    Call it inside a transaction holding the professional's lock (`lock_user`).
    """
    zone = ZoneInfo(window.time_zone)
    first = max(first, window.start_date)
    times = [
        slot for slot in window_slots(window_pattern(window), first, last) if slot.starts_at > now
    ]
    if times:
        blocked = set(
            BlockedDate.objects.filter(
                professional_id=window.professional_id, date__gte=first, date__lte=last
            ).values_list("date", flat=True)
        )
        times = [slot for slot in times if slot.starts_at.astimezone(zone).date() not in blocked]
    created = 0
    if times:
        span = (times[0].starts_at, times[-1].ends_at)
        existing = set(
            Slot.objects.filter(
                window=window, starts_at__gte=span[0], starts_at__lt=span[1]
            ).values_list("starts_at", flat=True)
        )
        busy = list(
            Slot.objects.filter(
                professional_id=window.professional_id, starts_at__lt=span[1], ends_at__gt=span[0]
            )
            .exclude(window=window)
            .exclude(status=SlotStatus.WITHDRAWN)
            .values_list("starts_at", "ends_at")
        )
        new = [
            Slot(
                professional_id=window.professional_id,
                window=window,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                capacity=window.capacity,
                mode=window.mode,
                address=window.address,
            )
            for slot in times
            if slot.starts_at not in existing and not _overlaps_any(slot, busy)
        ]
        Slot.objects.bulk_create(new, batch_size=500)
        created = len(new)
    reached = last + dt.timedelta(days=1)
    if window.materialised_until is None or reached > window.materialised_until:
        window.materialised_until = reached
        AvailabilityWindow.objects.filter(pk=window.pk).update(materialised_until=reached)
    return created


def _withdraw_free_and_close_booked(**filters: object) -> tuple[int, int]:
    """Withdraw the free open slots matching `filters` and close the booked ones.

    Two conditional UPDATEs: a booking that commits in between is seen by the second.
    """
    open_slots = Slot.objects.filter(status=SlotStatus.OPEN, **filters)
    withdrawn = open_slots.filter(booked_count=0).update(status=SlotStatus.WITHDRAWN)
    closed = open_slots.filter(booked_count__gt=0).update(status=SlotStatus.CLOSED)
    return withdrawn, closed


@transaction.atomic
def availability_window_remove(
    *, professional: User, window_id: int, now: dt.datetime | None = None
) -> int:
    """Remove a window: its free future slots disappear; booked ones stay (closed to new
    bookings) until their meetings are held or cancelled. Returns how many stay booked.

    Raises NotFound when the window is not one of the professional's.
    """
    require_professional(professional)
    now = now or timezone.now()
    lock_user(professional)
    window = AvailabilityWindow.objects.filter(pk=window_id, professional=professional).first()
    if window is None:
        raise NotFound(_("No such availability window."))
    _withdraw_free_and_close_booked(window=window, starts_at__gt=now)
    kept = Slot.objects.filter(
        window=window, starts_at__gt=now, status=SlotStatus.CLOSED, booked_count__gt=0
    ).count()
    window.delete()  # slots keep their rows (window set to NULL)
    return kept


@transaction.atomic
def blocked_date_add(
    *, professional: User, date: dt.date, note: str = "", now: dt.datetime | None = None
) -> BlockedDate:
    """Take a day off: its free slots are withdrawn; booked ones stay (closed to new bookings).

    Raises InvalidRequest for a past day, SchedulingConflict when the day is already blocked.
    """
    require_professional(professional)
    now = now or timezone.now()
    if date < local_today(professional, now):
        raise InvalidRequest(_("This day is in the past."), field="date")
    lock_user(professional)
    try:
        with transaction.atomic():
            blocked = BlockedDate.objects.create(
                professional=professional, date=date, note=note.strip()
            )
    except IntegrityError as exc:
        raise SchedulingConflict(_("This day is already blocked."), field="date") from exc
    day_start, day_end = local_day_bounds(date, ZoneInfo(professional.time_zone))
    _withdraw_free_and_close_booked(
        professional=professional,
        starts_at__gte=max(day_start, now),
        starts_at__lt=day_end,
    )
    return blocked


@transaction.atomic
def blocked_date_remove(
    *, professional: User, blocked_id: int, now: dt.datetime | None = None
) -> None:
    """Give a blocked day back: the windows' slots of that day are offered again.

    Raises NotFound when the blocked day is not one of the professional's.
    """
    require_professional(professional)
    now = now or timezone.now()
    lock_user(professional)
    blocked = BlockedDate.objects.filter(pk=blocked_id, professional=professional).first()
    if blocked is None:
        raise NotFound(_("No such blocked day."))
    blocked.delete()
    day_start, day_end = local_day_bounds(blocked.date, ZoneInfo(professional.time_zone))
    Slot.objects.filter(
        professional=professional,
        window__isnull=False,
        status=SlotStatus.WITHDRAWN,
        starts_at__gte=max(day_start, now),
        starts_at__lt=day_end,
    ).update(status=SlotStatus.OPEN)
    for window in AvailabilityWindow.objects.filter(professional=professional):
        if window.materialised_until and blocked.date < window.materialised_until:
            slots_materialise(window=window, first=blocked.date, last=blocked.date, now=now)


def slots_extend(*, now: dt.datetime | None = None) -> int:
    """Keep open-ended weekly windows materialised MAX_HORIZON_DAYS ahead (a daily job).

    Returns how many slots were made. Each window is extended in its own short transaction.
    """
    now = now or timezone.now()
    created = 0
    windows = AvailabilityWindow.objects.filter(kind=WindowKind.WEEKLY).values_list(
        "pk", "professional_id"
    )
    for window_id, professional_id in list(windows):
        with transaction.atomic():
            professional = User.objects.filter(pk=professional_id).first()
            if professional is None:
                continue
            lock_user(professional)
            window = AvailabilityWindow.objects.filter(pk=window_id).first()
            if window is None:
                continue
            today = now.astimezone(ZoneInfo(window.time_zone)).date()
            last = today + dt.timedelta(days=MAX_HORIZON_DAYS)
            first = max(window.materialised_until or today, today)
            if window.end_date is not None:
                last = min(last, window.end_date)
            if first <= last:
                created += slots_materialise(window=window, first=first, last=last, now=now)
    return created
