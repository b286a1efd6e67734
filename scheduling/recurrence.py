"""Expanding availability windows into slot times, in the professional's time zone.

Pure functions, no database. Weekly windows are expanded with dateutil's rrule on naive
wall-clock datetimes and only then placed in the zone, so "Tuesday 18:00" is 18:00 there on
both sides of a daylight-saving change. A wall-clock time that does not exist (the spring gap)
or exists twice (the autumn overlap) never starts a slot: it would be unclear to both sides.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule

UTC = dt.UTC


@dataclass(frozen=True)
class WindowPattern:
    """What recurrence needs of a window (AvailabilityWindow has these fields)."""

    kind: str  # "weekly" | "one_off"
    weekday: int | None
    start_date: dt.date
    end_date: dt.date | None
    start_time: dt.time
    end_time: dt.time
    time_zone: str
    slot_minutes: int


@dataclass(frozen=True, order=True)
class SlotTime:
    starts_at: dt.datetime  # aware, UTC
    ends_at: dt.datetime


def window_minutes(start: dt.time, end: dt.time) -> int:
    """Minutes between two wall-clock times of the same day."""
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def wall_to_utc(wall: dt.datetime, zone: ZoneInfo) -> dt.datetime | None:
    """The UTC instant of a naive wall-clock time in `zone`, or None when that wall-clock time
    does not exist there (skipped by a change to summer time) or is ambiguous (repeated)."""
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first != second:
        return None  # in a gap both folds name other wall times; in an overlap, two instants
    if first.astimezone(zone).replace(tzinfo=None) != wall:
        return None
    return first


def local_day_bounds(day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where a local day starts and the next one starts (23 to 25 hours)."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone).astimezone(UTC)
    return start, end


def occurrence_days(pattern: WindowPattern, first: dt.date, last: dt.date) -> list[dt.date]:
    """The local days in [first, last] on which the window opens."""
    if pattern.kind != "weekly":
        return [pattern.start_date] if first <= pattern.start_date <= last else []
    low = max(first, pattern.start_date)
    high = min(last, pattern.end_date) if pattern.end_date else last
    if low > high or pattern.weekday is None:
        return []
    rule = rrule(
        WEEKLY,
        byweekday=pattern.weekday,
        dtstart=dt.datetime.combine(low, pattern.start_time),
        until=dt.datetime.combine(high, pattern.start_time),
    )
    return [occurrence.date() for occurrence in rule]


def _day_slots(pattern: WindowPattern, day: dt.date, zone: ZoneInfo) -> Iterator[SlotTime]:
    length = dt.timedelta(minutes=pattern.slot_minutes)
    opens = dt.datetime.combine(day, pattern.start_time)
    closes = dt.datetime.combine(day, pattern.end_time)
    # Where the window's end falls in a gap or an overlap, its latest reading bounds the slots.
    window_end = max(closes.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1))
    count = window_minutes(pattern.start_time, pattern.end_time) // pattern.slot_minutes
    previous_end: dt.datetime | None = None
    for index in range(count):
        starts_at = wall_to_utc(opens + index * length, zone)
        if starts_at is None:
            continue
        ends_at = starts_at + length
        # Next to a change of offset, wall-clock steps and real time differ: never overlap.
        if (previous_end is not None and starts_at < previous_end) or ends_at > window_end:
            continue
        previous_end = ends_at
        yield SlotTime(starts_at, ends_at)


def window_slots(pattern: WindowPattern, first: dt.date, last: dt.date) -> list[SlotTime]:
    """Every slot of the window on the local days [first, last], in time order."""
    zone = ZoneInfo(pattern.time_zone)
    return [
        slot
        for day in occurrence_days(pattern, first, last)
        for slot in _day_slots(pattern, day, zone)
    ]


def _times_overlap(a: WindowPattern, b: WindowPattern) -> bool:
    return a.start_time < b.end_time and b.start_time < a.end_time


def _weekly_has_day_in(pattern: WindowPattern, low: dt.date, high: dt.date) -> bool:
    if pattern.weekday is None or low > high:
        return False
    first = low + dt.timedelta(days=(pattern.weekday - low.weekday()) % 7)
    return first <= high


def patterns_overlap(a: WindowPattern, b: WindowPattern) -> bool:
    """Whether two windows of one professional (in the same zone) ever open at the same time."""
    if not _times_overlap(a, b):
        return False
    if a.kind != "weekly" and b.kind != "weekly":
        return a.start_date == b.start_date
    if a.kind != "weekly":
        a, b = b, a
    # a is weekly from here.
    if b.kind != "weekly":
        return (
            b.start_date.weekday() == a.weekday
            and a.start_date <= b.start_date
            and (a.end_date is None or b.start_date <= a.end_date)
        )
    if a.weekday != b.weekday:
        return False
    low = max(a.start_date, b.start_date)
    ends = [end for end in (a.end_date, b.end_date) if end is not None]
    high = min(ends) if ends else low + dt.timedelta(days=7)
    return _weekly_has_day_in(a, low, high)
