"""The planner's database side: requests built from an event's rows, plans stored as tables
and seats, re-plans that keep the played rounds (PostgreSQL or SQLite, as configured)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event, EventParticipant, EventSeat, EventTable, EventWish, ForbiddenPair
from events.planning import (
    participants_digest,
    plan_event_from,
    plan_request_for,
    wishes_served,
)
from gallery.models import Interest, Sector, StudentProfile, WitnessProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def students(make_user: Callable[..., Any]) -> Callable[[int], list[Any]]:
    return lambda n: [make_user(role="student", birth_year=2010) for _ in range(n)]


@pytest.fixture
def professionals(make_user: Callable[..., Any]) -> Callable[[int], list[Any]]:
    return lambda n: [make_user(role="professional", verified=True) for _ in range(n)]


_terms = iter(range(1, 1_000_000))


def sector() -> Sector:
    n = next(_terms)
    return Sector.objects.create(
        slug=f"h1-sector-{n}", label_fr=f"S{n}", label_nl=f"S{n}", label_en=f"S{n}"
    )


def interest() -> Interest:
    n = next(_terms)
    return Interest.objects.create(
        slug=f"h1-interest-{n}", label_fr=f"I{n}", label_nl=f"I{n}", label_en=f"I{n}"
    )


def profile(user: Any, in_sector: Sector, interests: tuple[Interest, ...] = ()) -> None:
    witness = WitnessProfile.objects.create(user=user, job_title="Job", sector=in_sector)
    witness.interests.set(interests)


def plan_now(event: Event, from_round: int) -> None:
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        plan_event_from(event=locked, from_round=from_round)
    event.refresh_from_db()


def rows(event: Event) -> dict[int, dict[int, tuple[int, int, set[int]]]]:
    """round -> professional -> (table pk, table number, students)."""
    out: dict[int, dict[int, tuple[int, int, set[int]]]] = {}
    for table in EventTable.objects.filter(event=event).prefetch_related("seats"):
        out.setdefault(table.round, {})[table.professional_id] = (
            table.pk,
            table.table,
            {seat.student_id for seat in table.seats.all()},
        )
    return out


def check_in(event: Event, user: Any, present: bool = True) -> None:
    EventParticipant.objects.filter(event=event, user=user).update(
        checked_in_at=timezone.now() if present else None
    )


def test_a_professional_keeps_one_table_number_all_event(
    make_event: Callable[..., Event], students: Any, professionals: Any
) -> None:
    pros = professionals(3)
    event = make_event(students=students(4), professionals=pros, rounds=2, students_per_table=2)
    check_in(event, pros[1], present=False)  # absent: their number is kept for them, unused
    plan_now(event, 1)
    plan = rows(event)
    assert sorted(plan) == [1, 2]
    for tables in plan.values():
        assert {pro: number for pro, (_, number, _) in tables.items()} == {
            pros[0].pk: 1,
            pros[2].pk: 3,
        }
        assert [len(seated) for _, _, seated in tables.values()] == [2, 2]
    assert event.planned_for == participants_digest(event)


def test_replanning_keeps_played_rounds_and_seats_a_latecomer_from_then_on(
    make_event: Callable[..., Event], students: Any, professionals: Any, make_user: Any
) -> None:
    pros = professionals(3)
    group = students(5)
    late = make_user(role="student", birth_year=2010)
    gone = group[0]
    event = make_event(students=group, professionals=pros, rounds=4, students_per_table=2)
    EventParticipant.objects.create(event=event, user=late, role="student")  # not checked in
    plan_now(event, 1)
    before = rows(event)
    digest = event.planned_for
    assert all(late.pk not in seated for r in before.values() for _, _, seated in r.values())

    check_in(event, late)
    check_in(event, gone, present=False)
    assert participants_digest(event) != digest
    plan_now(event, 3)
    after = rows(event)
    assert {r: after[r] for r in (1, 2)} == {r: before[r] for r in (1, 2)}  # same pks, seats
    for number in (3, 4):
        seated = {s for _, _, group_seated in after[number].values() for s in group_seated}
        assert late.pk in seated
        assert gone.pk not in seated
    pairs = [(p, s) for r in after.values() for p, (_, _, seated) in r.items() for s in seated]
    assert len(pairs) == len(set(pairs)), "someone met the same professional twice"
    assert event.planned_for == participants_digest(event) != digest


def test_the_request_reads_history_sit_outs_forbidden_pairs(
    make_event: Callable[..., Event], students: Any, professionals: Any
) -> None:
    (pro,) = professionals(1)
    group = students(3)
    event = make_event(students=group, professionals=[pro], rounds=3, students_per_table=1)
    ForbiddenPair.objects.create(event=event, professional=pro, student=group[2])
    plan_now(event, 1)
    seated = {
        number: {s for _, _, ss in tables.values() for s in ss}
        for number, tables in rows(event).items()
    }
    first = next(iter(seated[1]))
    request = plan_request_for(event, 2)
    assert request.rounds == (2, 3)
    assert request.seats_per_table == 1
    assert request.met == frozenset({(pro.pk, first)})
    assert request.forbidden == frozenset({(pro.pk, group[2].pk)})
    # Round 1 was played: the two not seated sat it out (the forbidden one included).
    assert request.sat_out == {s.pk: 1 for s in group if s.pk != first}
    # Round 2 of the plan seats the one who sat out and may meet the professional.
    assert seated[2] == {s.pk for s in group[:2]} - {first}
    assert group[2].pk not in seated[1] | seated[2] | seated.get(3, set())


def test_rounds_not_yet_played_are_not_history(
    make_event: Callable[..., Event], students: Any, professionals: Any
) -> None:
    event = make_event(students=students(2), professionals=professionals(1), rounds=3)
    request = plan_request_for(event, 2)  # nothing planned: round 1 did not happen
    assert request.met == frozenset()
    assert request.sat_out == {}


def test_wishes_and_shared_interests_are_served_first(
    make_event: Callable[..., Event], students: Any, professionals: Any
) -> None:
    sectors = [sector() for _ in range(4)]
    hobby = [interest() for _ in range(3)]
    pros = professionals(5)  # the fifth has no profile: a free table for round 2
    for pro, pro_sector in zip(pros, sectors, strict=False):
        profile(pro, pro_sector, interests=tuple(hobby) if pro is pros[3] else ())
    group = students(4)
    event = make_event(students=group, professionals=pros, rounds=2, students_per_table=1)
    # Student i wishes sector i first; the last also shares three interests with pros[3].
    for i, student in enumerate(group[:3]):
        EventWish.objects.create(event=event, student=student, sector=sectors[i], rank=1)
        EventWish.objects.create(event=event, student=student, sector=sectors[(i + 1) % 3], rank=2)
    StudentProfile.objects.create(user=group[3]).interests.set(hobby)

    request = plan_request_for(event, 1)
    assert request.affinity[pros[0].pk, group[0].pk] == 8
    assert request.affinity[pros[1].pk, group[0].pk] == 6
    assert request.affinity[pros[3].pk, group[3].pk] == 3
    assert (pros[3].pk, group[0].pk) not in request.affinity
    assert request.sectors == {pro.pk: s.pk for pro, s in zip(pros, sectors, strict=False)}

    plan_now(event, 1)
    first = {p: ss for p, (_, _, ss) in rows(event)[1].items()}
    assert first == {
        pros[0].pk: {group[0].pk},
        pros[1].pk: {group[1].pk},
        pros[2].pk: {group[2].pk},
        pros[3].pk: {group[3].pk},
    }
    # Round 2 serves the second wishes (the fourth student takes the free table): every
    # wish of the three is served.
    assert wishes_served(event) == 1.0


def test_wishes_served_counts_pairs_of_student_and_sector(
    make_event: Callable[..., Event], students: Any, professionals: Any
) -> None:
    a, b = sector(), sector()
    (pro,) = professionals(1)
    profile(pro, a)
    kid, absent = students(2)
    event = make_event(students=[kid], professionals=[pro], rounds=1, students_per_table=1)
    EventParticipant.objects.create(event=event, user=absent, role="student")  # never came
    EventWish.objects.create(event=event, student=absent, sector=b, rank=1)
    assert wishes_served(event) is None  # no student present wished anything
    EventWish.objects.create(event=event, student=kid, sector=a, rank=1)
    EventWish.objects.create(event=event, student=kid, sector=b, rank=2)
    assert wishes_served(event) == 0.0
    plan_now(event, 1)
    assert wishes_served(event) == 0.5


def test_the_digest_follows_check_ins_only(
    make_event: Callable[..., Event], students: Any, professionals: Any
) -> None:
    group = students(2)
    event = make_event(students=group, professionals=professionals(1))
    digest = participants_digest(event)
    assert len(digest) == 64
    assert participants_digest(Event.objects.get(pk=event.pk)) == digest
    check_in(event, group[0], present=False)
    assert participants_digest(event) != digest
    check_in(event, group[0])
    assert participants_digest(event) == digest


def test_reads_and_writes_take_the_same_queries_whatever_the_size(
    make_event: Callable[..., Event], students: Any, professionals: Any
) -> None:
    """No query per participant or pair: a plan of 4 by 2 and of 24 by 6, with wishes and
    interests, take as many queries."""
    counts = []
    for n_students, n_pros in ((4, 2), (24, 6)):
        pros = professionals(n_pros)
        hobby = interest()
        for pro in pros:
            profile(pro, sector(), interests=(hobby,))
        group = students(n_students)
        for student in group:
            StudentProfile.objects.create(user=student).interests.set([hobby])
        event = make_event(students=group, professionals=pros, rounds=2)
        for student in group:
            EventWish.objects.create(
                event=event,
                student=student,
                sector_id=WitnessProfile.objects.get(user=pros[0]).sector_id,
                rank=1,
            )
        plan_now(event, 1)
        with CaptureQueriesContext(connection) as queries:
            plan_now(event, 2)
        counts.append(len(queries))
        assert EventSeat.objects.filter(event=event, round=2).count() == min(n_students, n_pros * 2)
    assert counts[0] == counts[1]
