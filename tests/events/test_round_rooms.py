"""Online rounds: one invite-only room per table, opened when the meeting begins and ended
when it ends, admitting exactly the table's members and the event's organiser."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from events.models import Event, EventMode, EventParticipant, EventSeat, EventTable, ParticipantRole
from events.selectors import pairings_by_user
from events.services.clock import (
    clock_advance,
    clock_advance_due,
    event_end,
    event_next,
    event_start,
)
from rooms.access import access_room, rooms_visible_to
from rooms.errors import RoomError
from rooms.models import Room, RoomStatus, Visibility
from rooms.services import peer_join

MakeEvent = Callable[..., Event]


@pytest.fixture
def online(
    make_event: MakeEvent, make_user: Callable[..., Any]
) -> tuple[Event, list[Any], list[Any]]:
    pros = [make_user(role="professional", verified=True) for _ in range(3)]
    pupils = [make_user(role="student", birth_year=2010) for _ in range(6)]
    event = make_event(
        professionals=pros,
        students=pupils,
        mode=EventMode.VIRTUAL,
        venue="",
        rounds=2,
        students_per_table=2,
        title="Careers in science",
    )
    return event, pros, pupils


def tables_of(event: Event, round_number: int) -> list[EventTable]:
    return list(
        EventTable.objects.filter(event=event, round=round_number)
        .select_related("room")
        .prefetch_related("seats")
        .order_by("table")
    )


def room_of(table: EventTable) -> int:
    assert table.room_id is not None
    return table.room_id


def members(table: EventTable) -> set[int]:
    return {table.professional_id, *(seat.student_id for seat in table.seats.all())}


@pytest.mark.django_db
def test_each_table_gets_a_room_that_admits_its_members_and_the_organiser(
    online: tuple[Event, list[Any], list[Any]], organiser: Any, make_user: Callable[..., Any]
) -> None:
    event, pros, pupils = online
    organiser.preferred_language = "en"
    organiser.save()
    for pro in pros:
        pro.preferred_language = "en"
        pro.save()
    now = timezone.now()
    event_start(organiser=organiser, event_id=event.pk, now=now)
    tables = tables_of(event, 1)
    assert len(tables) == 3
    rooms = [table.room for table in tables]
    assert all(room is not None for room in rooms)
    assert len({room.pk for room in rooms if room}) == 3
    outsider = make_user(role="student", birth_year=2010)
    everyone = {user.pk: user for user in (*pros, *pupils, organiser, outsider)}
    for table in tables:
        room = table.room
        assert room is not None
        assert room.host_id == table.professional_id
        assert room.visibility == Visibility.INVITE
        assert room.title == "Careers in science — round 1"
        assert room.capacity == len(table.seats.all()) + 2  # the organiser may drop in
        admitted = set()
        for user_id, user in everyone.items():
            try:
                access_room(user=user, room_id=room.pk)
            except RoomError as refused:
                assert refused.code == "not_found"
            else:
                admitted.add(user_id)
        assert admitted == members(table) | {organiser.pk}
    # The pairing names the room.
    pairing = pairings_by_user(event, 1)[tables[0].professional_id]
    assert pairing["room"] == f"room:{tables[0].room_id}"
    assert pairing["table"] is None  # online, the room is the place
    # A student enters their table's room; the organiser drops into any, and sees them all.
    student = next(iter(tables[0].seats.all())).student
    joined = peer_join(user=student, room_id=room_of(tables[0]), peer_id="s1", channel_name="c1")
    assert joined.admitted
    dropped_in = peer_join(
        user=organiser, room_id=room_of(tables[1]), peer_id="o1", channel_name="c2"
    )
    assert dropped_in.admitted
    visible = set(rooms_visible_to(user=organiser).values_list("pk", flat=True))
    assert {table.room_id for table in tables} <= visible


@pytest.mark.django_db
def test_rooms_end_with_the_meeting_and_the_next_round_gets_new_ones(
    online: tuple[Event, list[Any], list[Any]],
    organiser: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    event, _pros, _pupils = online
    now = timezone.now()
    event_start(organiser=organiser, event_id=event.pk, now=now)
    first = [room_of(table) for table in tables_of(event, 1)]
    assert not EventTable.objects.filter(event=event, round=2, room__isnull=False).exists()

    with django_capture_on_commit_callbacks(execute=False) as held:
        # The break begins (the task at the meeting's end).
        clock_advance(
            event_id=event.pk, round=1, phase="meeting", now=now + dt.timedelta(seconds=300)
        )
    # The rooms end once the break has committed and been announced, not before.
    assert RoomStatus.ENDED not in set(
        Room.objects.filter(pk__in=first).values_list("status", flat=True)
    )
    for callback in held:
        callback()
    assert set(Room.objects.filter(pk__in=first).values_list("status", flat=True)) == {
        RoomStatus.ENDED
    }
    assert not EventTable.objects.filter(event=event, round=2, room__isnull=False).exists()

    event_next(organiser=organiser, event_id=event.pk, now=now + dt.timedelta(seconds=310))
    second = [room_of(table) for table in tables_of(event, 2)]
    assert not set(second) & set(first)
    assert set(Room.objects.filter(pk__in=second).values_list("status", flat=True)) != {
        RoomStatus.ENDED
    }
    with django_capture_on_commit_callbacks(execute=True):
        event_end(organiser=organiser, event_id=event.pk, now=now + dt.timedelta(seconds=320))
    assert set(Room.objects.filter(pk__in=second).values_list("status", flat=True)) == {
        RoomStatus.ENDED
    }


@pytest.mark.django_db
def test_a_pass_of_the_clock_ends_rooms_a_crash_left_open(
    online: tuple[Event, list[Any], list[Any]],
    organiser: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The process stopped after the round change committed, before its rooms were ended: the
    next pass of the clock ends them, and leaves the current round's rooms alone."""
    event, _pros, _pupils = online
    now = timezone.now()
    event_start(organiser=organiser, event_id=event.pk, now=now)
    first = [room_of(table) for table in tables_of(event, 1)]
    with django_capture_on_commit_callbacks(execute=False):  # the callbacks are lost
        event_next(organiser=organiser, event_id=event.pk, now=now + dt.timedelta(seconds=10))
        event_next(organiser=organiser, event_id=event.pk, now=now + dt.timedelta(seconds=20))
    second = [room_of(table) for table in tables_of(event, 2)]
    assert RoomStatus.ENDED not in set(
        Room.objects.filter(pk__in=first).values_list("status", flat=True)
    )
    clock_advance_due(now=now + dt.timedelta(seconds=30))  # nothing due: round 2 runs on
    assert set(Room.objects.filter(pk__in=first).values_list("status", flat=True)) == {
        RoomStatus.ENDED
    }
    assert RoomStatus.ENDED not in set(
        Room.objects.filter(pk__in=second).values_list("status", flat=True)
    )


@pytest.mark.django_db
def test_a_room_that_cannot_be_made_leaves_the_pairing_without_one(
    online: tuple[Event, list[Any], list[Any]], organiser: Any
) -> None:
    event, pros, _pupils = online
    # The professional's verification was withdrawn after they were added: rooms refuses them.
    pros[0].verified = False
    pros[0].save()
    event_start(organiser=organiser, event_id=event.pk, now=timezone.now())
    tables = {table.professional_id: table for table in tables_of(event, 1)}
    assert tables[pros[0].pk].room_id is None
    assert all(tables[pro.pk].room_id is not None for pro in pros[1:])
    pairings = pairings_by_user(event, 1)
    assert pairings[pros[0].pk]["room"] is None
    seated = EventSeat.objects.filter(table=tables[pros[0].pk]).values_list("student_id", flat=True)
    assert all(pairings[student]["room"] is None for student in seated)


@pytest.mark.django_db
def test_in_person_rounds_make_no_rooms(
    make_event: MakeEvent, make_user: Callable[..., Any], organiser: Any
) -> None:
    event = make_event(
        professionals=[make_user(role="professional", verified=True)],
        students=[make_user(role="student", birth_year=2010)],
    )
    event_start(organiser=organiser, event_id=event.pk, now=timezone.now())
    assert not EventTable.objects.filter(event=event, room__isnull=False).exists()
    assert not Room.objects.exists()


@pytest.mark.django_db
def test_the_next_rounds_rooms_are_made_after_the_change_is_announced(
    online: tuple[Event, list[Any], list[Any]],
    organiser: Any,
    make_user: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A round change only announces: the coming round's rooms are made once it committed,
    and used when that round begins; a re-plan ends them and makes the new tables' own."""
    event, _pros, _pupils = online
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=False) as held:
        event_start(organiser=organiser, event_id=event.pk, now=now)
    assert not EventTable.objects.filter(event=event, round=2, room__isnull=False).exists()
    for callback in held:
        callback()
    prepared = {table.table: room_of(table) for table in tables_of(event, 2)}
    assert prepared and RoomStatus.ENDED not in set(
        Room.objects.filter(pk__in=prepared.values()).values_list("status", flat=True)
    )

    event_next(organiser=organiser, event_id=event.pk, now=now + dt.timedelta(seconds=10))
    event_next(organiser=organiser, event_id=event.pk, now=now + dt.timedelta(seconds=20))
    assert {table.table: room_of(table) for table in tables_of(event, 2)} == prepared


@pytest.mark.django_db
def test_a_replan_ends_the_rooms_made_for_the_old_plan(
    online: tuple[Event, list[Any], list[Any]],
    organiser: Any,
    make_user: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    event, _pros, _pupils = online
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        event_start(organiser=organiser, event_id=event.pk, now=now)
    prepared = [room_of(table) for table in tables_of(event, 2)]
    latecomer = make_user(role="student", birth_year=2010)
    EventParticipant.objects.create(
        event=event, user=latecomer, role=ParticipantRole.STUDENT, checked_in_at=now
    )
    with django_capture_on_commit_callbacks(execute=True):
        event_next(organiser=organiser, event_id=event.pk, now=now + dt.timedelta(seconds=10))
        event_next(organiser=organiser, event_id=event.pk, now=now + dt.timedelta(seconds=20))
    replanned = tables_of(event, 2)
    assert any(latecomer.pk in {seat.student_id for seat in t.seats.all()} for t in replanned)
    assert set(Room.objects.filter(pk__in=prepared).values_list("status", flat=True)) == {
        RoomStatus.ENDED
    }
    assert not {room_of(table) for table in replanned} & set(prepared)
