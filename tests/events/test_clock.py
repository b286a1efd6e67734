"""The event clock on the service level, with an injected `now` (no sleeping): draft → live ⇄
paused → ended, meetings and breaks, the organiser's controls, duplicated and late triggers,
re-planning for a latecomer, and the pushes of each transition on the event's topic."""

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connections
from django.utils import timezone, translation

from events.errors import EventError
from events.models import (
    Event,
    EventParticipant,
    EventPhaseLog,
    EventSeat,
    EventStatus,
    EventTable,
    ParticipantRole,
)
from events.services.clock import (
    clock_advance,
    clock_advance_due,
    event_announce,
    event_end,
    event_extend,
    event_next,
    event_pause,
    event_resume,
    event_start,
)
from realtime.hub import PUSH_MESSAGE, TEXTS_KEY
from realtime.topics import Topic

T0 = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)
MakeEvent = Callable[..., Event]


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def iso(value: dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, list[Any]]:
    return {
        "professionals": [make_user(role="professional", verified=True) for _ in range(3)],
        "students": [make_user(role="student", birth_year=2010) for _ in range(6)],
    }


@pytest.fixture
def event(make_event: MakeEvent, people: dict[str, list[Any]]) -> Event:
    """3 rounds of 300 s with 60 s breaks, 3 professionals, 6 students, all checked in."""
    return make_event(**people)


def log_of(event: Event) -> list[tuple[int, str, dt.datetime]]:
    return list(
        EventPhaseLog.objects.filter(event=event)
        .order_by("started_at", "pk")
        .values_list("round", "phase", "started_at")
    )


def clock(event: Event) -> tuple[str, int, str | None, dt.datetime | None]:
    event.refresh_from_db()
    return event.status, event.round, event.phase, event.phase_ends_at


# --- Start ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_start_plans_every_round_and_begins_round_one(event: Event, organiser: Any) -> None:
    started = event_start(organiser=organiser, event_id=event.pk, now=T0)
    assert started.status == EventStatus.LIVE
    assert clock(event) == (EventStatus.LIVE, 1, "meeting", at(300))
    assert event.started_at == T0
    assert log_of(event) == [(1, "meeting", T0)]
    assert sorted(set(EventTable.objects.filter(event=event).values_list("round", flat=True))) == [
        1,
        2,
        3,
    ]
    assert event.planned_for  # the plan's digest, for the re-plan check of later rounds


@pytest.mark.django_db
def test_starting_twice_or_an_ended_event_is_a_conflict(event: Event, organiser: Any) -> None:
    event_start(organiser=organiser, event_id=event.pk, now=T0)
    with pytest.raises(EventError) as again:
        event_start(organiser=organiser, event_id=event.pk, now=at(1))
    assert again.value.code == "conflict"
    event_end(organiser=organiser, event_id=event.pk, now=at(2))
    with pytest.raises(EventError) as ended:
        event_start(organiser=organiser, event_id=event.pk, now=at(3))
    assert ended.value.code == "conflict"
    assert log_of(event) == [(1, "meeting", T0)]


@pytest.mark.django_db
def test_start_needs_a_checked_in_professional_and_student(
    make_event: MakeEvent, make_user: Callable[..., Any], organiser: Any
) -> None:
    pro = make_user(role="professional", verified=True)
    pupil = make_user(role="student", birth_year=2010)
    nobody_in = make_event(professionals=[pro], students=[pupil], checked_in=False)
    with pytest.raises(EventError) as refused, translation.override("en"):
        event_start(organiser=organiser, event_id=nobody_in.pk, now=T0)
    assert refused.value.code == "conflict"
    assert "professional" in refused.value.message
    EventParticipant.objects.filter(event=nobody_in, user=pro).update(checked_in_at=T0)
    with pytest.raises(EventError) as no_student, translation.override("en"):
        event_start(organiser=organiser, event_id=nobody_in.pk, now=T0)
    assert "student" in no_student.value.message
    nobody_in.refresh_from_db()
    assert nobody_in.status == EventStatus.DRAFT
    assert not EventTable.objects.filter(event=nobody_in).exists()
    assert not EventPhaseLog.objects.filter(event=nobody_in).exists()


@pytest.mark.django_db
def test_only_the_organiser_runs_the_clock(
    event: Event, people: dict[str, list[Any]], make_user: Callable[..., Any]
) -> None:
    participant = people["students"][0]
    with pytest.raises(EventError) as seen:
        event_start(organiser=participant, event_id=event.pk, now=T0)
    assert seen.value.code == "forbidden"
    other_organiser = make_user(role="organiser")
    with pytest.raises(EventError) as unseen:
        event_start(organiser=other_organiser, event_id=event.pk, now=T0)
    assert unseen.value.code == "not_found"
    for control in (event_pause, event_resume, event_next, event_end):
        with pytest.raises(EventError) as outsider:
            control(organiser=other_organiser, event_id=event.pk)
        assert outsider.value.code == "not_found"
    assert clock(event)[0] == EventStatus.DRAFT


# --- The chain of phases ------------------------------------------------------------------------


@pytest.mark.django_db
def test_meetings_and_breaks_follow_each_other_until_the_event_ends(
    event: Event, organiser: Any
) -> None:
    event_start(organiser=organiser, event_id=event.pk, now=T0)
    assert clock_advance_due(now=at(299)) == 0  # not yet
    assert clock(event) == (EventStatus.LIVE, 1, "meeting", at(300))

    assert clock_advance_due(now=at(300)) == 1
    assert clock(event) == (EventStatus.LIVE, 1, "break", at(360))
    assert clock_advance_due(now=at(360)) == 1
    assert clock(event) == (EventStatus.LIVE, 2, "meeting", at(660))
    assert clock_advance_due(now=at(663)) == 1  # a few seconds late: rounds keep their length
    assert clock(event) == (EventStatus.LIVE, 2, "break", at(720))
    assert clock_advance_due(now=at(720)) == 1
    assert clock(event) == (EventStatus.LIVE, 3, "meeting", at(1020))
    assert clock_advance_due(now=at(1020)) == 1  # no break after the last round
    assert clock(event) == (EventStatus.ENDED, 3, None, None)
    assert event.ended_at == at(1020)
    assert log_of(event) == [
        (1, "meeting", T0),
        (1, "break", at(300)),
        (2, "meeting", at(360)),
        (2, "break", at(660)),
        (3, "meeting", at(720)),
    ]
    assert clock_advance_due(now=at(5000)) == 0


@pytest.mark.django_db
def test_without_breaks_a_meeting_follows_a_meeting(
    make_event: MakeEvent, organiser: Any, people: dict[str, list[Any]]
) -> None:
    event = make_event(rounds=2, break_seconds=0, **people)
    event_start(organiser=organiser, event_id=event.pk, now=T0)
    assert clock_advance(event_id=event.pk, round=1, phase="meeting", now=at(300))
    assert clock(event) == (EventStatus.LIVE, 2, "meeting", at(600))
    assert clock_advance(event_id=event.pk, round=2, phase="meeting", now=at(600))
    assert clock(event)[0] == EventStatus.ENDED
    assert [(r, p) for r, p, _ in log_of(event)] == [(1, "meeting"), (2, "meeting")]


@pytest.mark.django_db
def test_a_duplicated_trigger_moves_the_clock_once(event: Event, organiser: Any) -> None:
    event_start(organiser=organiser, event_id=event.pk, now=T0)
    assert clock_advance(event_id=event.pk, round=1, phase="meeting", now=at(300)) is True
    assert clock_advance(event_id=event.pk, round=1, phase="meeting", now=at(300)) is False
    assert clock_advance(event_id=event.pk, round=1, phase="meeting", now=at(301)) is False
    assert clock(event) == (EventStatus.LIVE, 1, "break", at(360))
    assert EventPhaseLog.objects.filter(event=event, round=1, phase="break").count() == 1


@pytest.mark.django_db
def test_a_late_or_early_trigger_does_nothing(event: Event, organiser: Any) -> None:
    event_start(organiser=organiser, event_id=event.pk, now=T0)
    # Early: the phase has not run out.
    assert clock_advance(event_id=event.pk, round=1, phase="meeting", now=at(200)) is False
    for step in (300, 360):
        clock_advance_due(now=at(step))
    assert clock(event)[1:3] == (2, "meeting")
    # Late: the task of round 1's meeting arrives after the clock moved past it.
    assert clock_advance(event_id=event.pk, round=1, phase="meeting", now=at(700)) is False
    assert clock_advance(event_id=event.pk, round=1, phase="break", now=at(700)) is False
    assert clock(event)[1:3] == (2, "meeting")
    # A phase that does not exist, an unknown event: nothing.
    assert clock_advance(event_id=event.pk, round=9, phase="meeting", now=at(9000)) is False
    assert clock_advance(event_id=987654, round=1, phase="meeting", now=at(9000)) is False
    assert len(log_of(event)) == 3


@pytest.mark.django_db
def test_catch_up_after_downtime_gives_the_next_phase_its_full_length(
    event: Event, organiser: Any
) -> None:
    event_start(organiser=organiser, event_id=event.pk, now=T0)
    # The server was down for ten minutes: round 1's meeting ends now, no round is lost.
    assert clock_advance_due(now=at(900)) == 1
    assert clock(event) == (EventStatus.LIVE, 1, "break", at(960))
    assert log_of(event)[-1] == (1, "break", at(900))


@pytest.mark.django_db
def test_catch_up_repeats_while_a_short_phase_is_due_again(
    make_event: MakeEvent, organiser: Any, people: dict[str, list[Any]]
) -> None:
    event = make_event(rounds=2, round_seconds=30, break_seconds=1, **people)
    event_start(organiser=organiser, event_id=event.pk, now=T0)
    # At 31 s the meeting (ended at 30 s) and its 1 s break have both run out.
    assert clock_advance_due(now=at(31)) == 2
    assert clock(event) == (EventStatus.LIVE, 2, "meeting", at(61))
    assert [(r, p) for r, p, _ in log_of(event)] == [(1, "meeting"), (1, "break"), (2, "meeting")]


# --- Controls ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pause_keeps_the_remaining_time_and_resume_restores_it(
    event: Event, organiser: Any
) -> None:
    event_start(organiser=organiser, event_id=event.pk, now=T0)
    paused = event_pause(organiser=organiser, event_id=event.pk, now=at(100))
    assert paused.status == EventStatus.PAUSED
    assert clock(event) == (EventStatus.PAUSED, 1, "meeting", None)
    assert event.paused_remaining == 200
    # A paused clock does not run out, and its task does nothing.
    assert clock_advance_due(now=at(5000)) == 0
    assert clock_advance(event_id=event.pk, round=1, phase="meeting", now=at(5000)) is False
    with pytest.raises(EventError) as twice:
        event_pause(organiser=organiser, event_id=event.pk, now=at(101))
    assert twice.value.code == "conflict"
    with pytest.raises(EventError) as next_while_paused:
        event_next(organiser=organiser, event_id=event.pk, now=at(101))
    assert next_while_paused.value.code == "conflict"

    event_resume(organiser=organiser, event_id=event.pk, now=at(1000))
    assert clock(event) == (EventStatus.LIVE, 1, "meeting", at(1200))
    assert Event.objects.get(pk=event.pk).paused_remaining is None
    with pytest.raises(EventError) as resume_live:
        event_resume(organiser=organiser, event_id=event.pk, now=at(1001))
    assert resume_live.value.code == "conflict"
    assert clock_advance_due(now=at(1199)) == 0
    assert clock_advance_due(now=at(1200)) == 1


@pytest.mark.django_db
def test_extend_adds_to_the_running_or_paused_phase(event: Event, organiser: Any) -> None:
    event_start(organiser=organiser, event_id=event.pk, now=T0)
    event_extend(organiser=organiser, event_id=event.pk, seconds=60, now=at(10))
    assert clock(event)[3] == at(360)
    event_pause(organiser=organiser, event_id=event.pk, now=at(60))
    event_extend(organiser=organiser, event_id=event.pk, seconds=600, now=at(70))
    event.refresh_from_db()
    assert event.paused_remaining == 900
    bad: Any
    for bad in (0, 601, -5, True, "30"):
        with pytest.raises(EventError) as refused:
            event_extend(organiser=organiser, event_id=event.pk, seconds=bad, now=at(71))
        assert (refused.value.code, refused.value.field) == ("bad_request", "seconds")
    event.refresh_from_db()
    assert event.paused_remaining == 900


@pytest.mark.django_db
def test_extend_is_refused_before_the_start_and_after_the_end(event: Event, organiser: Any) -> None:
    with pytest.raises(EventError) as draft:
        event_extend(organiser=organiser, event_id=event.pk, seconds=30)
    assert draft.value.code == "conflict"
    event_start(organiser=organiser, event_id=event.pk, now=T0)
    event_end(organiser=organiser, event_id=event.pk, now=at(5))
    with pytest.raises(EventError) as ended:
        event_extend(organiser=organiser, event_id=event.pk, seconds=30)
    assert ended.value.code == "conflict"


@pytest.mark.django_db
def test_next_ends_the_current_phase_now(event: Event, organiser: Any) -> None:
    event_start(organiser=organiser, event_id=event.pk, now=T0)
    moved = event_next(organiser=organiser, event_id=event.pk, now=at(42))
    assert (moved.round, moved.phase, moved.phase_ends_at) == (1, "break", at(102))
    event_next(organiser=organiser, event_id=event.pk, now=at(50))
    assert clock(event) == (EventStatus.LIVE, 2, "meeting", at(350))
    # The ETA task of the break that "next" cut short comes later: it does nothing.
    assert clock_advance(event_id=event.pk, round=1, phase="break", now=at(102)) is False
    assert clock(event)[1:3] == (2, "meeting")


@pytest.mark.django_db
def test_end_from_live_or_paused_and_not_from_draft(
    make_event: MakeEvent, organiser: Any, people: dict[str, list[Any]]
) -> None:
    draft = make_event(**people)
    with pytest.raises(EventError) as not_started:
        event_end(organiser=organiser, event_id=draft.pk)
    assert not_started.value.code == "conflict"

    paused = make_event(**people)
    event_start(organiser=organiser, event_id=paused.pk, now=T0)
    event_pause(organiser=organiser, event_id=paused.pk, now=at(5))
    ended = event_end(organiser=organiser, event_id=paused.pk, now=at(6))
    assert ended.status == EventStatus.ENDED
    assert clock(paused) == (EventStatus.ENDED, 1, None, None)
    assert paused.paused_remaining is None
    with pytest.raises(EventError) as twice:
        event_end(organiser=organiser, event_id=paused.pk)
    assert twice.value.code == "conflict"
    with pytest.raises(EventError) as no_resume:
        event_resume(organiser=organiser, event_id=paused.pk)
    assert no_resume.value.code == "conflict"


@pytest.mark.django_db
def test_announce_validates_its_text(event: Event, organiser: Any) -> None:
    assert (
        event_announce(organiser=organiser, event_id=event.pk, text="  Welcome!  ").pk == event.pk
    )
    for bad in ("", "   ", "x" * 501):
        with pytest.raises(EventError) as refused:
            event_announce(organiser=organiser, event_id=event.pk, text=bad)
        assert (refused.value.code, refused.value.field) == ("bad_request", "text")
    event_announce(organiser=organiser, event_id=event.pk, text="x" * 500)
    event_start(organiser=organiser, event_id=event.pk, now=T0)
    event_end(organiser=organiser, event_id=event.pk, now=at(1))
    with pytest.raises(EventError) as ended:
        event_announce(organiser=organiser, event_id=event.pk, text="Too late")
    assert ended.value.code == "conflict"


# --- Who is planned ----------------------------------------------------------------------------


def seated_by_round(event: Event) -> dict[int, set[int]]:
    rounds: dict[int, set[int]] = {}
    for round_number, student in EventSeat.objects.filter(event=event).values_list(
        "round", "student_id"
    ):
        rounds.setdefault(round_number, set()).add(student)
    return rounds


@pytest.mark.django_db
def test_a_latecomer_is_seated_from_the_next_round_and_played_rounds_stay(
    event: Event, organiser: Any, make_user: Callable[..., Any]
) -> None:
    latecomer = make_user(role="student", birth_year=2010)
    no_show = make_user(role="student", birth_year=2010)
    for user in (latecomer, no_show):
        EventParticipant.objects.create(event=event, user=user, role=ParticipantRole.STUDENT)
    event_start(organiser=organiser, event_id=event.pk, now=T0)
    round_one = set(
        EventSeat.objects.filter(event=event, round=1).values_list("table_id", "student_id")
    )
    assert latecomer.pk not in seated_by_round(event)[1]

    # Checked in during round 1 (what participant_check_in writes).
    EventParticipant.objects.filter(event=event, user=latecomer).update(checked_in_at=at(30))
    clock_advance_due(now=at(300))  # round 1's break: the plan is not touched yet
    clock_advance_due(now=at(360))  # round 2's meeting: re-planned from round 2
    seated = seated_by_round(event)
    assert latecomer.pk not in seated[1]
    assert latecomer.pk in seated[2] and latecomer.pk in seated[3]
    assert no_show.pk not in set().union(*seated.values())
    assert (
        set(EventSeat.objects.filter(event=event, round=1).values_list("table_id", "student_id"))
        == round_one
    )


# --- Pushes -------------------------------------------------------------------------------------


class TopicListener:
    """A channel in the event topic's group, as a connected tab would be: reads each push as
    `user_id` would receive it (push_each_on_commit's per-user texts)."""

    def __init__(self, event: Event) -> None:
        self.layer = get_channel_layer()
        self.group = Topic.parse(event.topic).group
        self.channel = ""

    async def __aenter__(self) -> "TopicListener":
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(self.group, self.channel)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.layer.group_discard(self.group, self.channel)

    async def message(self, timeout: float = 5) -> dict[str, Any]:
        message: dict[str, Any] = await asyncio.wait_for(self.layer.receive(self.channel), timeout)
        assert message["type"] == PUSH_MESSAGE
        return message


def frame_for(message: dict[str, Any], user_id: int | None) -> dict[str, Any]:
    texts = message.get(TEXTS_KEY) or {}
    frame: dict[str, Any] = json.loads(texts.get(str(user_id), message["text"]))
    return frame


@pytest.fixture
async def _close_worker_connection() -> AsyncIterator[None]:
    yield
    await sync_to_async(connections.close_all)()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_close_worker_connection")
async def test_each_transition_pushes_its_frame(
    make_event: MakeEvent, organiser: Any, make_user: Callable[..., Any]
) -> None:
    pros = [await sync_to_async(make_user)(role="professional", verified=True) for _ in range(2)]
    pupils = [await sync_to_async(make_user)(role="student", birth_year=2010) for _ in range(5)]
    event = await sync_to_async(make_event)(
        professionals=pros, students=pupils, rounds=2, students_per_table=2
    )
    start = timezone.now()
    async with TopicListener(event) as listener:
        await sync_to_async(event_start)(organiser=organiser, event_id=event.pk, now=start)
        started = await listener.message()
        tables = await sync_to_async(
            lambda: {
                t.professional_id: t
                for t in EventTable.objects.filter(event=event, round=1).prefetch_related("seats")
            }
        )()
        sitting_out = {p.pk for p in pupils} - {
            seat.student_id for table in tables.values() for seat in table.seats.all()
        }
        assert len(sitting_out) == 1  # 5 students, 2 tables of 2
        ends = iso(start + dt.timedelta(seconds=300))
        for pro in pros:
            frame = frame_for(started, pro.pk)
            assert frame["type"] == "round.started"
            assert frame["topic"] == event.topic
            pairing = frame["data"]["pairing"]
            assert pairing["professional"]["id"] == pro.pk
            assert pairing["table"] == tables[pro.pk].table
            students = {s["id"] for s in pairing["students"]}
            assert students == {seat.student_id for seat in tables[pro.pk].seats.all()}
            for student in students:  # each student of the table gets the same pairing
                assert frame_for(started, student)["data"]["pairing"] == pairing
            assert frame["data"]["round"] == 1
            assert frame["data"]["phase_ends_at"] == ends
            assert frame["data"]["server_time"] == iso(start)
        for outsider in (*sitting_out, organiser.pk, None):
            assert frame_for(started, outsider)["data"] == {
                "round": 1,
                "phase_ends_at": ends,
                "server_time": iso(start),
                "pairing": None,
            }

        later = start + dt.timedelta(seconds=300)
        await sync_to_async(clock_advance_due)(now=later)
        brk = await listener.message()
        rest = frame_for(brk, organiser.pk)
        assert rest["type"] == "break.started"
        assert rest["data"] == {
            "round": 1,
            "phase_ends_at": iso(later + dt.timedelta(seconds=60)),
            "server_time": iso(later),
            "next": None,
        }
        coming = frame_for(brk, pros[0].pk)["data"]["next"]
        assert coming["round"] == 2 and coming["professional"]["id"] == pros[0].pk

        await sync_to_async(event_pause)(organiser=organiser, event_id=event.pk, now=later)
        paused = frame_for(await listener.message(), None)
        assert paused == {
            "type": "event.paused",
            "topic": event.topic,
            "data": {"remaining_seconds": 60},
        }
        resumed_at = later + dt.timedelta(seconds=10)
        await sync_to_async(event_resume)(organiser=organiser, event_id=event.pk, now=resumed_at)
        resumed = frame_for(await listener.message(), None)
        assert resumed["type"] == "event.resumed"
        assert resumed["data"] == {
            "phase_ends_at": iso(resumed_at + dt.timedelta(seconds=60)),
            "server_time": iso(resumed_at),
        }
        await sync_to_async(event_extend)(
            organiser=organiser, event_id=event.pk, seconds=30, now=resumed_at
        )
        extended = frame_for(await listener.message(), None)
        assert extended["type"] == "round.extended"
        assert extended["data"]["phase_ends_at"] == iso(resumed_at + dt.timedelta(seconds=90))
        assert extended["data"]["server_time"] == iso(resumed_at)

        await sync_to_async(event_announce)(
            organiser=organiser, event_id=event.pk, text=" Water at the bar "
        )
        announced = frame_for(await listener.message(), None)
        assert announced["type"] == "announcement"
        assert announced["data"] == {"text": "Water at the bar"}

        await sync_to_async(event_next)(organiser=organiser, event_id=event.pk, now=resumed_at)
        round_two = await listener.message()
        assert frame_for(round_two, pros[1].pk)["data"]["pairing"]["round"] == 2
        await sync_to_async(event_end)(organiser=organiser, event_id=event.pk, now=resumed_at)
        ended = frame_for(await listener.message(), None)
        assert ended["type"] == "event.ended"
        assert ended["data"] == {"server_time": iso(resumed_at)}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_close_worker_connection")
async def test_a_refused_control_pushes_nothing(event: Event, organiser: Any) -> None:
    async with TopicListener(event) as listener:
        with pytest.raises(EventError):
            await sync_to_async(event_pause)(organiser=organiser, event_id=event.pk)
        await sync_to_async(event_announce)(organiser=organiser, event_id=event.pk, text="First")
        # The announcement arrives first: the refused pause sent nothing before it.
        assert frame_for(await listener.message(), None)["data"] == {"text": "First"}
