"""What the scheduling pages share: local days, a meeting as one side sees it, the slot pages
a student browses (to book or to reschedule)."""

import datetime as dt
from dataclasses import dataclass
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest
from django.utils import timezone

from accounts.models import User
from gallery.models import WitnessProfile
from scheduling import selectors
from scheduling.meeting_rooms import meeting_room_url
from scheduling.models import MAX_HORIZON_DAYS, Booking, BookingStatus, Mode, Slot, SlotStatus

CALENDAR_DAYS = 28
PAGE_DAYS = 14


def user_zone(user: User) -> ZoneInfo:
    return ZoneInfo(user.time_zone)


@dataclass
class Day:
    date: dt.date
    items: list[Any]


def by_local_day(items: list[Any], zone: ZoneInfo) -> list[Day]:
    def day_of(item: Any) -> dt.date:
        value: dt.datetime = item.starts_at
        return value.astimezone(zone).date()

    return [Day(date, list(group)) for date, group in groupby(items, key=day_of)]


@dataclass
class Meeting:
    """A booking as one side sees it on a page."""

    booking: Booking
    other: User
    room_url: str | None
    can_cancel: bool
    can_reschedule: bool
    is_student: bool

    @property
    def is_virtual(self) -> bool:
        return self.booking.slot.mode == Mode.VIRTUAL


def meeting_of(booking: Booking, user: User, now: dt.datetime) -> Meeting:
    is_student = booking.student_id == user.pk
    upcoming = booking.status == BookingStatus.CONFIRMED and booking.starts_at > now
    return Meeting(
        booking=booking,
        other=booking.professional if is_student else booking.student,
        room_url=meeting_room_url(slot=booking.slot, user=user),
        can_cancel=upcoming,
        can_reschedule=upcoming and is_student,
        is_student=is_student,
    )


@dataclass
class SlotPage:
    """Free slots of a professional, PAGE_DAYS local days at a time."""

    days: list[Day]
    count: int
    first_day: dt.date
    last_day: dt.date
    earlier: dt.date | None
    later: dt.date | None


def slot_page(request: HttpRequest, professional: User, viewer: User) -> SlotPage:
    now = timezone.now()
    zone = user_zone(viewer)
    today = now.astimezone(zone).date()
    try:
        first_day = max(dt.date.fromisoformat(request.GET.get("from", "")), today)
    except ValueError:
        first_day = today
    first_day = min(first_day, today + dt.timedelta(days=MAX_HORIZON_DAYS))
    start = dt.datetime.combine(first_day, dt.time(), tzinfo=zone)
    end = start + dt.timedelta(days=PAGE_DAYS)
    slots = list(
        selectors.slot_list_bookable(professional=professional, start=start, end=end, now=now)
    )
    later = selectors.slot_list_bookable(
        professional=professional, start=end, end=now + dt.timedelta(days=MAX_HORIZON_DAYS), now=now
    ).first()
    earlier = first_day - dt.timedelta(days=PAGE_DAYS) if first_day > today else None
    return SlotPage(
        days=by_local_day(slots, zone),
        count=len(slots),
        first_day=first_day,
        last_day=first_day + dt.timedelta(days=PAGE_DAYS - 1),
        earlier=max(earlier, today) if earlier else None,
        later=later.starts_at.astimezone(zone).date() if later else None,
    )


def offered_slot(slot_id: int) -> Slot:
    """An open slot of a bookable professional, else 404."""
    slot = (
        Slot.objects.select_related("professional")
        .filter(pk=slot_id, status=SlotStatus.OPEN)
        .first()
    )
    if (
        slot is None
        or selectors.bookable_professional(professional_id=slot.professional_id) is None
    ):
        raise Http404
    return slot


def job_title(professional: User) -> str:
    profile = WitnessProfile.objects.filter(user=professional).only("job_title").first()
    return profile.job_title if profile else ""
