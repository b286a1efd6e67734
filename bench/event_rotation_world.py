"""The database side of bench/event_rotation.py: the event, its participants, and the naive
round change the event topic's per-participant push is compared with.

Everything is made through the events services an organiser's page calls (event_create,
participants_import, participant_check_in, wishes_set, forbidden_pair_add), so the plan the
clock starts from is the one production would make. Needs Django set up.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

# [professional id, [student ids]] of a user's table, or None when they sit the round out.
Expected = list[Any] | None

SECTORS = 24  # professionals' sectors the students' wishes are drawn from
WISHES_PER_STUDENT = 4
FORBIDDEN_EVERY = 20  # one forbidden pair per this many students


@dataclass
class World:
    organiser: Any
    students: list[Any]
    professionals: list[Any]
    events: dict[str, int] = field(default_factory=dict)  # "ours"/"baseline" -> event id

    @property
    def participants(self) -> list[Any]:
        return [*self.students, *self.professionals]


def make_users(students: int, professionals: int, seed: int) -> World:
    """The organiser, verified professionals with a witness profile in one of SECTORS
    sectors (a few sectors crowded, as real job fairs are), and students."""
    from accounts.models import Role, User
    from gallery.models import Sector
    from gallery.services.witness import WitnessProfileData, taxonomy_sync, witness_profile_save

    taxonomy_sync()
    sectors = list(Sector.objects.order_by("pk")[:SECTORS])
    rng = random.Random(seed)
    organiser = User.objects.create(
        username="bench-organiser", display_name="Organiser", role=Role.ORGANISER
    )
    pros = User.objects.bulk_create(
        [
            User(
                username=f"bench-pro{n}",
                display_name=f"Professional {n}",
                role=Role.PROFESSIONAL,
                verified=True,
            )
            for n in range(professionals)
        ]
    )
    weights = [1.0 / (1 + n) for n in range(len(sectors))]  # Zipf-like: sector 1 is crowded
    for pro in pros:
        sector = rng.choices(sectors, weights)[0]
        witness_profile_save(
            user=pro, data=WitnessProfileData(job_title=f"Job in {sector.slug}", sector=sector)
        )
    studs = User.objects.bulk_create(
        [
            User(username=f"bench-student{n}", display_name=f"Student {n}", role=Role.STUDENT)
            for n in range(students)
        ]
    )
    return World(organiser=organiser, students=studs, professionals=pros)


def make_event(
    world: World, name: str, *, rounds: int, per_table: int, mode: str, seed: int
) -> int:
    """An event with every user of `world` in it, checked in, with wishes and forbidden
    pairs; still in draft. Returns its id."""
    from events.services import setup
    from gallery.models import Sector

    event = setup.event_create(
        organiser=world.organiser,
        title=f"Bench {name}",
        starts_at=timezone.now() + timedelta(minutes=5),
        mode=mode,
        venue="Bench hall" if mode == "in_person" else "",
        rounds=rounds,
        # Long rounds: only the bench moves the clock, never a timer.
        round_seconds=3600,
        break_seconds=0,
        students_per_table=per_table,
    )
    lines = ["username,role"] + [f"{user.username},student" for user in world.students]
    lines += [f"{user.username},professional" for user in world.professionals]
    report = setup.participants_import(
        organiser=world.organiser, event_id=event.pk, text="\n".join(lines)
    )
    if report.errors:
        raise RuntimeError(f"participants_import: {report.errors[:3]}")
    sector_ids = list(Sector.objects.order_by("pk").values_list("pk", flat=True)[:SECTORS])
    rng = random.Random(seed)
    weights = [1.0 / (1 + n) for n in range(len(sector_ids))]
    for student in world.students:
        wishes: list[int] = []
        while len(wishes) < WISHES_PER_STUDENT:
            sector = rng.choices(sector_ids, weights)[0]
            if sector not in wishes:
                wishes.append(sector)
        setup.wishes_set(student=student, event_id=event.pk, sector_ids=wishes)
    for n in range(0, len(world.students), FORBIDDEN_EVERY):
        setup.forbidden_pair_add(
            organiser=world.organiser,
            event_id=event.pk,
            professional_id=world.professionals[n % len(world.professionals)].pk,
            student_id=world.students[n].pk,
        )
    for user in world.participants:
        setup.participant_check_in(organiser=world.organiser, event_id=event.pk, user_id=user.pk)
    world.events[name] = event.pk
    return int(event.pk)


def expected_pairings(event_id: int, round_number: int, user_ids: list[int]) -> dict[str, Expected]:
    """What each user must receive for `round_number`, read from the stored plan."""
    from events.models import EventSeat, EventTable

    expected: dict[str, Expected] = {str(uid): None for uid in user_ids}
    tables: dict[int, tuple[int, list[int]]] = {
        table_id: (professional_id, [])
        for table_id, professional_id in EventTable.objects.filter(
            event_id=event_id, round=round_number
        ).values_list("pk", "professional_id")
    }
    for table_id, student_id in EventSeat.objects.filter(
        event_id=event_id, round=round_number
    ).values_list("table_id", "student_id"):
        tables[table_id][1].append(student_id)
    for professional_id, students in tables.values():
        for uid in (professional_id, *students):
            expected[str(uid)] = [professional_id, sorted(students)]
    return expected


def timed_commit(action: Callable[[], Any]) -> tuple[Any, float, float]:
    """Run `action` in a transaction; returns (its result, perf_counter when it was called,
    perf_counter at the commit). The commit is stamped by the first on_commit callback,
    registered before the action's own, so it runs before any push is sent."""
    stamps: list[float] = []
    called = time.perf_counter()
    with transaction.atomic():
        transaction.on_commit(lambda: stamps.append(time.perf_counter()))
        result = action()
    return result, called, stamps[0]


def naive_round_change(event_id: int, participant_ids: list[int]) -> None:
    """The baseline: the clock task moving the event to its next round itself and telling each
    participant their pairing with a push of their own, in a loop, on their `user:` topic
    (one channel-layer publish per participant). Online, the rounds' rooms are ended and
    opened with the clock's own helpers, so only the announcement differs from ours. Call
    inside a transaction (timed_commit)."""
    from events.models import Event, EventPhaseLog, EventTable, Phase
    from events.payloads import pairing_payload, professional_cards
    from events.services.round_rooms import round_rooms_end, round_rooms_open
    from realtime.broadcast import push_on_commit
    from realtime.users import user_topic

    event = Event.objects.select_for_update().get(pk=event_id)
    now = timezone.now()
    round_rooms_end(event=event, round_number=event.round, now=now)
    event.round += 1
    event.phase = Phase.MEETING
    event.phase_ends_at = now + timedelta(seconds=event.round_seconds)
    event.save(update_fields=["round", "phase", "phase_ends_at"])
    EventPhaseLog.objects.create(
        event=event, round=event.round, phase=Phase.MEETING, started_at=now
    )
    round_rooms_open(event=event, round_number=event.round, now=now)
    tables = list(
        EventTable.objects.filter(event=event, round=event.round)
        .select_related("professional")
        .prefetch_related("seats__student")
    )
    cards = professional_cards(table.professional_id for table in tables)
    pairing_of: dict[int, dict[str, Any]] = {}
    for table in tables:
        students = [seat.student for seat in table.seats.all()]
        pairing = pairing_payload(table, students, event, cards=cards)
        for uid in (table.professional_id, *(student.pk for student in students)):
            pairing_of[uid] = pairing
    head = {
        "round": event.round,
        "phase_ends_at": event.phase_ends_at.isoformat().replace("+00:00", "Z"),
        "server_time": now.isoformat().replace("+00:00", "Z"),
    }
    for uid in participant_ids:
        push_on_commit(user_topic(uid), "round.started", {**head, "pairing": pairing_of.get(uid)})
