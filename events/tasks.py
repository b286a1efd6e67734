"""The clock's drivers: Celery tasks (load by id, call one service), and the embedded mode's
stand-in for them in the server process.

In production each transition queues the task that ends the phase just begun, with an ETA at
its end (`clock_schedule`, registered as the clock's follow-up), and beat runs the catch-up
every 5 s for tasks that were lost or fired early (events/celery_schedule.py). A task that
comes twice, late or together with another finds the clock moved on and does nothing.

In the embedded mode tasks run eagerly, so an ETA would fire at once: none is queued. There
the channel layer lives in one process's memory, so a transition made in another process
(`manage.py run_event_clock`, which `make run` starts) would reach no socket. The server
process therefore ends the phases itself (`server_clock_ensure`, from the same follow-up: the
organiser's start and controls run in the server), and `run_event_clock` only catches up what
the server missed (phases overdue by CATCH_UP_LAG, e.g. after a server restart).
"""

import asyncio
import contextvars
import datetime as dt
import logging
import os
import weakref

from asgiref.sync import SyncToAsync
from celery import shared_task
from django.conf import settings
from django.db import transaction

from events.models import Event, EventStatus
from events.services.clock import clock_advance, clock_advance_due, register_clock_follow_up
from realtime.daphne_compat import daphne_serves
from realtime.db import database_sync_to_async

logger = logging.getLogger(__name__)

# How often the server process looks for phases that ran out (embedded mode).
SERVER_CLOCK_EVERY = 0.5
# How late a phase must be before `run_event_clock` ends it in the embedded mode, where the
# server's own clock ends it on time and only the server can push.
CATCH_UP_LAG = dt.timedelta(seconds=3)
_server_clocks: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task[None]]" = (
    weakref.WeakKeyDictionary()
)


@shared_task(acks_late=True)
def advance_event_clock(event_id: int, round: int, phase: str) -> bool:
    return clock_advance(event_id=event_id, round=round, phase=phase)


@shared_task
def advance_due_event_clocks() -> int:
    return clock_advance_due()


def clock_schedule(event: Event) -> bool:
    """After commit, queue the end of the live event's current phase (`advance_event_clock`
    with an ETA at `phase_ends_at`). Nothing in the eager, embedded mode, or when the clock is
    not running. Returns whether a task will be queued."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return False
    if event.status != EventStatus.LIVE or event.phase is None or event.phase_ends_at is None:
        return False
    args = (event.pk, event.round, str(event.phase))
    eta = event.phase_ends_at

    def queue_phase_end() -> None:
        advance_event_clock.apply_async(args, eta=eta)

    # A broker that cannot be reached is logged, not raised: the transition is committed, and
    # beat's catch-up ends the phase instead.
    transaction.on_commit(queue_phase_end, robust=True)
    return True


def pushes_stay_in_process() -> bool:
    """Whether the channel layer reaches this process's sockets only (the embedded mode's
    in-memory layer): then only the server process may move the clock on time."""
    backend: str = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    return backend.endswith(".InMemoryChannelLayer")


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The ASGI server's event loop when this thread is one of its sync threads (a request's,
    a topic handler's database call: asgiref records the loop there), else None."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop: asyncio.AbstractEventLoop | None = getattr(
        SyncToAsync.threadlocal, "main_event_loop", None
    )
    return loop if loop is not None and loop.is_running() else None


# The events this server process has run or served (embedded mode): its clock ends their
# phases only. Another embedded server on the same database (tests start several) keeps its
# own, since only the process that holds an event's sockets can push to them.
_served_events: set[int] = set()


async def _run_server_clock() -> None:
    while True:
        try:
            await database_sync_to_async(clock_advance_due)(event_ids=frozenset(_served_events))
        except Exception:
            logger.exception("the server's event clock failed a pass")
        await asyncio.sleep(SERVER_CLOCK_EVERY)


def _start_server_clock(loop: asyncio.AbstractEventLoop) -> None:
    task = _server_clocks.get(loop)
    if task is None or task.done():
        # A context of its own: the request that started it carries asgiref's executor for
        # that request, which is gone once the request ends.
        _server_clocks[loop] = loop.create_task(_run_server_clock(), context=contextvars.Context())
        logger.info("the event clock runs in this server process (embedded mode)")


def server_clock_ensure(event_id: int) -> bool:
    """In the embedded mode, from a sync thread of the server (daphne under `make run`), make
    sure the server's event loop ends the events' phases itself, every SERVER_CLOCK_EVERY s,
    so the clock's pushes reach the sockets. Returns whether the server's clock runs (or was
    asked to start): False in production, outside a server, or in a plain thread."""
    if not pushes_stay_in_process() or not (settings.LOCAL_RUN or daphne_serves()):
        return False
    loop = _server_loop()
    if loop is None:
        return False
    _served_events.add(event_id)
    loop.call_soon_threadsafe(_start_server_clock, loop, context=contextvars.Context())
    return True


@register_clock_follow_up
def _drive_phase_end(event: Event) -> None:
    clock_schedule(event)
    server_clock_ensure(event.pk)
