"""Many requests at once: capacity is never exceeded and no student holds two overlapping
meetings. Threads, each with its own database connection, start together at a barrier.

The 50-client races need true parallel writers: PostgreSQL (DATABASE_URL). SQLite runs one
writer at a time (the settings' IMMEDIATE transactions), so there a smaller race checks that
the same code is serialised correctly.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from rest_framework.test import APIClient

from accounts.models import User
from scheduling.models import AvailabilityWindow, Booking, BookingStatus, Slot
from tests.concurrency import race
from tests.factories import UserFactory
from tests.scheduling.conftest import new_user, slots_of

pytestmark = pytest.mark.django_db(transaction=True)

Window = Callable[..., AvailabilityWindow]


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs parallel writers: SQLite runs one writer at a time (see the small races "
            "below, which run on both); set DATABASE_URL to a PostgreSQL database"
        )


def booking_call(user: User, slot_id: int) -> Callable[[], int]:
    def call() -> int:
        client = APIClient()
        client.force_authenticate(user)
        return client.post("/api/bookings/", {"slot": slot_id}, format="json").status_code

    return call


def students(count: int) -> list[User]:
    made: list[User] = UserFactory.create_batch(count, role="student", birth_year=2010)
    return made


def assert_consistent() -> None:
    """booked_count is the number of confirmed bookings; none over capacity, none overlapping."""
    for slot in Slot.objects.all():
        confirmed = Booking.objects.filter(slot=slot, status=BookingStatus.CONFIRMED).count()
        assert slot.booked_count == confirmed <= slot.capacity, slot
    bookings = list(Booking.objects.filter(status=BookingStatus.CONFIRMED))
    for a in bookings:
        for b in bookings:
            if a.pk < b.pk and a.student_id == b.student_id:
                assert a.ends_at <= b.starts_at or b.ends_at <= a.starts_at, (a, b)


@pytest.mark.parametrize(("capacity", "winners"), [(1, 1), (3, 3)])
def test_fifty_students_race_for_a_slot(open_window: Window, capacity: int, winners: int) -> None:
    needs_postgresql()
    slot = slots_of(open_window(capacity=capacity))[0]
    results = race([booking_call(student, slot.pk) for student in students(50)])
    assert Counter(results) == {201: winners, 409: 50 - winners}
    slot.refresh_from_db()
    assert slot.booked_count == winners
    assert Booking.objects.filter(slot=slot).count() == winners
    assert_consistent()


def test_one_student_racing_for_overlapping_slots_gets_one(open_window: Window) -> None:
    needs_postgresql()
    student = students(1)[0]
    slots = [
        slots_of(open_window(professional=new_user(role="professional", verified=True)))[0]
        for _ in range(20)
    ]
    results = race([booking_call(student, slot.pk) for slot in slots])
    assert Counter(results) == {201: 1, 409: 19}
    assert Booking.objects.filter(student=student).count() == 1
    assert_consistent()


def test_bookings_and_cancellations_interleaved_stay_consistent(open_window: Window) -> None:
    needs_postgresql()
    slot = slots_of(open_window(capacity=5))[0]
    holders = students(5)
    for holder in holders:
        assert booking_call(holder, slot.pk)() == 201
    bookings = list(Booking.objects.filter(slot=slot))

    def cancel_call(booking: Booking) -> Callable[[], int]:
        def call() -> int:
            client = APIClient()
            client.force_authenticate(booking.student)
            return client.post(
                f"/api/bookings/{booking.pk}/cancel/", {"reason": "race"}, format="json"
            ).status_code

        return call

    calls = [cancel_call(b) for b in bookings[:3]] + [
        booking_call(s, slot.pk) for s in students(30)
    ]
    results = race(calls)
    assert results[:3] == [200, 200, 200]
    # A booker that ran before a cancellation committed found the slot full: at most the
    # three freed places are taken, never more.
    outcomes = Counter(results[3:])
    assert set(outcomes) <= {201, 409}
    assert 0 <= outcomes[201] <= 3
    slot.refresh_from_db()
    assert slot.booked_count == 5 - 3 + outcomes[201]
    assert_consistent()


# --- Smaller races: on SQLite and PostgreSQL alike ----------------------------------------------


@pytest.mark.parametrize(("capacity", "winners"), [(1, 1), (3, 3)])
def test_a_small_race_for_a_slot(open_window: Window, capacity: int, winners: int) -> None:
    slot = slots_of(open_window(capacity=capacity))[0]
    results = race([booking_call(student, slot.pk) for student in students(10)])
    assert Counter(results) == {201: winners, 409: 10 - winners}
    slot.refresh_from_db()
    assert slot.booked_count == winners
    assert_consistent()


def test_a_small_race_of_one_student_for_overlapping_slots(open_window: Window) -> None:
    student = students(1)[0]
    slots = [
        slots_of(open_window(professional=new_user(role="professional", verified=True)))[0]
        for _ in range(6)
    ]
    results = race([booking_call(student, slot.pk) for slot in slots])
    assert Counter(results) == {201: 1, 409: 5}
    assert_consistent()


# --- The database's own guards ------------------------------------------------------------------


def test_the_database_refuses_a_slot_over_capacity(open_window: Window) -> None:
    slot = slots_of(open_window(capacity=2))[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(booked_count=F("capacity") + 1)
    slot.refresh_from_db()
    assert slot.booked_count == 0


def test_postgresql_refuses_overlapping_bookings_of_one_student_by_itself(
    open_window: Window,
) -> None:
    """Even a write that skips the services cannot double-book a student on PostgreSQL."""
    needs_postgresql()
    student = students(1)[0]
    first = slots_of(open_window(start="18:00", end="19:00", minutes=60))[0]
    other = slots_of(
        open_window(
            start="18:30",
            end="19:00",
            minutes=30,
            professional=new_user(role="professional", verified=True),
        )
    )[0]

    def insert(slot: Slot) -> None:
        Booking.objects.create(
            slot=slot,
            student=student,
            professional_id=slot.professional_id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            scheduled_at=slot.starts_at - dt.timedelta(days=1),
        )

    insert(first)
    with pytest.raises(IntegrityError, match="booking_student_no_overlap"), transaction.atomic():
        insert(other)
    # A cancelled booking no longer blocks the time.
    Booking.objects.filter(student=student).update(
        status=BookingStatus.CANCELLED, cancelled_at=first.starts_at
    )
    insert(other)


def test_postgresql_refuses_overlapping_live_slots_of_one_professional(
    open_window: Window, pro: User
) -> None:
    needs_postgresql()
    slot = slots_of(open_window())[0]
    with pytest.raises(IntegrityError, match="slot_professional_no_overlap"), transaction.atomic():
        Slot.objects.create(
            professional=pro,
            starts_at=slot.starts_at + dt.timedelta(minutes=10),
            ends_at=slot.ends_at + dt.timedelta(minutes=10),
            capacity=1,
            mode="virtual",
        )
