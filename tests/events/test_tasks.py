"""The clock's drivers: the ETA task queued after each transition (with the Redis broker,
never in the eager mode), the tasks themselves, beat's catch-up and `run_event_clock`."""

import asyncio
import base64
import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from events import tasks
from events.models import Event, EventStatus
from events.services.clock import event_extend, event_pause, event_resume, event_start

MakeEvent = Callable[..., Event]
QUEUE = "celery"  # Celery's default queue: a list in the broker's Redis database


@pytest.fixture
def event(make_event: MakeEvent, make_user: Callable[..., Any]) -> Event:
    return make_event(
        professionals=[make_user(role="professional", verified=True) for _ in range(2)],
        students=[make_user(role="student", birth_year=2010) for _ in range(2)],
        rounds=2,
    )


def iso(value: dt.datetime) -> str:
    return value.isoformat()


# --- The ETA task in the broker ---------------------------------------------------------------


def waiting(client: redis.Redis) -> set[str]:
    """The messages in the queue (the client decodes them to text)."""
    return {str(raw) for raw in client.lrange(QUEUE, 0, -1)}


class Broker:
    """The broker's queue as this test left it: messages already there are not the test's
    (other tests commit transitions too, and no worker takes their tasks)."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.before = waiting(client)

    def clock_tasks(self, event: Event) -> list[tuple[list[Any], str]]:
        """(args, eta) of the advance_event_clock messages of `event` queued since, oldest
        first."""
        found = []
        for raw in self.client.lrange(QUEUE, 0, -1):
            if raw in self.before:
                continue
            message = json.loads(raw)
            headers = message["headers"]
            if headers["task"] != "events.tasks.advance_event_clock":
                continue
            args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
            if args[0] == event.pk:
                found.append((args, headers["eta"]))
        return list(reversed(found))  # LPUSH: the newest first


@pytest.fixture
def broker(settings: Any) -> Iterator[Broker]:
    """The Redis broker of the production mode (REDIS_URL), the tasks not run eagerly: what
    is queued waits in Redis for a worker (none runs here). The test's own messages are taken
    out again at the end."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs the Redis broker: set REDIS_URL (the embedded mode queues no ETA task)")
    from config.celery import app

    assert app.conf.broker_url == url == django_settings.CELERY_BROKER_URL
    previous = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    queue = Broker(redis.Redis.from_url(url, decode_responses=True))
    yield queue
    for raw in waiting(queue.client) - queue.before:
        queue.client.lrem(QUEUE, 0, raw)
    app.conf.task_always_eager = previous


@pytest.mark.django_db
def test_each_transition_queues_the_end_of_its_phase_with_an_eta(
    broker: Broker,
    event: Event,
    organiser: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        event_start(organiser=organiser, event_id=event.pk, now=now)
    ends = now + dt.timedelta(seconds=300)
    assert broker.clock_tasks(event) == [([event.pk, 1, "meeting"], iso(ends))]

    with django_capture_on_commit_callbacks(execute=True):
        event_extend(organiser=organiser, event_id=event.pk, seconds=30, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        event_pause(organiser=organiser, event_id=event.pk, now=now)  # no end to queue
    with django_capture_on_commit_callbacks(execute=True):
        event_resume(organiser=organiser, event_id=event.pk, now=now + dt.timedelta(seconds=5))
    assert broker.clock_tasks(event) == [
        ([event.pk, 1, "meeting"], iso(ends)),
        ([event.pk, 1, "meeting"], iso(ends + dt.timedelta(seconds=30))),
        ([event.pk, 1, "meeting"], iso(ends + dt.timedelta(seconds=35))),
    ]


@pytest.mark.django_db
def test_nothing_is_queued_when_the_transaction_rolls_back(
    broker: Broker, event: Event, organiser: Any
) -> None:
    # Without commit (this test's transaction is rolled back), no task reaches the broker.
    event_start(organiser=organiser, event_id=event.pk)
    assert broker.clock_tasks(event) == []


@pytest.mark.django_db
def test_the_eager_mode_queues_no_eta_task(
    settings: Any, event: Event, organiser: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[Any] = []
    monkeypatch.setattr(
        tasks.advance_event_clock, "apply_async", lambda *a, **k: sent.append((a, k))
    )
    settings.CELERY_TASK_ALWAYS_EAGER = True
    started = event_start(organiser=organiser, event_id=event.pk)
    assert tasks.clock_schedule(started) is False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert tasks.clock_schedule(started) is True
    event_pause(organiser=organiser, event_id=event.pk)
    started.refresh_from_db()
    assert tasks.clock_schedule(started) is False  # paused: no end to wait for
    assert sent == []  # queued after commit only, and this test's transaction never commits


# --- The tasks and the loop -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_eta_task_ends_its_phase_once(event: Event, organiser: Any) -> None:
    event_start(
        organiser=organiser, event_id=event.pk, now=timezone.now() - dt.timedelta(minutes=6)
    )
    args = (event.pk, 1, "meeting")
    assert tasks.advance_event_clock.apply(args=args).get() is True
    assert tasks.advance_event_clock.apply(args=args).get() is False  # a duplicate
    event.refresh_from_db()
    assert (event.round, event.phase) == (1, "break")


@pytest.mark.django_db
def test_beats_catch_up_task_advances_what_is_due(event: Event, organiser: Any) -> None:
    event_start(organiser=organiser, event_id=event.pk, now=timezone.now() - dt.timedelta(hours=1))
    assert tasks.advance_due_event_clocks.apply().get() == 1
    assert tasks.advance_due_event_clocks.apply().get() == 0
    entry = django_settings.CELERY_BEAT_SCHEDULE["events-advance-due-clocks"]
    assert entry == {"task": "events.tasks.advance_due_event_clocks", "schedule": 5.0}
    from config.celery import app

    assert entry["task"] in app.tasks


@pytest.mark.django_db
def test_run_event_clock_advances_due_events_and_says_so(event: Event, organiser: Any) -> None:
    event_start(organiser=organiser, event_id=event.pk, now=timezone.now() - dt.timedelta(hours=1))
    out = StringIO()
    call_command("run_event_clock", stdout=out)
    assert out.getvalue().strip() == "Advanced 1 event phase(s)."
    quiet = StringIO()
    call_command("run_event_clock", stdout=quiet)
    assert quiet.getvalue() == ""
    event.refresh_from_db()
    assert (event.status, event.round, event.phase) == (EventStatus.LIVE, 1, "break")


# --- The embedded mode: the server ends the phases, the loop only catches up ------------------

IN_MEMORY = {
    "default": {
        "BACKEND": "channels.layers.InMemoryChannelLayer",
        "CONFIG": {"capacity": 10_000, "expiry": 120},
    }
}


@pytest.mark.django_db
def test_run_event_clock_leaves_on_time_phases_to_the_server_in_embedded_mode(
    settings: Any, event: Event, organiser: Any
) -> None:
    settings.CHANNEL_LAYERS = IN_MEMORY
    assert tasks.pushes_stay_in_process()
    event_start(
        organiser=organiser, event_id=event.pk, now=timezone.now() - dt.timedelta(minutes=5)
    )
    Event.objects.filter(pk=event.pk).update(phase_ends_at=timezone.now() - dt.timedelta(seconds=1))
    quiet = StringIO()
    call_command("run_event_clock", stdout=quiet)
    assert quiet.getvalue() == ""  # on time: the server's own clock ends it and pushes
    Event.objects.filter(pk=event.pk).update(phase_ends_at=timezone.now() - tasks.CATCH_UP_LAG)
    out = StringIO()
    call_command("run_event_clock", stdout=out)
    assert out.getvalue().strip() == "Advanced 1 event phase(s)."  # missed: caught up


def test_the_servers_clock_starts_only_in_a_servers_thread_in_embedded_mode(
    settings: Any,
) -> None:
    settings.CHANNEL_LAYERS = IN_MEMORY
    settings.LOCAL_RUN = True
    assert tasks.server_clock_ensure(1) is False  # no server loop in this thread
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": {}}
    }
    assert not tasks.pushes_stay_in_process()


@pytest.mark.django_db(transaction=True)
async def test_the_servers_clock_ends_a_phase_and_its_push_reaches_the_topic(
    settings: Any, make_event: MakeEvent, make_user: Callable[..., Any], organiser: Any
) -> None:
    """As under `make run` in the embedded mode: a control made in a thread of the server's
    loop starts the loop's own clock, which ends the phase when it runs out and pushes in
    this process (the in-memory layer)."""
    from asgiref.sync import sync_to_async
    from django.db import connections

    from tests.events.test_clock import TopicListener, frame_for

    settings.CHANNEL_LAYERS = IN_MEMORY
    settings.LOCAL_RUN = True
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded mode: no ETA task
    pros = [await sync_to_async(make_user)(role="professional", verified=True) for _ in range(2)]
    pupils = [await sync_to_async(make_user)(role="student", birth_year=2010) for _ in range(2)]
    event = await sync_to_async(make_event)(professionals=pros, students=pupils, rounds=2)
    try:
        async with TopicListener(event) as listener:
            # sync_to_async's thread records this loop, as the server's request threads do.
            await sync_to_async(event_start)(organiser=organiser, event_id=event.pk)
            assert frame_for(await listener.message(), None)["type"] == "round.started"
            loop = asyncio.get_running_loop()
            assert loop in tasks._server_clocks
            await sync_to_async(
                lambda: Event.objects.filter(pk=event.pk).update(
                    phase_ends_at=timezone.now() - dt.timedelta(seconds=1)
                )
            )()
            brk = frame_for(await listener.message(timeout=10), None)
            assert brk["type"] == "break.started"
            assert brk["data"]["round"] == 1
    finally:
        task = tasks._server_clocks.pop(asyncio.get_running_loop(), None)
        if task is not None:
            task.cancel()
        await sync_to_async(connections.close_all)()
