"""Recurrence keeps local hours across daylight-saving changes (Europe/Brussels, 2027)."""

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import User
from scheduling.models import Slot, WindowKind
from scheduling.recurrence import WindowPattern, patterns_overlap, wall_to_utc, window_slots
from scheduling.services import availability_window_add
from tests.scheduling.conftest import client_for

BRUSSELS = ZoneInfo("Europe/Brussels")
UTC = dt.UTC
# The last Sundays of March and October 2027: summer time starts and ends.
SPRING_2027 = dt.date(2027, 3, 28)
AUTUMN_2027 = dt.date(2027, 10, 31)


def tuesday_evenings(start: dt.date, end: dt.date) -> WindowPattern:
    return WindowPattern(
        kind="weekly",
        weekday=1,
        start_date=start,
        end_date=end,
        start_time=dt.time(18),
        end_time=dt.time(20),
        time_zone="Europe/Brussels",
        slot_minutes=30,
    )


def test_tuesday_18_00_stays_18_00_across_the_march_change() -> None:
    slots = window_slots(
        tuesday_evenings(dt.date(2027, 3, 16), dt.date(2027, 4, 6)),
        SPRING_2027 - dt.timedelta(days=14),
        dt.date(2027, 4, 6),
    )
    firsts = [s.starts_at for s in slots[::4]]
    assert [t.astimezone(BRUSSELS).date() for t in firsts] == [
        dt.date(2027, 3, 16),
        dt.date(2027, 3, 23),
        dt.date(2027, 3, 30),
        dt.date(2027, 4, 6),
    ]
    assert {t.astimezone(BRUSSELS).time() for t in firsts} == {dt.time(18)}
    # In UTC the hour moves: 17:00 in winter, 16:00 in summer.
    assert [t.astimezone(UTC).hour for t in firsts] == [17, 17, 16, 16]


def test_tuesday_18_00_stays_18_00_across_the_october_change() -> None:
    slots = window_slots(
        tuesday_evenings(dt.date(2027, 10, 19), dt.date(2027, 11, 9)),
        dt.date(2027, 10, 19),
        dt.date(2027, 11, 9),
    )
    firsts = [s.starts_at for s in slots[::4]]
    assert [t.astimezone(BRUSSELS).date() for t in firsts] == [
        dt.date(2027, 10, 19),
        dt.date(2027, 10, 26),
        dt.date(2027, 11, 2),
        dt.date(2027, 11, 9),
    ]
    assert {t.astimezone(BRUSSELS).time() for t in firsts} == {dt.time(18)}
    assert [t.astimezone(UTC).hour for t in firsts] == [16, 16, 17, 17]
    assert all(s.ends_at - s.starts_at == dt.timedelta(minutes=30) for s in slots)


def sunday_night(day: dt.date, minutes: int) -> WindowPattern:
    return WindowPattern(
        kind="one_off",
        weekday=None,
        start_date=day,
        end_date=None,
        start_time=dt.time(1),
        end_time=dt.time(4),
        time_zone="Europe/Brussels",
        slot_minutes=minutes,
    )


def test_no_slot_starts_in_the_skipped_hour_of_march() -> None:
    slots = window_slots(sunday_night(SPRING_2027, 30), SPRING_2027, SPRING_2027)
    local = [s.starts_at.astimezone(BRUSSELS).strftime("%H:%M") for s in slots]
    # 02:00-02:59 does not exist that night.
    assert local == ["01:00", "01:30", "03:00", "03:30"]
    assert_no_overlap(slots)


def test_no_slot_starts_in_the_repeated_hour_of_october() -> None:
    slots = window_slots(sunday_night(AUTUMN_2027, 30), AUTUMN_2027, AUTUMN_2027)
    local = [s.starts_at.astimezone(BRUSSELS).strftime("%H:%M") for s in slots]
    # 02:00-02:59 happens twice that night: which one would be unclear, so neither.
    assert local == ["01:00", "01:30", "03:00", "03:30"]
    assert_no_overlap(slots)


def test_slots_next_to_the_change_never_overlap() -> None:
    slots = window_slots(
        WindowPattern(
            "one_off", None, SPRING_2027, None, dt.time(1, 30), dt.time(4), "Europe/Brussels", 45
        ),
        SPRING_2027,
        SPRING_2027,
    )
    assert_no_overlap(slots)
    assert all(s.ends_at - s.starts_at == dt.timedelta(minutes=45) for s in slots)


def assert_no_overlap(slots: list[Any]) -> None:
    for before, after in itertools.pairwise(slots):
        assert before.ends_at <= after.starts_at


def wall(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    """A naive wall-clock time: the function under test places it in the zone."""
    return dt.datetime.combine(dt.date(year, month, day), dt.time(hour, minute))


def test_wall_to_utc_refuses_missing_and_repeated_times() -> None:
    assert wall_to_utc(wall(2027, 3, 28, 2, 30), BRUSSELS) is None
    assert wall_to_utc(wall(2027, 10, 31, 2, 30), BRUSSELS) is None
    assert wall_to_utc(wall(2027, 10, 31, 3, 0), BRUSSELS) == dt.datetime(
        2027, 10, 31, 2, 0, tzinfo=UTC
    )


@pytest.mark.django_db
def test_the_service_and_the_api_keep_local_hours_across_both_changes(pro: User) -> None:
    """A weekly window made in early March 2027 (the service told it is then), read back
    through the API: every slot at 18:00 or 18:30 in Brussels, in March and in November."""
    now = dt.datetime(2027, 3, 1, 9, 0, tzinfo=BRUSSELS)
    window = availability_window_add(
        professional=pro,
        kind=WindowKind.WEEKLY,
        weekday=1,
        start_date=dt.date(2027, 3, 1),
        end_date=dt.date(2027, 11, 30),
        start_time=dt.time(18),
        end_time=dt.time(19),
        slot_minutes=30,
        capacity=1,
        mode="virtual",
        now=now,
    )
    slots = list(Slot.objects.filter(window=window))
    local = {s.starts_at.astimezone(BRUSSELS).time() for s in slots}
    assert local == {dt.time(18), dt.time(18, 30)}
    days = sorted({s.starts_at.astimezone(BRUSSELS).date() for s in slots})
    # Materialised 180 days ahead of "now": past both the March change and into the summer.
    assert dt.date(2027, 3, 23) in days and dt.date(2027, 3, 30) in days
    assert all(day.weekday() == 1 for day in days)
    # The API answers in the viewer's zone with its offset: +01:00 in winter, +02:00 in summer.
    answer = (
        client_for(pro)
        .get("/api/availability/calendar/", {"from": "2027-03-20", "to": "2027-04-03"})
        .json()
    )
    assert [item["starts_at"] for item in answer] == [
        "2027-03-23T18:00:00+01:00",
        "2027-03-23T18:30:00+01:00",
        "2027-03-30T18:00:00+02:00",
        "2027-03-30T18:30:00+02:00",
    ]


@pytest.mark.django_db
def test_the_october_change_through_the_service(pro: User) -> None:
    now = dt.datetime(2027, 10, 1, 9, 0, tzinfo=BRUSSELS)
    window = availability_window_add(
        professional=pro,
        kind=WindowKind.WEEKLY,
        weekday=1,
        start_date=dt.date(2027, 10, 1),
        start_time=dt.time(18),
        end_time=dt.time(18, 30),
        slot_minutes=30,
        capacity=1,
        mode="virtual",
        now=now,
    )
    around = [
        s.starts_at
        for s in Slot.objects.filter(window=window).order_by("starts_at")
        if dt.date(2027, 10, 20) <= s.starts_at.date() <= dt.date(2027, 11, 10)
    ]
    assert [t.isoformat() for t in around] == [
        "2027-10-26T16:00:00+00:00",
        "2027-11-02T17:00:00+00:00",
        "2027-11-09T17:00:00+00:00",
    ]


# --- Properties --------------------------------------------------------------------------------

ZONES = ["Europe/Brussels", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]


@st.composite
def patterns(draw: Any) -> WindowPattern:
    minutes = draw(st.sampled_from([15, 20, 30, 45, 60]))
    start_minute = draw(st.integers(0, 23 * 60 - minutes))
    count = draw(st.integers(1, max(1, (24 * 60 - start_minute) // minutes)))
    end_minute = min(start_minute + count * minutes, 24 * 60 - 1)
    end_minute -= (end_minute - start_minute) % minutes
    start = dt.time(start_minute // 60, start_minute % 60)
    end = dt.time(end_minute // 60, end_minute % 60)
    first = draw(st.dates(dt.date(2026, 1, 1), dt.date(2028, 12, 31)))
    return WindowPattern(
        kind="weekly",
        weekday=draw(st.integers(0, 6)),
        start_date=first,
        end_date=first + dt.timedelta(days=draw(st.integers(0, 120))),
        start_time=start,
        end_time=end,
        time_zone=draw(st.sampled_from(ZONES)),
        slot_minutes=minutes,
    )


@settings(max_examples=200, deadline=None)
@given(patterns())
def test_expanded_slots_keep_their_wall_clock_and_never_overlap(pattern: WindowPattern) -> None:
    if pattern.end_time <= pattern.start_time:
        return
    assert pattern.end_date is not None
    slots = window_slots(pattern, pattern.start_date, pattern.end_date)
    zone = ZoneInfo(pattern.time_zone)
    assert_no_overlap(slots)
    opens = pattern.start_time.hour * 60 + pattern.start_time.minute
    closes = pattern.end_time.hour * 60 + pattern.end_time.minute
    for slot in slots:
        local = slot.starts_at.astimezone(zone)
        assert local.weekday() == pattern.weekday
        assert pattern.start_date <= local.date() <= pattern.end_date
        offset = local.hour * 60 + local.minute - opens
        assert 0 <= offset < closes - opens and offset % pattern.slot_minutes == 0
        assert slot.ends_at - slot.starts_at == dt.timedelta(minutes=pattern.slot_minutes)


@settings(max_examples=200, deadline=None)
@given(patterns(), patterns())
def test_pattern_overlap_agrees_with_the_expanded_slots(a: WindowPattern, b: WindowPattern) -> None:
    b = WindowPattern(**{**b.__dict__, "time_zone": a.time_zone})
    if a.end_time <= a.start_time or b.end_time <= b.start_time:
        return
    assert a.end_date is not None and b.end_date is not None
    first, last = min(a.start_date, b.start_date), max(a.end_date, b.end_date)
    slots_a, slots_b = window_slots(a, first, last), window_slots(b, first, last)
    clash = any(
        x.starts_at < y.ends_at and y.starts_at < x.ends_at for x in slots_a for y in slots_b
    )
    if clash:
        assert patterns_overlap(a, b)
