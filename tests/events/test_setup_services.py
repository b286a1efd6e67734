"""Setting an event up through the services: create and edit, people one by one and by CSV,
check-in, join codes, forbidden pairs and wishes. Each refusal changes nothing."""

import datetime as dt
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone, translation

from events.errors import EventError
from events.models import (
    Event,
    EventParticipant,
    EventSeat,
    EventStatus,
    EventTable,
    EventWish,
    ForbiddenPair,
    ParticipantRole,
    Phase,
)
from events.services import setup
from gallery.models import Sector

pytestmark = pytest.mark.django_db

SETTINGS: dict[str, Any] = {
    "title": "Careers morning",
    "mode": "in_person",
    "venue": "Sports hall",
    "rounds": 5,
    "round_seconds": 300,
    "break_seconds": 60,
    "students_per_table": 3,
}


def create(organiser: Any, **changes: Any) -> Event:
    values = {**SETTINGS, "starts_at": timezone.now() + dt.timedelta(days=1), **changes}
    return setup.event_create(organiser=organiser, **values)


def _snapshot() -> tuple[int, ...]:
    return (
        Event.objects.count(),
        EventParticipant.objects.count(),
        EventParticipant.objects.filter(checked_in_at__isnull=False).count(),
        ForbiddenPair.objects.count(),
        EventWish.objects.count(),
    )


def refused(code: str, call: Callable[[], Any], field: str | None = None) -> EventError:
    """Run `call`, expect an EventError `code` (on `field`), and that no row changed."""
    before = _snapshot()
    with pytest.raises(EventError) as caught:
        call()
    assert caught.value.code == code, caught.value
    if field is not None:
        assert caught.value.field == field
    assert _snapshot() == before
    return caught.value


# --- create and edit -------------------------------------------------------------------------


def test_create_makes_a_draft_with_a_join_code(organiser: Any) -> None:
    event = create(organiser, title="  Careers morning  ")
    assert event.status == EventStatus.DRAFT and event.round == 0 and event.phase is None
    assert event.title == "Careers morning" and event.organiser == organiser
    assert len(event.join_code) == setup.JOIN_CODE_LENGTH
    assert set(event.join_code) <= set(setup.JOIN_CODE_ALPHABET)
    assert not set(event.join_code) & set("01OIL")
    other = create(organiser)
    assert other.join_code != event.join_code


def test_create_draws_another_code_when_one_is_taken(
    organiser: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = create(organiser).join_code
    codes = iter([taken, taken, "FRESHCODE2"])
    monkeypatch.setattr(setup, "join_code_new", lambda: next(codes))
    event = create(organiser)
    assert event.join_code == "FRESHCODE2"
    assert Event.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"rounds": 0}, "rounds"),
        ({"rounds": 21}, "rounds"),
        ({"round_seconds": 29}, "round_seconds"),
        ({"round_seconds": 3601}, "round_seconds"),
        ({"break_seconds": -1}, "break_seconds"),
        ({"break_seconds": 901}, "break_seconds"),
        ({"students_per_table": 0}, "students_per_table"),
        ({"students_per_table": 11}, "students_per_table"),
        ({"mode": "hybrid"}, "mode"),
        ({"mode": "in_person", "venue": "  "}, "venue"),
        ({"venue": "v" * 201}, "venue"),
        ({"starts_at": dt.datetime(2030, 1, 1, 9)}, "starts_at"),  # noqa: DTZ001 (naive on purpose)
    ],
)
def test_create_refuses_settings_out_of_range(
    organiser: Any, changes: dict[str, Any], field: str
) -> None:
    refused("bad_request", lambda: create(organiser, **changes), field)


def test_create_refuses_a_start_in_the_past_with_a_grace(organiser: Any) -> None:
    now = timezone.now()
    refused(
        "bad_request",
        lambda: create(organiser, starts_at=now - dt.timedelta(minutes=6)),
        "starts_at",
    )
    assert create(organiser, starts_at=now - dt.timedelta(minutes=4)).pk


def test_limits_are_accepted_at_their_bounds(organiser: Any) -> None:
    low = create(organiser, rounds=1, round_seconds=30, break_seconds=0, students_per_table=1)
    high = create(
        organiser, rounds=20, round_seconds=3600, break_seconds=900, students_per_table=10
    )
    assert (low.rounds, high.rounds) == (1, 20)
    online = create(organiser, mode="virtual", venue="")
    assert online.venue == ""


def test_only_organisers_create(student: Any, professional: Any) -> None:
    refused("forbidden", lambda: create(student))
    refused("forbidden", lambda: create(professional))


def test_update_edits_a_draft_and_keeps_the_rest(organiser: Any) -> None:
    event = create(organiser)
    updated = setup.event_update(organiser=organiser, event_id=event.pk, rounds=7, title="New")
    event.refresh_from_db()
    assert (event.rounds, event.title, event.round_seconds) == (7, "New", 300)
    assert updated.rounds == 7


def test_update_refuses_bad_values_and_a_started_event(organiser: Any) -> None:
    event = create(organiser)
    refused(
        "bad_request",
        lambda: setup.event_update(organiser=organiser, event_id=event.pk, round_seconds=10),
        "round_seconds",
    )
    # Switching to in person needs a venue.
    online = create(organiser, mode="virtual", venue="")
    refused(
        "bad_request",
        lambda: setup.event_update(organiser=organiser, event_id=online.pk, mode="in_person"),
        "venue",
    )
    Event.objects.filter(pk=event.pk).update(status=EventStatus.LIVE, round=1)
    refused(
        "conflict", lambda: setup.event_update(organiser=organiser, event_id=event.pk, rounds=2)
    )
    event.refresh_from_db()
    assert event.rounds == 5


def test_update_checks_a_past_start_only_when_it_changes(organiser: Any) -> None:
    event = create(organiser, starts_at=timezone.now() - dt.timedelta(minutes=4))
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    # The stored start is past, yet editing the title is fine.
    setup.event_update(organiser=organiser, event_id=event.pk, title="Renamed")
    refused(
        "bad_request",
        lambda: setup.event_update(
            organiser=organiser,
            event_id=event.pk,
            starts_at=timezone.now() - dt.timedelta(hours=2),
        ),
        "starts_at",
    )


def test_update_by_someone_else(
    organiser: Any, make_user: Callable[..., Any], student: Any
) -> None:
    event = create(organiser)
    other = make_user(role="organiser")
    refused("not_found", lambda: setup.event_update(organiser=other, event_id=event.pk, rounds=2))
    EventParticipant.objects.create(event=event, user=student, role=ParticipantRole.STUDENT)
    refused("forbidden", lambda: setup.event_update(organiser=student, event_id=event.pk, rounds=2))


# --- participants one by one ----------------------------------------------------------------


def test_add_participants(
    organiser: Any, make_event: Callable[..., Event], student: Any, professional: Any
) -> None:
    event = make_event()
    added = setup.participant_add(
        organiser=organiser, event_id=event.pk, user_id=student.pk, role="student"
    )
    assert added.role == ParticipantRole.STUDENT and added.checked_in_at is None
    setup.participant_add(
        organiser=organiser, event_id=event.pk, user_id=professional.pk, role="professional"
    )
    assert EventParticipant.objects.filter(event=event).count() == 2
    refused(
        "conflict",
        lambda: setup.participant_add(
            organiser=organiser, event_id=event.pk, user_id=student.pk, role="student"
        ),
    )


def test_add_refuses_the_wrong_people(
    organiser: Any, make_event: Callable[..., Event], make_user: Callable[..., Any]
) -> None:
    event = make_event()
    unverified = make_user(role="professional", verified=False)
    student = make_user(role="student")
    gone = make_user(role="student", is_active=False)

    def add(user_id: int, role: str) -> Any:
        return lambda: setup.participant_add(
            organiser=organiser, event_id=event.pk, user_id=user_id, role=role
        )

    refused("bad_request", add(unverified.pk, "professional"), "user")
    refused("bad_request", add(student.pk, "professional"), "role")
    refused("bad_request", add(unverified.pk, "student"), "role")
    refused("bad_request", add(organiser.pk, "student"), "role")
    refused("bad_request", add(gone.pk, "student"), "user")
    refused("bad_request", add(999_999, "student"), "user")
    refused("bad_request", add(student.pk, "organiser"), "role")
    Event.objects.filter(pk=event.pk).update(status=EventStatus.ENDED)
    refused("conflict", add(student.pk, "student"))


def test_remove_in_draft_takes_wishes_and_pairs_along(
    organiser: Any, make_event: Callable[..., Event], student: Any, professional: Any
) -> None:
    event = make_event(students=[student], professionals=[professional])
    sector = Sector.objects.first()
    assert sector is not None
    EventWish.objects.create(event=event, student=student, sector=sector, rank=1)
    ForbiddenPair.objects.create(event=event, professional=professional, student=student)
    setup.participant_remove(organiser=organiser, event_id=event.pk, user_id=student.pk)
    assert not EventParticipant.objects.filter(event=event, user=student).exists()
    assert not EventWish.objects.exists() and not ForbiddenPair.objects.exists()
    refused(
        "not_found",
        lambda: setup.participant_remove(
            organiser=organiser, event_id=event.pk, user_id=student.pk
        ),
    )


def _live_with_a_table(event: Event, professional: Any, students: list[Any]) -> None:
    for number in (1, 2):
        table = EventTable.objects.create(
            event=event, round=number, table=1, professional=professional
        )
        for student in students:
            EventSeat.objects.create(table=table, event=event, round=number, student=student)
    Event.objects.filter(pk=event.pk).update(status=EventStatus.LIVE, round=1, phase=Phase.MEETING)


def test_remove_during_the_event_only_who_never_sat(
    organiser: Any, make_event: Callable[..., Event], make_user: Callable[..., Any]
) -> None:
    pro = make_user(role="professional", verified=True)
    seated, late = make_user(role="student"), make_user(role="student")
    event = make_event(students=[seated, late], professionals=[pro])
    _live_with_a_table(event, pro, [seated])
    for person in (seated, pro):
        remove = partial(
            setup.participant_remove, organiser=organiser, event_id=event.pk, user_id=person.pk
        )
        refused("conflict", remove)
    setup.participant_remove(organiser=organiser, event_id=event.pk, user_id=late.pk)
    assert not EventParticipant.objects.filter(event=event, user=late).exists()
    assert EventSeat.objects.filter(student=seated).count() == 2


# --- check-in --------------------------------------------------------------------------------


def test_check_in_and_undo_in_draft(
    organiser: Any, make_event: Callable[..., Event], student: Any
) -> None:
    event = make_event(students=[student], checked_in=False)
    first = setup.participant_check_in(organiser=organiser, event_id=event.pk, user_id=student.pk)
    assert first.checked_in_at is not None
    again = setup.participant_check_in(organiser=organiser, event_id=event.pk, user_id=student.pk)
    assert again.checked_in_at == first.checked_in_at
    undone = setup.participant_check_in(
        organiser=organiser, event_id=event.pk, user_id=student.pk, checked_in=False
    )
    assert undone.checked_in_at is None
    refused(
        "not_found",
        lambda: setup.participant_check_in(
            organiser=organiser, event_id=event.pk, user_id=organiser.pk
        ),
    )


def test_latecomer_checked_in_during_the_event_but_not_undone(
    organiser: Any, make_event: Callable[..., Event], make_user: Callable[..., Any]
) -> None:
    early, late = make_user(role="student"), make_user(role="student")
    event = make_event(students=[early])
    EventParticipant.objects.create(event=event, user=late, role=ParticipantRole.STUDENT)
    Event.objects.filter(pk=event.pk).update(status=EventStatus.PAUSED, round=2)
    checked = setup.participant_check_in(organiser=organiser, event_id=event.pk, user_id=late.pk)
    assert checked.checked_in_at is not None
    refused(
        "conflict",
        lambda: setup.participant_check_in(
            organiser=organiser, event_id=event.pk, user_id=early.pk, checked_in=False
        ),
    )
    Event.objects.filter(pk=event.pk).update(status=EventStatus.ENDED)
    EventParticipant.objects.filter(user=late).update(checked_in_at=None)
    refused(
        "conflict",
        lambda: setup.participant_check_in(organiser=organiser, event_id=event.pk, user_id=late.pk),
    )


# --- CSV import ------------------------------------------------------------------------------


def test_import_adds_good_rows_and_reports_each_bad_one(
    organiser: Any, make_event: Callable[..., Event], make_user: Callable[..., Any]
) -> None:
    event = make_event()
    alice = make_user(role="student", username="alice")
    make_user(role="student", username="bruno")
    make_user(role="professional", verified=True, username="carla")
    make_user(role="professional", verified=False, username="dirk")
    make_user(role="student", username="emma")
    fanny = make_user(role="student", username="fanny")
    EventParticipant.objects.create(event=event, user=fanny, role=ParticipantRole.STUDENT)
    text = (
        "\ufeffUsername,Role\n"
        "alice,student\n"  # 2 added
        "bruno, Student \n"  # 3 added (spaces and case)
        "\n"
        "carla,professional\n"  # 5 added
        "nobody,student\n"  # 6 unknown
        "dirk,professional\n"  # 7 unverified
        "emma,professional\n"  # 8 wrong role for the account
        "emma,teacher\n"  # 9 unknown role
        "alice,student\n"  # 10 duplicate
        "fanny,student\n"  # 11 already in
        ",student\n"  # 12 no username
    )
    with translation.override("en"):
        report = setup.participants_import(
            organiser=organiser, event_id=event.pk, text=text.encode("utf-8")
        )
    assert report.added == 3
    assert [error["line"] for error in report.errors] == [6, 7, 8, 9, 10, 11, 12]
    messages = [error["message"] for error in report.errors]
    assert "nobody" in messages[0]
    assert "verified" in messages[1]
    assert "professional" in messages[2]
    assert "teacher" in messages[3]
    assert "line 2" in messages[4]
    assert "already in the event" in messages[5]
    names = set(
        EventParticipant.objects.filter(event=event).values_list("user__username", flat=True)
    )
    assert names == {"alice", "bruno", "carla", "fanny"}
    assert EventParticipant.objects.get(event=event, user=alice).role == "student"


def test_import_refuses_unreadable_files_whole(
    organiser: Any, make_event: Callable[..., Event], make_user: Callable[..., Any]
) -> None:
    event = make_event()
    make_user(role="student", username="alice")

    def send(data: str | bytes) -> Any:
        return lambda: setup.participants_import(organiser=organiser, event_id=event.pk, text=data)

    refused("bad_request", send("alice,student\n"), "file")  # no header
    refused("bad_request", send("name;kind\nalice;student\n"), "file")
    refused("bad_request", send("username,role\nalic\xe9,student\n".encode("latin-1")), "file")
    refused("bad_request", send("username,role\nal\x00ice,student\n"), "file")
    big = "username,role\n" + "alice,student\n" * 80_000
    refused("too_large", send(big), "file")
    many = "username,role\n" + "alice,student\n" * (setup.MAX_IMPORT_ROWS + 1)
    refused("too_large", send(many), "file")
    fine = "username,role\n" + "alice,student\n" * setup.MAX_IMPORT_ROWS
    report = setup.participants_import(organiser=organiser, event_id=event.pk, text=fine)
    assert report.added == 1 and len(report.errors) == setup.MAX_IMPORT_ROWS - 1


def test_import_is_the_organisers(
    organiser: Any, make_event: Callable[..., Event], student: Any, make_user: Callable[..., Any]
) -> None:
    event = make_event(students=[student])
    text = f"username,role\n{student.username},student\n"
    refused(
        "forbidden",
        lambda: setup.participants_import(organiser=student, event_id=event.pk, text=text),
    )
    refused(
        "not_found",
        lambda: setup.participants_import(
            organiser=make_user(role="organiser"), event_id=event.pk, text=text
        ),
    )


# --- join code -------------------------------------------------------------------------------


def test_join_with_code(
    organiser: Any, student: Any, professional: Any, make_user: Callable[..., Any]
) -> None:
    event = create(organiser)
    code = event.join_code
    typed = f" {code[:5].lower()}-{code[5:]} "
    joined = setup.event_join_with_code(student=student, code=typed)
    assert joined.event == event and joined.role == ParticipantRole.STUDENT
    again = setup.event_join_with_code(student=student, code=code)
    assert again.pk == joined.pk
    refused("forbidden", lambda: setup.event_join_with_code(student=professional, code=code))
    other = make_user(role="student")
    refused("not_found", lambda: setup.event_join_with_code(student=other, code="NOSUCHCODE"))
    refused("not_found", lambda: setup.event_join_with_code(student=other, code="  "))
    Event.objects.filter(pk=event.pk).update(status=EventStatus.ENDED)
    refused("conflict", lambda: setup.event_join_with_code(student=other, code=code))


# --- forbidden pairs -------------------------------------------------------------------------


def test_forbidden_pairs(
    organiser: Any,
    make_event: Callable[..., Event],
    student: Any,
    professional: Any,
    make_user: Callable[..., Any],
) -> None:
    event = make_event(students=[student], professionals=[professional])
    outsider = make_user(role="student")

    def add(pro_id: int, student_id: int) -> Any:
        return lambda: setup.forbidden_pair_add(
            organiser=organiser, event_id=event.pk, professional_id=pro_id, student_id=student_id
        )

    add(professional.pk, student.pk)()
    assert ForbiddenPair.objects.filter(event=event).count() == 1
    refused("conflict", add(professional.pk, student.pk))
    refused("bad_request", add(student.pk, professional.pk), "professional")
    refused("bad_request", add(professional.pk, outsider.pk), "student")
    setup.forbidden_pair_remove(
        organiser=organiser,
        event_id=event.pk,
        professional_id=professional.pk,
        student_id=student.pk,
    )
    assert not ForbiddenPair.objects.exists()
    refused(
        "not_found",
        lambda: setup.forbidden_pair_remove(
            organiser=organiser,
            event_id=event.pk,
            professional_id=professional.pk,
            student_id=student.pk,
        ),
    )
    refused(
        "forbidden",
        lambda: setup.forbidden_pair_add(
            organiser=student, event_id=event.pk, professional_id=professional.pk, student_id=1
        ),
    )


# --- wishes ----------------------------------------------------------------------------------


def test_wishes(
    make_event: Callable[..., Event],
    student: Any,
    professional: Any,
    make_user: Callable[..., Any],
) -> None:
    event = make_event(students=[student], professionals=[professional])
    sectors = list(Sector.objects.order_by("pk").values_list("pk", flat=True)[:5])
    assert len(sectors) == 5

    def wish(user: Any, ids: list[int]) -> Any:
        return lambda: setup.wishes_set(student=user, event_id=event.pk, sector_ids=ids)

    wishes = wish(student, sectors[:4])()
    assert [w.rank for w in wishes] == [1, 2, 3, 4]
    wish(student, [sectors[3], sectors[0]])()
    stored = EventWish.objects.filter(student=student).order_by("rank")
    assert [w.sector_id for w in stored] == [sectors[3], sectors[0]]
    refused("bad_request", wish(student, sectors), "sectors")
    refused("bad_request", wish(student, [sectors[0], sectors[0]]), "sectors")
    refused("bad_request", wish(student, [sectors[0], 999_999]), "sectors")
    refused("forbidden", wish(professional, sectors[:1]))
    refused("not_found", wish(make_user(role="student"), sectors[:1]))
    Event.objects.filter(pk=event.pk).update(status=EventStatus.LIVE, round=1)
    refused("conflict", wish(student, sectors[:1]))
    wish_free = EventWish.objects.filter(student=student).count()
    assert wish_free == 2


@pytest.mark.django_db(transaction=True)
def test_adds_of_one_person_at_once_make_one_participant(
    make_event: Callable[..., Event], organiser: Any, make_user: Callable[..., Any]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs parallel writers: set DATABASE_URL to a PostgreSQL database")
    event = make_event()
    student = make_user(role="student", username="racer")
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def add(by_csv: bool) -> None:
        try:
            barrier.wait()
            if by_csv:
                report = setup.participants_import(
                    organiser=organiser, event_id=event.pk, text="username,role\nracer,student\n"
                )
                outcomes.append("added" if report.added else "conflict")
            else:
                setup.participant_add(
                    organiser=organiser, event_id=event.pk, user_id=student.pk, role="student"
                )
                outcomes.append("added")
        except EventError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add, args=(n % 2 == 0,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["added", "conflict", "conflict", "conflict"]
    assert EventParticipant.objects.filter(event=event).count() == 1
