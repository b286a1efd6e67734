"""The planner's database side: an event's rows into a `PlanRequest`, the plan back into
`EventTable` and `EventSeat` rows.

Reads are a fixed number of queries whatever the event's size (never one per pair: 800
students by 200 professionals is 160,000 pairs); writes are bulk inserts. Rounds already
played (before `from_round`) are never touched: they are the history the planner respects.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable

from events.models import (
    Event,
    EventParticipant,
    EventSeat,
    EventTable,
    EventWish,
    ForbiddenPair,
    ParticipantRole,
)
from events.planner import PlannedTable, PlanRequest, plan
from gallery.models import StudentProfile, WitnessProfile

# A wished sector's weight by the wish's rank: the first wish is served first.
WISH_WEIGHTS = {1: 8.0, 2: 6.0, 3: 4.0, 4: 2.0}
# Shared interests add one each, up to this many (a wish outweighs them).
MAX_SHARED_INTERESTS = 3

_Participant = tuple[int, str, bool]  # (user id, role, checked in)


def _participants(event: Event) -> list[_Participant]:
    """Every participant of the event, in EventParticipant order (pk)."""
    rows = EventParticipant.objects.filter(event=event).order_by("pk")
    return [
        (user_id, role, checked_in_at is not None)
        for user_id, role, checked_in_at in rows.values_list("user_id", "role", "checked_in_at")
    ]


def _digest(event: Event, participants: Iterable[_Participant]) -> str:
    present = sorted((user_id, role) for user_id, role, checked_in in participants if checked_in)
    # A pair forbidden during the event must also change the plan of the rounds to come.
    forbidden = sorted(
        ForbiddenPair.objects.filter(event=event).values_list("professional_id", "student_id")
    )
    text = "\n".join(f"{user_id}:{role}" for user_id, role in present)
    text += "\n" + " ".join(f"{pro}-{student}" for pro, student in forbidden)
    return hashlib.sha256(text.encode()).hexdigest()


def participants_digest(event: Event) -> str:
    """A digest (sha256, hex) of who is checked in, with their roles, and of the forbidden
    pairs: the plan of the rounds not yet played was made for these when it equals
    `event.planned_for`."""
    return _digest(event, _participants(event))


def plan_request_for(event: Event, from_round: int) -> PlanRequest:
    """The planner's input for rounds from_round..event.rounds: the checked-in participants,
    what the rounds already played (those before from_round that have tables) leave behind,
    the forbidden pairs and each pair's affinity (wishes and shared interests)."""
    return _request(event, from_round, _participants(event))


def _request(event: Event, from_round: int, participants: list[_Participant]) -> PlanRequest:
    students = [
        uid for uid, role, present in participants if present and role == ParticipantRole.STUDENT
    ]
    professionals = [
        uid
        for uid, role, present in participants
        if present and role == ParticipantRole.PROFESSIONAL
    ]
    student_set = set(students)

    played = set(
        EventTable.objects.filter(event=event, round__lt=from_round)
        .order_by()  # the model's ordering would join the event and defeat DISTINCT
        .values_list("round", flat=True)
        .distinct()
    )
    met: set[tuple[int, int]] = set()
    seated_rounds: dict[int, set[int]] = defaultdict(set)
    seats = EventSeat.objects.filter(event=event, round__lt=from_round).values_list(
        "round", "student_id", "table__professional_id"
    )
    for number, student, professional in seats:
        met.add((professional, student))
        seated_rounds[student].add(number)
    # A checked-in student without a seat in a round that was played sat it out (a
    # latecomer included: they are seated first when seats run short).
    sat_out = {
        student: len(played - seated_rounds.get(student, set()))
        for student in students
        if played - seated_rounds.get(student, set())
    }
    forbidden = frozenset(
        ForbiddenPair.objects.filter(event=event).values_list("professional_id", "student_id")
    )
    sectors = dict(
        WitnessProfile.objects.filter(user_id__in=professionals).values_list("user_id", "sector_id")
    )
    return PlanRequest(
        students=students,
        professionals=professionals,
        rounds=tuple(range(from_round, event.rounds + 1)),
        seats_per_table=event.students_per_table,
        met=frozenset(met),
        sat_out=sat_out,
        forbidden=forbidden,
        affinity=_affinity(event, student_set, professionals, sectors),
        seed=event.seed,
        sectors=sectors,
    )


def _affinity(
    event: Event, students: set[int], professionals: list[int], sectors: dict[int, int]
) -> dict[tuple[int, int], float]:
    """(professional, student) -> wish weight + shared interests (capped), in three queries:
    pairs are made in Python from per-sector and per-interest lists."""
    affinity: dict[tuple[int, int], float] = defaultdict(float)
    by_sector: dict[int, list[int]] = defaultdict(list)
    for professional, sector in sectors.items():
        by_sector[sector].append(professional)
    wishes = EventWish.objects.filter(event=event, student_id__in=students).values_list(
        "student_id", "sector_id", "rank"
    )
    for student, sector, rank in wishes:
        for professional in by_sector.get(sector, ()):
            affinity[professional, student] += WISH_WEIGHTS.get(rank, 0.0)

    pro_interests = WitnessProfile.interests.through.objects.filter(
        witnessprofile__user_id__in=professionals
    ).values_list("witnessprofile__user_id", "interest_id")
    by_interest: dict[int, list[int]] = defaultdict(list)
    for professional, interest in pro_interests:
        by_interest[interest].append(professional)
    student_interests = StudentProfile.interests.through.objects.filter(
        studentprofile__user_id__in=students, interest_id__in=list(by_interest)
    ).values_list("studentprofile__user_id", "interest_id")
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for student, interest in student_interests:
        for professional in by_interest[interest]:
            shared[professional, student] += 1
    for pair, count in shared.items():
        affinity[pair] += min(count, MAX_SHARED_INTERESTS)
    return dict(affinity)


def plan_event_from(*, event: Event, from_round: int) -> None:
    """(Re)plan rounds from_round..event.rounds with the checked-in participants: their tables
    and seats are replaced, earlier rounds are kept as they are, and `event.planned_for`
    records whom the plan was made for. The caller holds the event's row lock inside a
    transaction. A professional keeps one table number all event: 1 + their index among all
    the event's professional participants (checked in or not) by EventParticipant order."""
    participants = _participants(event)
    EventSeat.objects.filter(event=event, round__gte=from_round).delete()
    EventTable.objects.filter(event=event, round__gte=from_round).delete()
    plan_rows = plan(_request(event, from_round, participants))
    store_plan(event=event, plan_rows=plan_rows, participants=participants)
    event.planned_for = _digest(event, participants)
    event.save(update_fields=["planned_for"])


def store_plan(
    *,
    event: Event,
    plan_rows: dict[int, list[PlannedTable]],
    participants: list[_Participant] | None = None,
) -> None:
    """Insert a plan's tables and seats (rounds assumed empty), numbering tables by the
    professional's place among the event's professional participants."""
    if participants is None:
        participants = _participants(event)
    professionals = [uid for uid, role, _ in participants if role == ParticipantRole.PROFESSIONAL]
    table_of = {professional: n for n, professional in enumerate(professionals, start=1)}
    tables = EventTable.objects.bulk_create(
        EventTable(
            event=event,
            round=number,
            table=table_of[planned.professional],
            professional_id=planned.professional,
        )
        for number, planned_tables in sorted(plan_rows.items())
        for planned in planned_tables
    )
    planned_in_order = [
        planned for _, planned_tables in sorted(plan_rows.items()) for planned in planned_tables
    ]
    EventSeat.objects.bulk_create(
        EventSeat(table=table, event=event, round=table.round, student_id=student)
        for table, planned in zip(tables, planned_in_order, strict=True)
        for student in planned.students
    )


def wishes_served(event: Event) -> float | None:
    """The share of (student, wished sector) pairs for which the student has a seat at a table
    whose professional works in that sector. Students who were never checked in are left out
    (no plan could serve them); None when no checked-in student made a wish."""
    present = EventParticipant.objects.filter(
        event=event, role=ParticipantRole.STUDENT, checked_in_at__isnull=False
    ).values("user_id")
    wishes = set(
        EventWish.objects.filter(event=event, student_id__in=present).values_list(
            "student_id", "sector_id"
        )
    )
    if not wishes:
        return None
    seats = EventSeat.objects.filter(event=event).values_list(
        "student_id", "table__professional_id"
    )
    pairs = set(seats)
    sector_of = dict(
        WitnessProfile.objects.filter(
            user_id__in={professional for _, professional in pairs}
        ).values_list("user_id", "sector_id")
    )
    met = {(student, sector_of.get(professional)) for student, professional in pairs}
    return len(wishes & met) / len(wishes)
