"""Concurrent triggers of the clock: threads, each with its own database connection, released
together at a barrier, ask for the same transition. Exactly one moves the clock; the phase log
holds one row per phase begun; nothing is skipped.

True parallel writers need PostgreSQL (DATABASE_URL): SQLite runs one writer at a time, where
these races would prove nothing, so they are skipped there (test_clock.py covers duplicated
and late triggers in both modes).
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from events.models import Event, EventPhaseLog, EventStatus
from events.services.clock import clock_advance, clock_advance_due, event_next, event_start
from tests.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)

T0 = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)
THREADS = 8


@pytest.fixture(autouse=True)
def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs parallel writers: SQLite runs one writer at a time; set DATABASE_URL to a "
            "PostgreSQL database (duplicated and late triggers are tested in test_clock.py)"
        )


@pytest.fixture
def event(make_event: Callable[..., Event], make_user: Callable[..., Any], organiser: Any) -> Event:
    made = make_event(
        professionals=[make_user(role="professional", verified=True) for _ in range(3)],
        students=[make_user(role="student", birth_year=2010) for _ in range(6)],
        rounds=3,
    )
    event_start(organiser=organiser, event_id=made.pk, now=T0)
    return made


def phases(event: Event) -> list[tuple[int, str]]:
    return list(
        EventPhaseLog.objects.filter(event=event)
        .order_by("started_at", "pk")
        .values_list("round", "phase")
    )


def test_the_same_trigger_from_many_workers_moves_the_clock_once(event: Event) -> None:
    due = T0 + dt.timedelta(seconds=300)
    results = race(
        [
            lambda: clock_advance(event_id=event.pk, round=1, phase="meeting", now=due)
            for _ in range(THREADS)
        ]
    )
    assert Counter(results) == Counter({True: 1, False: THREADS - 1}), results
    event.refresh_from_db()
    assert (event.round, event.phase) == (1, "break")
    assert phases(event) == [(1, "meeting"), (1, "break")]


def test_catch_up_passes_racing_each_other_skip_and_double_nothing(event: Event) -> None:
    # The servers were down for two hours: four catch-up passes (beat, loops) race. Round 1's
    # meeting ends once, and its break gets its full length from now: nobody loses a round.
    late = T0 + dt.timedelta(hours=2)
    results = race([lambda: clock_advance_due(now=late) for _ in range(4)])
    assert sorted(results) == [0, 0, 0, 1], results
    event.refresh_from_db()
    assert (event.status, event.round, event.phase) == (EventStatus.LIVE, 1, "break")
    assert event.phase_ends_at == late + dt.timedelta(seconds=60)
    assert phases(event) == [(1, "meeting"), (1, "break")]


def pass_at(now: dt.datetime) -> Callable[[], int]:
    def catch_up() -> int:
        return clock_advance_due(now=now)

    return catch_up


def test_step_by_step_racing_passes_make_each_phase_once(event: Event) -> None:
    """At each phase's end, four loops race for it (beat, the ETA task, run_event_clock, a
    second server's loop): the chain of phases comes out whole, in order, once each."""
    now = T0
    expected = [(1, "meeting")]
    for _step in range(5):
        event.refresh_from_db()
        assert event.phase_ends_at is not None
        now = event.phase_ends_at
        results = race([pass_at(now) for _ in range(4)])
        assert sorted(results) == [0, 0, 0, 1], results
        event.refresh_from_db()
        if event.status == EventStatus.LIVE:
            expected.append((event.round, str(event.phase)))
    assert event.status == EventStatus.ENDED
    assert (
        phases(event)
        == expected
        == [
            (1, "meeting"),
            (1, "break"),
            (2, "meeting"),
            (2, "break"),
            (3, "meeting"),
        ]
    )


def test_the_organisers_next_racing_the_eta_task_moves_one_phase(
    event: Event, organiser: Any
) -> None:
    due = T0 + dt.timedelta(seconds=300)
    calls: list[Callable[[], Any]] = [
        lambda: clock_advance(event_id=event.pk, round=1, phase="meeting", now=due)
        for _ in range(THREADS - 1)
    ]
    calls.append(lambda: event_next(organiser=organiser, event_id=event.pk, now=due).phase)
    results = race(calls)
    assert not [r for r in results if isinstance(r, BaseException)], results
    event.refresh_from_db()
    # Either "next" or a task ended round 1's meeting; the other found the break begun, and
    # "next" (which ends whatever phase is current) may have ended that too: never a skip.
    log = phases(event)
    assert log[:2] == [(1, "meeting"), (1, "break")]
    assert len(log) == len(set(log))
    assert log == [(1, "meeting"), (1, "break"), (2, "meeting")][: len(log)]
