"""Reads of events: a participant's pairing, the plan, the live tables of the dashboard, the
events on a home page.

A round's pairings for everyone (`pairings_by_user`) are built from a fixed number of queries
whatever the number of participants: the clock pushes them at every round change.
"""

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import User
from events.access import events_visible_to
from events.models import (
    Event,
    EventMode,
    EventParticipant,
    EventSeat,
    EventStatus,
    EventTable,
    ParticipantRole,
    Phase,
)
from events.payloads import event_state, pairing_payload, person_payload, professional_cards
from rooms.models import RoomPeer


def _students_by_table(tables: list[EventTable]) -> dict[int, list[User]]:
    """{table id: its students, in seat order}: one query."""
    by_table: dict[int, list[User]] = defaultdict(list)
    if not tables:
        return by_table
    seats = (
        EventSeat.objects.filter(table_id__in=[table.pk for table in tables])
        .select_related("student")
        .order_by("pk")
    )
    for seat in seats:
        by_table[seat.table_id].append(seat.student)
    return by_table


def _round_tables(event: Event, round_number: int) -> list[EventTable]:
    return list(
        EventTable.objects.filter(event=event, round=round_number)
        .select_related("professional")
        .order_by("table")
    )


def pairings_by_user(event: Event, round: int) -> dict[int, dict[str, Any]]:
    """{user id: their pairing in the round} for every professional and seated student of
    the round (those sitting out are absent). Four queries whatever the size: the tables,
    the seats, the professionals' titles and photos."""
    if round < 1:
        return {}
    tables = _round_tables(event, round)
    if not tables:
        return {}
    students = _students_by_table(tables)
    cards = professional_cards(table.professional_id for table in tables)
    pairings: dict[int, dict[str, Any]] = {}
    for table in tables:
        members = students.get(table.pk, [])
        pairing = pairing_payload(table, members, event, cards=cards)
        pairings[table.professional_id] = pairing
        for student in members:
            pairings[student.pk] = pairing
    return pairings


def pairing_for(event: Event, user_id: int, round: int) -> dict[str, Any] | None:
    """The pairing of `user_id` in a round: the table they sit at (a professional: theirs);
    None when they sit it out, before round 1 or for a round not planned."""
    if round < 1:
        return None
    seated = EventSeat.objects.filter(event=event, round=round, student_id=user_id)
    table = (
        EventTable.objects.filter(event=event, round=round)
        .filter(Q(professional_id=user_id) | Q(pk__in=seated.values("table_id")))
        .select_related("professional")
        .first()
    )
    if table is None:
        return None
    students = _students_by_table([table]).get(table.pk, [])
    return pairing_payload(table, students, event)


def current_pairing_for(event: Event, user_id: int) -> dict[str, Any] | None:
    """The pairing of `user_id` in the round being played (None outside a live or paused
    event's rounds)."""
    if event.status not in (EventStatus.LIVE, EventStatus.PAUSED):
        return None
    return pairing_for(event, user_id, event.round)


def next_pairing_for(event: Event, user_id: int) -> dict[str, Any] | None:
    """The pairing `user_id` is planned for in the coming round, or None (a draft has no plan
    yet; the last round has no next; an ended event none). A re-plan at the round's start may
    still change it (a latecomer, a no-show)."""
    if event.status not in (EventStatus.LIVE, EventStatus.PAUSED) or event.round >= event.rounds:
        return None
    return pairing_for(event, user_id, event.round + 1)


def plan_rounds(event: Event) -> dict[str, Any]:
    """The organiser's view of the plan (GET /plan/): `{"rounds": [[{"professional": id,
    "students": [ids], "room": "room:<id>"|null, "table": n|null}]]}`, one list per round
    planned, tables in order (the table number in person only, as in a pairing). Two queries."""
    tables = list(
        EventTable.objects.filter(event=event)
        .order_by("round", "table")
        .values_list("pk", "round", "table", "professional_id", "room_id")
    )
    students: dict[int, list[int]] = defaultdict(list)
    for table_id, student_id in (
        EventSeat.objects.filter(event=event).order_by("pk").values_list("table_id", "student_id")
    ):
        students[table_id].append(student_id)
    in_person = event.mode == EventMode.IN_PERSON
    rounds: list[list[dict[str, Any]]] = [[] for _ in range(max((t[1] for t in tables), default=0))]
    for table_id, round_number, number, professional_id, room_id in tables:
        rounds[round_number - 1].append(
            {
                "professional": professional_id,
                "students": students.get(table_id, []),
                "room": f"room:{room_id}" if room_id is not None else None,
                "table": number if in_person else None,
            }
        )
    return {"rounds": rounds}


def live_tables(event: Event, now: dt.datetime | None = None) -> dict[str, Any]:
    """The organiser's dashboard of the round being played: `{"state", "round", "mode",
    "tables": [{"table", "number", "room", "professional", "students", "organiser_in_room"}],
    "sitting_out", "missing", "not_checked_in"}`. Each person is `{"id", "name",
    "checked_in", "in_room"}` (`in_room` null when there is no room to be in: in person, during
    a break, a table whose room could not be made). `missing` are the people of this round's
    tables who are not there (not in their open room; else not checked in); `sitting_out`
    the checked-in students without a seat this round; `not_checked_in` everyone registered
    who has not arrived. Four queries at most."""
    playing = event.status in (EventStatus.LIVE, EventStatus.PAUSED) or (
        event.status == EventStatus.ENDED and event.round > 0
    )
    round_number = event.round if playing else 0
    online = event.mode == EventMode.VIRTUAL
    participants = list(
        EventParticipant.objects.filter(event=event).select_related("user").order_by("role", "pk")
    )
    checked_in = {p.user_id: p.checked_in_at is not None for p in participants}
    tables = (
        list(
            EventTable.objects.filter(event=event, round=round_number)
            .select_related("professional", "room")
            .order_by("table")
        )
        if round_number
        else []
    )
    students = _students_by_table(tables)
    # The rooms are open during a round's meeting only (the break ends them).
    rooms_open = (
        online
        and event.phase == Phase.MEETING
        and event.status in (EventStatus.LIVE, EventStatus.PAUSED)
    )
    present: dict[int, set[int]] = defaultdict(set)
    room_ids = [table.room_id for table in tables if table.room_id is not None]
    if rooms_open and room_ids:
        for room_id, user_id in RoomPeer.objects.filter(
            room_id__in=room_ids, admitted=True
        ).values_list("room_id", "user_id"):
            present[room_id].add(user_id)

    def person(user: User, room_id: int | None) -> dict[str, Any]:
        in_room = (user.pk in present.get(room_id, set())) if rooms_open and room_id else None
        return {
            **person_payload(user),
            "checked_in": checked_in.get(user.pk, False),
            "in_room": in_room,
        }

    def absent(entry: dict[str, Any]) -> bool:
        # In their room when there is one to be in, else checked in.
        return entry["in_room"] is False or (entry["in_room"] is None and not entry["checked_in"])

    rows: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    seated: set[int] = set()
    for table in tables:
        people = [person(table.professional, table.room_id)] + [
            person(student, table.room_id) for student in students.get(table.pk, [])
        ]
        seated.update(p["id"] for p in people)
        missing.extend(p for p in people if absent(p))
        rows.append(
            {
                "table": table.table if not online else None,
                "number": table.table,
                "room": f"room:{table.room_id}" if table.room_id is not None else None,
                "professional": people[0],
                "students": people[1:],
                "organiser_in_room": event.organiser_id in present.get(table.room_id or 0, set()),
            }
        )
    sitting_out = [
        {**person_payload(p.user), "checked_in": True, "in_room": None}
        for p in participants
        if round_number
        and p.role == ParticipantRole.STUDENT
        and p.checked_in_at is not None
        and p.user_id not in seated
    ]
    not_checked_in = [
        {**person_payload(p.user), "role": p.role} for p in participants if p.checked_in_at is None
    ]
    return {
        "state": event_state(event, now),
        "round": round_number,
        "mode": event.mode,
        "tables": rows,
        "sitting_out": sitting_out,
        "missing": missing,
        "not_checked_in": not_checked_in,
    }


def events_for_user(user: User) -> QuerySet[Event]:
    """The events on `user`'s home page: those not ended that they organise or take part in,
    soonest first (live ones are among them)."""
    return (
        events_visible_to(user=user)
        .exclude(status=EventStatus.ENDED)
        .select_related("organiser")
        .order_by("starts_at", "pk")
    )
