"""The booking REST API: slots, booking, cancelling, rescheduling, and every bad input."""

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from scheduling.models import (
    AvailabilityWindow,
    Booking,
    BookingRules,
    Mode,
    SentReminder,
    Slot,
    SlotStatus,
)
from tests.scheduling.conftest import client_for, error_code, new_user, slots_of

pytestmark = pytest.mark.django_db

Window = Callable[..., AvailabilityWindow]


def state() -> dict[str, Any]:
    """Everything a refused request must leave as it was."""
    return {
        "bookings": list(
            Booking.objects.order_by("pk").values_list(
                "pk", "slot_id", "status", "sequence", "starts_at"
            )
        ),
        "slots": list(
            Slot.objects.order_by("pk").values_list("pk", "booked_count", "status", "room_id")
        ),
        "reminders": SentReminder.objects.count(),
        "mails": len(mail.outbox),
    }


@contextmanager
def nothing_changes() -> Iterator[None]:
    before = state()
    yield
    assert state() == before


def book(user: User, slot: Slot | int) -> Any:
    slot_id = slot if isinstance(slot, int) else slot.pk
    return client_for(user).post("/api/bookings/", {"slot": slot_id}, format="json")


# --- GET /api/slots/ ---------------------------------------------------------------------------


def test_slots_list_the_bookable_slots_in_the_viewers_time_zone(
    open_window: Window, pro: User, make_student: Callable[..., User]
) -> None:
    window = open_window(days_ahead=3, start="18:00", end="19:00", minutes=30, capacity=2)
    new_yorker = make_student(time_zone="America/New_York")
    response = client_for(new_yorker).get("/api/slots/", {"professional": pro.pk})
    assert response.status_code == 200
    body = response.json()
    assert [set(item) for item in body] == [
        {"id", "starts_at", "ends_at", "capacity", "remaining", "mode", "address", "professional"}
    ] * 2
    first = body[0]
    starts = dt.datetime.fromisoformat(first["starts_at"])
    assert starts == slots_of(window)[0].starts_at
    assert starts.utcoffset() == starts.astimezone(ZoneInfo("America/New_York")).utcoffset()
    assert starts.astimezone(ZoneInfo("Europe/Brussels")).time() == dt.time(18, 0)
    assert (first["capacity"], first["remaining"], first["mode"]) == (2, 2, "in_person")
    assert first["address"] == "Rue Haute 1, 1000 Bruxelles"


def test_slots_accept_iso_dates_and_datetimes_for_from_and_to(
    open_window: Window, pro: User, pupil: User
) -> None:
    early = open_window(days_ahead=2)
    late = open_window(days_ahead=5)
    client = client_for(pupil)
    day = slots_of(late)[0].starts_at.astimezone(ZoneInfo("Europe/Brussels")).date()
    by_date = client.get(
        "/api/slots/",
        {"professional": str(pro.pk), "from": day.isoformat(), "to": day.isoformat()},
    )
    assert [s["id"] for s in by_date.json()] == [s.pk for s in slots_of(late)]
    first = slots_of(early)[0].starts_at
    by_datetime = client.get(
        "/api/slots/",
        {
            "professional": str(pro.pk),
            "from": first.isoformat(),
            "to": (first + dt.timedelta(minutes=30)).isoformat(),
        },
    )
    assert [s["id"] for s in by_datetime.json()] == [slots_of(early)[0].pk]


def test_slots_hide_full_too_soon_too_far_and_closed_slots(
    open_window: Window, pro: User, make_student: Callable[..., User]
) -> None:
    BookingRules.objects.create(professional=pro, min_notice_minutes=48 * 60, horizon_days=10)
    too_soon = open_window(days_ahead=1)
    ok = open_window(days_ahead=4)
    too_far = open_window(days_ahead=20)
    full = slots_of(ok)[0]
    assert book(make_student(), full).status_code == 201
    listed = {
        s["id"]
        for s in client_for(make_student()).get("/api/slots/", {"professional": pro.pk}).json()
    }
    assert listed == {slots_of(ok)[1].pk}
    assert not listed & {s.pk for s in slots_of(too_soon) + slots_of(too_far)}


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({}, 400, "professional"),
        ({"professional": "abc"}, 400, "professional"),
        ({"professional": "PRO", "from": "next tuesday"}, 400, "from"),
        ({"professional": "PRO", "from": "2030-01-10", "to": "2030-01-05"}, 400, "to"),
        ({"professional": "PRO", "from": "2030-01-01", "to": "2031-01-01"}, 400, "to"),
        ({"professional": "PRO", "colour": "red"}, 400, "colour"),
    ],
)
def test_slots_refuse_bad_parameters(
    pro: User, pupil: User, params: dict[str, str], status: int, field: str
) -> None:
    params = {k: str(pro.pk) if v == "PRO" else v for k, v in params.items()}
    response = client_for(pupil).get("/api/slots/", params)
    assert response.status_code == status
    assert field in response.json()["error"]["fields"]


def test_slots_of_unknown_or_unverified_professionals_are_not_found(
    open_window: Window, pro: User, pupil: User
) -> None:
    open_window()
    User.objects.filter(pk=pro.pk).update(verified=False)
    for professional in (pro.pk, 999_999, pupil.pk):
        response = client_for(pupil).get("/api/slots/", {"professional": professional})
        assert response.status_code == 404
        assert error_code(response) == "not_found"


def test_slots_need_a_signed_in_caller(pro: User, api_client: Any) -> None:
    # 403 rather than 401: session authentication comes first (config), as for /api/me/.
    assert api_client.get("/api/slots/", {"professional": pro.pk}).status_code in (401, 403)


# --- POST /api/bookings/ -----------------------------------------------------------------------


def test_a_student_books_a_slot(
    open_window: Window, pupil: User, pro: User, django_capture_on_commit_callbacks: Any
) -> None:
    slot = slots_of(open_window(capacity=2))[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = book(pupil, slot)
    assert response.status_code == 201
    body = response.json()
    assert body["slot"] == slot.pk
    assert body["status"] == "confirmed"
    assert body["sequence"] == 0
    assert body["student"] == {"id": pupil.pk, "display_name": "Yanis Student"}
    assert body["professional"] == {"id": pro.pk, "display_name": "Camille Pro"}
    assert dt.datetime.fromisoformat(body["starts_at"]) == slot.starts_at
    assert body["ics_url"] == f"/api/bookings/{body['id']}/ics"
    assert body["room_url"] is None
    slot.refresh_from_db()
    assert slot.booked_count == 1
    # Both sides get an e-mail with the .ics attached.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pupil.email, pro.email])
    assert all(m.attachments[0][2].startswith("text/calendar") for m in mail.outbox)


def test_a_virtual_booking_gets_its_room(open_window: Window, pupil: User) -> None:
    slot = slots_of(open_window(mode=Mode.VIRTUAL))[0]
    body = book(pupil, slot).json()
    slot.refresh_from_db()
    assert slot.room_id is not None
    room_id = slot.room_id
    assert (body["mode"], body["address"], body["room_url"]) == (
        "virtual",
        "",
        f"/rooms/{room_id}/",
    )


def test_booking_a_slot_in_the_past_is_refused(pro: User, pupil: User) -> None:
    now = timezone.now()
    past = Slot.objects.create(
        professional=pro,
        starts_at=now - dt.timedelta(hours=2),
        ends_at=now - dt.timedelta(hours=1),
        capacity=1,
        mode=Mode.VIRTUAL,
    )
    with nothing_changes():
        response = book(pupil, past)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"slot": ["This slot is in the past."]}


def test_booking_beyond_the_horizon_is_refused(open_window: Window, pro: User, pupil: User) -> None:
    slot = slots_of(open_window(days_ahead=20))[0]
    BookingRules.objects.create(professional=pro, min_notice_minutes=60, horizon_days=14)
    with nothing_changes():
        response = book(pupil, slot)
    assert response.status_code == 400
    assert "too far ahead" in response.json()["error"]["fields"]["slot"][0]


def test_booking_inside_the_minimum_notice_is_refused(
    open_window: Window, pro: User, pupil: User
) -> None:
    slot = slots_of(open_window(days_ahead=1))[0]
    BookingRules.objects.create(professional=pro, min_notice_minutes=72 * 60, horizon_days=60)
    with nothing_changes():
        response = book(pupil, slot)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"slot": ["Book at least 72 hours ahead."]}


def test_booking_a_full_slot_is_a_conflict(
    open_window: Window, pupil: User, make_student: Callable[..., User]
) -> None:
    slot = slots_of(open_window(capacity=1))[0]
    assert book(make_student(), slot).status_code == 201
    with nothing_changes():
        response = book(pupil, slot)
    assert response.status_code == 409
    assert response.json()["error"] == {"code": "conflict", "message": "This slot is full."}


def test_booking_over_another_booking_of_the_student_is_a_conflict(
    open_window: Window, pupil: User
) -> None:
    other_pro = new_user(role="professional", verified=True)
    mine = slots_of(open_window(start="18:00", end="19:00", minutes=60))[0]
    clashing = slots_of(
        open_window(start="18:30", end="19:00", minutes=30, professional=other_pro)
    )[0]
    assert book(pupil, mine).status_code == 201
    with nothing_changes():
        response = book(pupil, clashing)
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "This slot overlaps another of your meetings."
    with nothing_changes():
        again = book(pupil, mine)
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "You already booked this slot."


def test_a_professional_cannot_book(open_window: Window, pro: User) -> None:
    slot = slots_of(open_window())[0]
    colleague = new_user(role="professional", verified=True)
    for user in (colleague, pro):
        with nothing_changes():
            response = book(user, slot)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"


def test_slots_of_an_unverified_professional_cannot_be_booked(
    open_window: Window, pro: User, pupil: User
) -> None:
    slot = slots_of(open_window())[0]
    User.objects.filter(pk=pro.pk).update(verified=False)
    with nothing_changes():
        response = book(pupil, slot)
    assert response.status_code == 403
    assert "verified" in response.json()["error"]["message"]


def test_staff_accounts_cannot_book(open_window: Window) -> None:
    slot = slots_of(open_window())[0]
    for role in ("organiser", "moderator"):
        with nothing_changes():
            assert book(new_user(role=role, verified=True), slot).status_code == 403


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "slot"),
        ({"slot": "first"}, "slot"),
        ({"slot": 0}, "slot"),
        ({"slot": None}, "slot"),
        ({"slot": "SLOT", "colour": "red"}, "colour"),
    ],
)
def test_malformed_bookings_are_refused(
    open_window: Window, pupil: User, payload: dict[str, Any], field: str
) -> None:
    slot = slots_of(open_window())[0]
    payload = {k: slot.pk if v == "SLOT" else v for k, v in payload.items()}
    with nothing_changes():
        response = client_for(pupil).post("/api/bookings/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_unknown_and_withdrawn_slots_are_not_found(open_window: Window, pupil: User) -> None:
    slot = slots_of(open_window())[0]
    Slot.objects.filter(pk=slot.pk).update(status=SlotStatus.WITHDRAWN)
    for slot_id in (slot.pk, 987_654):
        with nothing_changes():
            response = book(pupil, slot_id)
        assert response.status_code == 404


def test_a_closed_slot_is_a_conflict(open_window: Window, pupil: User) -> None:
    slot = slots_of(open_window())[0]
    Slot.objects.filter(pk=slot.pk).update(status=SlotStatus.CLOSED)
    with nothing_changes():
        response = book(pupil, slot)
    assert response.status_code == 409


def test_a_student_holds_at_most_three_upcoming_meetings_with_one_professional(
    open_window: Window, pupil: User
) -> None:
    slots = slots_of(open_window(start="17:00", end="19:00", minutes=30))
    for slot in slots[:3]:
        assert book(pupil, slot).status_code == 201
    with nothing_changes():
        response = book(pupil, slots[3])
    assert response.status_code == 409
    assert "3 upcoming meetings" in response.json()["error"]["message"]


def test_bookings_need_a_signed_in_caller(open_window: Window, api_client: Any) -> None:
    slot = slots_of(open_window())[0]
    with nothing_changes():
        response = api_client.post("/api/bookings/", {"slot": slot.pk}, format="json")
        assert response.status_code in (401, 403)


# --- Listing and reading ----------------------------------------------------------------------


def test_each_side_lists_its_meetings(
    open_window: Window, pro: User, pupil: User, make_student: Callable[..., User]
) -> None:
    slots = slots_of(open_window(capacity=1))
    mine = book(pupil, slots[0]).json()["id"]
    theirs = book(make_student(), slots[1]).json()["id"]
    student_view = client_for(pupil).get("/api/bookings/").json()
    assert [b["id"] for b in student_view["results"]] == [mine]
    pro_view = client_for(pro).get("/api/bookings/", {"when": "upcoming"}).json()
    assert [b["id"] for b in pro_view["results"]] == [mine, theirs]
    assert client_for(pupil).get("/api/bookings/", {"when": "past"}).json()["results"] == []
    assert client_for(pupil).get("/api/bookings/", {"when": "soon"}).status_code == 400


def test_a_booking_is_visible_to_its_two_sides_only(
    open_window: Window, pro: User, pupil: User, make_student: Callable[..., User]
) -> None:
    booking_id = book(pupil, slots_of(open_window())[0]).json()["id"]
    assert client_for(pupil).get(f"/api/bookings/{booking_id}/").status_code == 200
    assert client_for(pro).get(f"/api/bookings/{booking_id}/").status_code == 200
    stranger = make_student()
    for path in (f"/api/bookings/{booking_id}/", f"/api/bookings/{booking_id}/ics"):
        response = client_for(stranger).get(path)
        assert response.status_code == 404
        assert error_code(response) == "not_found"


# --- Cancelling --------------------------------------------------------------------------------


def cancel(user: User, booking_id: int, reason: Any = "I am ill.") -> Any:
    payload = {} if reason is None else {"reason": reason}
    return client_for(user).post(f"/api/bookings/{booking_id}/cancel/", payload, format="json")


def test_the_student_cancels_and_the_place_is_offered_again(
    open_window: Window, pupil: User, pro: User, django_capture_on_commit_callbacks: Any
) -> None:
    slot = slots_of(open_window())[0]
    booking_id = book(pupil, slot).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = cancel(pupil, booking_id, "  Exam that day.  ")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["sequence"], body["cancelled_by"]) == ("cancelled", 1, "student")
    assert body["cancel_reason"] == "Exam that day."
    slot.refresh_from_db()
    assert (slot.booked_count, slot.status) == (0, SlotStatus.OPEN)
    listed = client_for(pupil).get("/api/slots/", {"professional": pro.pk}).json()
    assert slot.pk in {s["id"] for s in listed}
    assert {m.to[0] for m in mail.outbox} == {pupil.email, pro.email}
    assert all("Cancelled" in m.subject for m in mail.outbox)


def test_the_professional_cancels_and_the_slot_closes(
    open_window: Window, pupil: User, pro: User
) -> None:
    slot = slots_of(open_window())[0]
    booking_id = book(pupil, slot).json()["id"]
    response = cancel(pro, booking_id, "Emergency at work.")
    assert response.status_code == 200
    assert response.json()["cancelled_by"] == "professional"
    slot.refresh_from_db()
    assert (slot.booked_count, slot.status) == (0, SlotStatus.CLOSED)


def test_a_cancelled_booking_cancelled_again_is_a_conflict(
    open_window: Window, pupil: User, pro: User
) -> None:
    booking_id = book(pupil, slots_of(open_window())[0]).json()["id"]
    assert cancel(pupil, booking_id).status_code == 200
    for user in (pupil, pro):
        with nothing_changes():
            response = cancel(user, booking_id, "again")
        assert response.status_code == 409
        assert response.json()["error"]["message"] == "This booking is already cancelled."


@pytest.mark.parametrize("reason", [None, "", "   ", "x" * 501])
def test_a_cancellation_needs_a_reason(open_window: Window, pupil: User, reason: Any) -> None:
    booking_id = book(pupil, slots_of(open_window())[0]).json()["id"]
    with nothing_changes():
        response = cancel(pupil, booking_id, reason)
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]


def test_strangers_cannot_cancel(
    open_window: Window, pupil: User, make_student: Callable[..., User]
) -> None:
    booking_id = book(pupil, slots_of(open_window())[0]).json()["id"]
    with nothing_changes():
        assert cancel(make_student(), booking_id).status_code == 404
        assert cancel(pupil, 424_242).status_code == 404


def test_a_started_meeting_cannot_be_cancelled(open_window: Window, pupil: User) -> None:
    booking_id = book(pupil, slots_of(open_window())[0]).json()["id"]
    past = timezone.now() - dt.timedelta(minutes=5)
    Booking.objects.filter(pk=booking_id).update(
        starts_at=past, ends_at=past + dt.timedelta(minutes=30)
    )
    with nothing_changes():
        response = cancel(pupil, booking_id)
    assert response.status_code == 409


# --- Rescheduling ------------------------------------------------------------------------------


def reschedule(user: User, booking_id: int, slot: Slot | int) -> Any:
    slot_id = slot if isinstance(slot, int) else slot.pk
    return client_for(user).post(
        f"/api/bookings/{booking_id}/reschedule/", {"slot": slot_id}, format="json"
    )


def test_the_student_reschedules_keeping_id_and_uid(
    open_window: Window, pupil: User, pro: User, django_capture_on_commit_callbacks: Any
) -> None:
    first, second = slots_of(open_window())
    booking_id = book(pupil, first).json()["id"]
    uid = Booking.objects.get(pk=booking_id).uid
    with django_capture_on_commit_callbacks(execute=True):
        response = reschedule(pupil, booking_id, second)
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["slot"], body["sequence"]) == (booking_id, second.pk, 1)
    assert dt.datetime.fromisoformat(body["starts_at"]) == second.starts_at
    booking = Booking.objects.get(pk=booking_id)
    assert booking.uid == uid
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.booked_count, second.booked_count) == (0, 1)
    assert {m.to[0] for m in mail.outbox} == {pupil.email, pro.email}
    assert all(m.subject.startswith("Moved") for m in mail.outbox)


def test_rescheduling_into_a_full_slot_is_a_conflict(
    open_window: Window, pupil: User, make_student: Callable[..., User]
) -> None:
    first, second = slots_of(open_window())
    booking_id = book(pupil, first).json()["id"]
    assert book(make_student(), second).status_code == 201
    with nothing_changes():
        response = reschedule(pupil, booking_id, second)
    assert response.status_code == 409


def test_rescheduling_refuses_other_professionals_the_same_slot_and_cancelled_bookings(
    open_window: Window, pupil: User, pro: User
) -> None:
    first, second = slots_of(open_window())
    elsewhere = slots_of(
        open_window(days_ahead=4, professional=new_user(role="professional", verified=True))
    )[0]
    booking_id = book(pupil, first).json()["id"]
    with nothing_changes():
        assert reschedule(pupil, booking_id, elsewhere).status_code == 400
        assert reschedule(pupil, booking_id, first).status_code == 400
        assert reschedule(pro, booking_id, second).status_code == 403
        assert reschedule(pupil, booking_id, 123_456).status_code == 404
    assert cancel(pupil, booking_id).status_code == 200
    with nothing_changes():
        assert reschedule(pupil, booking_id, second).status_code == 409
