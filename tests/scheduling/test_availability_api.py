"""The availability REST API: windows, days off, booking rules, the calendar, and bad input."""

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from accounts.models import User
from scheduling.models import AvailabilityWindow, BlockedDate, BookingRules, Slot, SlotStatus
from tests.scheduling.conftest import client_for, local_day, new_user, slots_of

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


@contextmanager
def nothing_changes() -> Iterator[None]:
    def snapshot() -> tuple[Any, ...]:
        return (
            list(AvailabilityWindow.objects.order_by("pk").values_list("pk", flat=True)),
            list(Slot.objects.order_by("pk").values_list("pk", "status", "booked_count")),
            list(BlockedDate.objects.order_by("pk").values_list("pk", flat=True)),
            list(BookingRules.objects.values_list("min_notice_minutes", "horizon_days")),
        )

    before = snapshot()
    yield
    assert snapshot() == before


def weekly(**changes: Any) -> dict[str, Any]:
    payload = {
        "kind": "weekly",
        "weekday": 1,
        "start_time": "18:00",
        "end_time": "20:00",
        "slot_minutes": 30,
        "capacity": 1,
        "mode": "in_person",
        "address": "Rue Haute 1, Bruxelles",
    }
    payload.update(changes)
    return {key: value for key, value in payload.items() if value is not ...}


def once(days_ahead: int = 5, **changes: Any) -> dict[str, Any]:
    payload = {
        "kind": "one_off",
        "date": local_day(days_ahead).isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "slot_minutes": 20,
        "capacity": 3,
        "mode": "virtual",
    }
    payload.update(changes)
    return {key: value for key, value in payload.items() if value is not ...}


def add(user: User, payload: dict[str, Any]) -> Any:
    return client_for(user).post("/api/availability/windows/", payload, format="json")


def test_a_weekly_window_opens_its_slots_up_to_180_days_ahead(pro: User) -> None:
    response = add(pro, weekly(weekday=local_day(0).weekday()))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["time_zone"] == "Europe/Brussels"
    assert (body["start_time"], body["end_time"], body["end_date"]) == (
        "18:00:00",
        "20:00:00",
        None,
    )
    slots = slots_of(AvailabilityWindow.objects.get(pk=body["id"]))
    assert 25 * 4 <= len(slots) <= 27 * 4  # four 30-minute slots a week for ~26 weeks
    local = [slot.starts_at.astimezone(BRUSSELS) for slot in slots]
    assert {t.weekday() for t in local} == {local_day(0).weekday()}
    assert {t.time() for t in local} == {dt.time(18), dt.time(18, 30), dt.time(19), dt.time(19, 30)}
    assert all(slot.ends_at - slot.starts_at == dt.timedelta(minutes=30) for slot in slots)


def test_a_weekly_window_stops_at_its_end_date(pro: User) -> None:
    end = local_day(20)
    body = add(pro, weekly(weekday=2, end_date=end.isoformat())).json()
    slots = slots_of(AvailabilityWindow.objects.get(pk=body["id"]))
    assert slots
    assert max(s.starts_at.astimezone(BRUSSELS).date() for s in slots) <= end


def test_a_one_off_window_and_the_availability_summary(pro: User) -> None:
    body = add(pro, once()).json()
    slots = slots_of(AvailabilityWindow.objects.get(pk=body["id"]))
    assert [(s.capacity, s.mode) for s in slots] == [(3, "virtual")] * 3
    summary = client_for(pro).get("/api/availability/").json()
    assert summary["time_zone"] == "Europe/Brussels"
    assert summary["rules"] == {"min_notice_minutes": 720, "horizon_days": 60}
    assert [w["id"] for w in summary["windows"]] == [body["id"]]
    assert summary["blocked_dates"] == []


def test_an_unverified_professional_may_prepare_windows(make_user: Any) -> None:
    newcomer = make_user(role="professional", verified=False)
    assert add(newcomer, once()).status_code == 201


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        # The end before the start.
        (once(start_time="11:00", end_time="10:00"), 400, "end_time"),
        (once(start_time="11:00", end_time="11:00"), 400, "end_time"),
        # A slot length that does not divide the window, or outside 15-60 minutes.
        (once(start_time="10:00", end_time="11:00", slot_minutes=45), 400, "slot_minutes"),
        (once(slot_minutes=10), 400, "slot_minutes"),
        (once(slot_minutes=90), 400, "slot_minutes"),
        # Capacity, mode, address.
        (once(capacity=0), 400, "capacity"),
        (once(capacity=31), 400, "capacity"),
        (once(mode="phone"), 400, "mode"),
        (once(mode="in_person"), 400, "address"),
        (once(mode="in_person", address="   "), 400, "address"),
        # In the past, too far ahead.
        (once(days_ahead=-1), 400, "date"),
        (once(days_ahead=200), 400, "date"),
        (
            weekly(end_date=local_day(-3).isoformat(), start_date=local_day(-10).isoformat()),
            400,
            "end_date",
        ),
        (
            weekly(end_date=local_day(3).isoformat(), start_date=local_day(10).isoformat()),
            400,
            "end_date",
        ),
        # Shapes.
        (once(date=...), 400, "date"),
        (weekly(weekday=...), 400, "weekday"),
        (weekly(weekday=7), 400, "weekday"),
        (once(weekday=2), 400, "weekday"),
        (weekly(date=local_day(3).isoformat()), 400, "date"),
        (once(colour="blue"), 400, "colour"),
        (once(kind="monthly"), 400, "kind"),
        (once(start_time="6pm"), 400, "start_time"),
    ],
)
def test_bad_windows_are_refused(
    pro: User, payload: dict[str, Any], status: int, field: str
) -> None:
    with nothing_changes():
        response = add(pro, payload)
    assert response.status_code == status, response.json()
    assert field in response.json()["error"]["fields"]


def test_a_window_of_today_that_is_over_is_refused(pro: User) -> None:
    payload = once(days_ahead=0, start_time="00:00", end_time="00:15", slot_minutes=15)
    with nothing_changes():
        assert add(pro, payload).status_code == 400


@pytest.mark.parametrize(
    "second",
    [
        weekly(weekday=1, start_time="19:30", end_time="20:30"),  # same day, overlapping hours
        weekly(weekday=1, start_time="17:00", end_time="21:00"),  # around it
        weekly(
            weekday=1, start_time="18:00", end_time="18:30", start_date=local_day(60).isoformat()
        ),
    ],
)
def test_overlapping_windows_are_a_conflict(pro: User, second: dict[str, Any]) -> None:
    assert add(pro, weekly(weekday=1)).status_code == 201
    with nothing_changes():
        response = add(pro, second)
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "This window overlaps another of your windows."


def test_a_one_off_window_over_a_weekly_one_is_a_conflict(pro: User) -> None:
    day = local_day(9)
    assert add(pro, weekly(weekday=day.weekday())).status_code == 201
    with nothing_changes():
        response = add(
            pro, once(days_ahead=9, start_time="19:00", end_time="21:00", slot_minutes=30)
        )
    assert response.status_code == 409


def test_windows_side_by_side_are_fine(pro: User) -> None:
    assert add(pro, weekly(weekday=1, start_time="18:00", end_time="20:00")).status_code == 201
    assert add(pro, weekly(weekday=1, start_time="20:00", end_time="21:00")).status_code == 201
    assert add(pro, weekly(weekday=2, start_time="18:00", end_time="20:00")).status_code == 201
    ended = weekly(weekday=3, end_date=local_day(10).isoformat())
    assert add(pro, ended).status_code == 201
    later = weekly(weekday=3, start_date=local_day(11).isoformat())
    assert add(pro, later).status_code == 201


def test_students_and_staff_have_no_availability(pupil: User) -> None:
    organiser = new_user(role="organiser", verified=True)
    for user in (pupil, organiser):
        with nothing_changes():
            assert add(user, once()).status_code == 403
            assert client_for(user).get("/api/availability/").status_code == 403
            assert client_for(user).get("/api/availability/calendar/").status_code == 403
            response = client_for(user).post(
                "/api/availability/blocked-dates/",
                {"date": local_day(3).isoformat()},
                format="json",
            )
            assert response.status_code == 403


def test_removing_a_window_keeps_booked_slots_closed(
    pro: User, pupil: User, open_window: Callable[..., AvailabilityWindow]
) -> None:
    window = open_window()
    booked, free = slots_of(window)
    assert (
        client_for(pupil).post("/api/bookings/", {"slot": booked.pk}, format="json").status_code
        == 201
    )
    response = client_for(pro).delete(f"/api/availability/windows/{window.pk}/")
    assert response.status_code == 204
    assert not AvailabilityWindow.objects.filter(pk=window.pk).exists()
    booked.refresh_from_db()
    free.refresh_from_db()
    assert (booked.status, booked.booked_count, booked.window_id) == (SlotStatus.CLOSED, 1, None)
    assert free.status == SlotStatus.WITHDRAWN
    # The student's meeting is still there.
    assert client_for(pupil).get("/api/bookings/").json()["results"][0]["status"] == "confirmed"
    # A new window over the kept meeting does not double it.
    again = open_window()
    assert [s.starts_at for s in slots_of(again)] == [free.starts_at]


def test_removing_someone_elses_window_is_not_found(
    pro: User, open_window: Callable[..., AvailabilityWindow]
) -> None:
    window = open_window()
    other = new_user(role="professional", verified=True)
    with nothing_changes():
        assert (
            client_for(other).delete(f"/api/availability/windows/{window.pk}/").status_code == 404
        )
        assert client_for(pro).delete("/api/availability/windows/999999/").status_code == 404


def test_a_day_off_withdraws_free_slots_and_giving_it_back_restores_them(
    pro: User, pupil: User, open_window: Callable[..., AvailabilityWindow]
) -> None:
    window = open_window(days_ahead=6, capacity=2)
    booked, free = slots_of(window)
    assert (
        client_for(pupil).post("/api/bookings/", {"slot": booked.pk}, format="json").status_code
        == 201
    )
    response = client_for(pro).post(
        "/api/availability/blocked-dates/",
        {"date": local_day(6).isoformat(), "note": "Holidays"},
        format="json",
    )
    assert response.status_code == 201
    blocked_id = response.json()["id"]
    booked.refresh_from_db()
    free.refresh_from_db()
    assert (booked.status, free.status) == (SlotStatus.CLOSED, SlotStatus.WITHDRAWN)
    listed = client_for(pupil).get("/api/slots/", {"professional": pro.pk}).json()
    assert listed == []
    # Blocking the same day twice, or a past day: refused.
    with nothing_changes():
        again = client_for(pro).post(
            "/api/availability/blocked-dates/", {"date": local_day(6).isoformat()}, format="json"
        )
        assert again.status_code == 409
        past = client_for(pro).post(
            "/api/availability/blocked-dates/", {"date": local_day(-1).isoformat()}, format="json"
        )
        assert past.status_code == 400
    # A one-off window on a blocked day is refused too.
    with nothing_changes():
        assert add(pro, once(days_ahead=6, start_time="08:00", end_time="09:00")).status_code == 409
    assert (
        client_for(pro).delete(f"/api/availability/blocked-dates/{blocked_id}/").status_code == 204
    )
    free.refresh_from_db()
    assert free.status == SlotStatus.OPEN
    assert (
        client_for(pro).delete(f"/api/availability/blocked-dates/{blocked_id}/").status_code == 404
    )


def test_a_weekly_window_skips_blocked_days_and_fills_them_once_unblocked(pro: User) -> None:
    day = local_day(14)
    blocked = (
        client_for(pro)
        .post("/api/availability/blocked-dates/", {"date": day.isoformat()}, format="json")
        .json()
    )
    window_id = add(pro, weekly(weekday=day.weekday())).json()["id"]
    days = {
        s.starts_at.astimezone(BRUSSELS).date() for s in Slot.objects.filter(window_id=window_id)
    }
    assert day not in days
    assert day + dt.timedelta(days=7) in days
    client_for(pro).delete(f"/api/availability/blocked-dates/{blocked['id']}/")
    days = {
        s.starts_at.astimezone(BRUSSELS).date() for s in Slot.objects.filter(window_id=window_id)
    }
    assert day in days


def test_booking_rules(pro: User) -> None:
    client = client_for(pro)
    response = client.put(
        "/api/availability/rules/", {"min_notice_minutes": 120, "horizon_days": 30}, format="json"
    )
    assert response.json() == {"min_notice_minutes": 120, "horizon_days": 30}
    for bad in (
        {"min_notice_minutes": -1, "horizon_days": 30},
        {"min_notice_minutes": 60, "horizon_days": 0},
        {"min_notice_minutes": 60, "horizon_days": 181},
        {"min_notice_minutes": 60},
    ):
        with nothing_changes():
            assert client.put("/api/availability/rules/", bad, format="json").status_code == 400


def test_the_calendar_shows_free_and_booked_slots_with_who_booked(
    pro: User, pupil: User, open_window: Callable[..., AvailabilityWindow]
) -> None:
    booked, free = slots_of(open_window(days_ahead=2))
    client_for(pupil).post("/api/bookings/", {"slot": booked.pk}, format="json")
    calendar = client_for(pro).get("/api/availability/calendar/").json()
    assert [(s["id"], s["booked_count"], s["status"]) for s in calendar] == [
        (booked.pk, 1, "open"),
        (free.pk, 0, "open"),
    ]
    assert calendar[0]["bookings"][0]["student"] == {
        "id": pupil.pk,
        "display_name": "Yanis Student",
    }
    later = (
        client_for(pro)
        .get("/api/availability/calendar/", {"from": local_day(3).isoformat()})
        .json()
    )
    assert later == []
