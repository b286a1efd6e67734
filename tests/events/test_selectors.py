"""Reads of events: pairings (one participant's, a whole round's in a fixed number of
queries), the plan, the live tables of the dashboard, the events of a home page."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from events.models import Event, EventMode, EventParticipant, EventTable, ParticipantRole
from events.selectors import (
    events_for_user,
    live_tables,
    next_pairing_for,
    pairing_for,
    pairings_by_user,
    plan_rounds,
)
from events.services.clock import event_end, event_next, event_start
from rooms.services import peer_join

MakeEvent = Callable[..., Event]


def crowd(make_user: Callable[..., Any], pros: int, students: int) -> dict[str, list[Any]]:
    return {
        "professionals": [make_user(role="professional", verified=True) for _ in range(pros)],
        "students": [make_user(role="student", birth_year=2010) for _ in range(students)],
    }


@pytest.mark.django_db
def test_a_rounds_pairings_take_four_queries_whatever_the_size(
    make_event: MakeEvent,
    make_user: Callable[..., Any],
    organiser: Any,
    django_assert_num_queries: Any,
) -> None:
    small = make_event(**crowd(make_user, 1, 1), rounds=1)
    large = make_event(**crowd(make_user, 12, 40), rounds=2, students_per_table=3)
    for event in (small, large):
        event_start(organiser=organiser, event_id=event.pk)
    with django_assert_num_queries(4):
        assert len(pairings_by_user(small, 1)) == 2
    with django_assert_num_queries(4):
        pairings = pairings_by_user(large, 2)
    seated = [user_id for user_id, p in pairings.items() if p["professional"]["id"] != user_id]
    assert len(seated) == 36  # 12 tables of 3: four students sit the round out
    assert len(pairings) == 36 + 12
    for user_id, pairing in pairings.items():
        assert pairing == pairing_for(large, user_id, 2)
    assert pairings_by_user(large, 0) == {}
    assert pairings_by_user(large, 3) == {}


@pytest.mark.django_db
def test_pairing_for_a_professional_a_student_and_someone_sitting_out(
    make_event: MakeEvent, make_user: Callable[..., Any], organiser: Any
) -> None:
    people = crowd(make_user, 2, 5)
    event = make_event(**people, rounds=2)
    assert pairing_for(event, people["students"][0].pk, 1) is None  # not planned yet
    event_start(organiser=organiser, event_id=event.pk)
    table = EventTable.objects.filter(event=event, round=1).order_by("table").first()
    assert table is not None
    students = list(table.seats.order_by("pk").values_list("student_id", flat=True))
    mine = pairing_for(event, table.professional_id, 1)
    assert mine is not None
    assert set(mine) >= {"round", "professional", "students", "room", "table"}
    assert mine["round"] == 1
    assert mine["professional"]["id"] == table.professional_id
    assert [s["id"] for s in mine["students"]] == students
    assert mine["table"] == table.table
    assert mine["room"] is None
    assert pairing_for(event, students[0], 1) == mine
    seated = set(
        EventTable.objects.filter(event=event, round=1).values_list("seats__student_id", flat=True)
    )
    (sitting_out,) = {s.pk for s in people["students"]} - seated
    assert pairing_for(event, sitting_out, 1) is None
    assert pairing_for(event, organiser.pk, 1) is None
    assert pairing_for(event, students[0], 0) is None
    # Next: round 2's plan (one of five students sits round 2 out too).
    event.refresh_from_db()
    coming = [next_pairing_for(event, student) for student in students]
    assert coming == [pairing_for(event, student, 2) for student in students]
    for pairing in coming:
        if pairing is not None:
            assert pairing["round"] == 2
            assert pairing["professional"]["id"] != table.professional_id  # never twice
    assert any(coming)


@pytest.mark.django_db
def test_next_pairing_is_none_in_draft_and_after_the_end(
    make_event: MakeEvent, make_user: Callable[..., Any], organiser: Any
) -> None:
    people = crowd(make_user, 2, 2)
    event = make_event(**people, rounds=2)
    student = people["students"][0].pk
    assert next_pairing_for(event, student) is None
    event_start(organiser=organiser, event_id=event.pk)
    event.refresh_from_db()
    assert next_pairing_for(event, student) is not None
    event_end(organiser=organiser, event_id=event.pk)
    event.refresh_from_db()
    assert next_pairing_for(event, student) is None


@pytest.mark.django_db
def test_plan_rounds_has_the_api_shape(
    make_event: MakeEvent, make_user: Callable[..., Any], organiser: Any
) -> None:
    people = crowd(make_user, 2, 4)
    event = make_event(**people, rounds=2)
    assert plan_rounds(event) == {"rounds": []}
    event_start(organiser=organiser, event_id=event.pk)
    plan = plan_rounds(event)
    assert len(plan["rounds"]) == 2
    pro_ids = {p.pk for p in people["professionals"]}
    for number, tables in enumerate(plan["rounds"], start=1):
        assert {t["professional"] for t in tables} == pro_ids
        rows = EventTable.objects.filter(event=event, round=number).order_by("table")
        assert [t["table"] for t in tables] == [row.table for row in rows]
        for entry, row in zip(tables, rows, strict=True):
            assert set(entry) == {"professional", "students", "room", "table"}
            assert entry["students"] == list(
                row.seats.order_by("pk").values_list("student_id", flat=True)
            )
            assert entry["room"] is None


@pytest.mark.django_db
def test_live_tables_in_person_show_who_sits_out_and_who_never_came(
    make_event: MakeEvent, make_user: Callable[..., Any], organiser: Any
) -> None:
    people = crowd(make_user, 1, 3)
    event = make_event(**people, rounds=2, students_per_table=2)
    no_show = make_user(role="student", birth_year=2010)
    EventParticipant.objects.create(event=event, user=no_show, role=ParticipantRole.STUDENT)
    before = live_tables(event)
    assert before["round"] == 0 and before["tables"] == []
    assert [p["id"] for p in before["not_checked_in"]] == [no_show.pk]

    event_start(organiser=organiser, event_id=event.pk)
    event.refresh_from_db()
    board = live_tables(event, timezone.now())
    assert board["state"]["status"] == "live" and board["round"] == 1
    (table,) = board["tables"]
    assert table["professional"]["id"] == people["professionals"][0].pk
    assert table["professional"]["checked_in"] is True
    assert table["professional"]["in_room"] is None  # in person: no room
    assert len(table["students"]) == 2
    assert len(board["sitting_out"]) == 1
    assert board["missing"] == []
    assert [p["id"] for p in board["not_checked_in"]] == [no_show.pk]


@pytest.mark.django_db
def test_live_tables_online_show_who_is_in_each_room(
    make_event: MakeEvent, make_user: Callable[..., Any], organiser: Any
) -> None:
    people = crowd(make_user, 2, 2)
    event = make_event(**people, mode=EventMode.VIRTUAL, venue="", rounds=2, students_per_table=1)
    event_start(organiser=organiser, event_id=event.pk)
    event.refresh_from_db()
    tables = list(EventTable.objects.filter(event=event, round=1).order_by("table"))
    first = tables[0]
    student_id = first.seats.get().student_id
    assert first.room_id is not None
    peer_join(user=first.professional, room_id=first.room_id, peer_id="p1", channel_name="a")
    peer_join(user=organiser, room_id=first.room_id, peer_id="o1", channel_name="b")
    board = live_tables(event)
    rows = {row["professional"]["id"]: row for row in board["tables"]}
    row = rows[first.professional_id]
    assert row["room"] == f"room:{first.room_id}"
    assert row["table"] is None and row["number"] == first.table
    assert row["professional"]["in_room"] is True
    assert row["students"][0]["id"] == student_id
    assert row["students"][0]["in_room"] is False
    assert row["organiser_in_room"] is True
    assert rows[tables[1].professional_id]["organiser_in_room"] is False
    # Missing: the first table's student and both members of the second table.
    assert {p["id"] for p in board["missing"]} == {
        student_id,
        tables[1].professional_id,
        tables[1].seats.get().student_id,
    }
    # In the break the rooms are ended: nobody is "not in their room", all are checked in.
    event_next(organiser=organiser, event_id=event.pk)
    event.refresh_from_db()
    in_break = live_tables(event)
    assert in_break["state"]["phase"] == "break"
    members = [p for row in in_break["tables"] for p in (row["professional"], *row["students"])]
    assert {p["in_room"] for p in members} == {None}
    assert in_break["missing"] == []


@pytest.mark.django_db
def test_events_for_user_lists_the_coming_and_live_events_they_are_part_of(
    make_event: MakeEvent, make_user: Callable[..., Any], organiser: Any
) -> None:
    people = crowd(make_user, 1, 1)
    student = people["students"][0]
    later = make_event(**people, starts_at=timezone.now() + dt.timedelta(days=2))
    sooner = make_event(**people, starts_at=timezone.now() + dt.timedelta(hours=1))
    finished = make_event(**people)
    make_event()  # someone else's part: not theirs
    event_start(organiser=organiser, event_id=finished.pk)
    event_end(organiser=organiser, event_id=finished.pk)
    assert list(events_for_user(student)) == [sooner, later]
    assert set(events_for_user(organiser)) == {
        sooner,
        later,
        *Event.objects.filter(status="draft", participants__isnull=True),
    }
    outsider = make_user(role="student", birth_year=2010)
    assert list(events_for_user(outsider)) == []
