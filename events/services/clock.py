"""The event clock: draft → live ⇄ paused → ended, and the phases of each round.

A round is a meeting (`round_seconds`), then a break (`break_seconds`; none when 0 or after the
last round); the event ends when the last round's meeting does. The clock is the event's row:
every transition locks it (`select_for_update`) and acts only if the (round, phase) it was
asked to end is still the current one, so a repeated, late or concurrent trigger (the ETA task,
beat's catch-up, the `run_event_clock` loop, the organiser's "next") finds the event moved on
and does nothing. The phase begun is recorded in EventPhaseLog, unique per (event, round,
phase): the database's word that no phase began twice.

What a transition announces goes out after commit, on the event's topic (protocol.md):
`round.started` carries each participant their own pairing in one group message.
"""

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from events.access import access_event_as_organiser
from events.errors import EventError
from events.models import (
    ANNOUNCEMENT_MAX_LENGTH,
    MAX_EXTEND_SECONDS,
    Event,
    EventParticipant,
    EventPhaseLog,
    EventStatus,
    ParticipantRole,
    Phase,
)
from events.payloads import event_state
from events.planning import participants_digest, plan_event_from
from events.selectors import pairings_by_user
from events.services.round_rooms import (
    rooms_end_after_commit,
    rooms_of_rounds_from,
    round_rooms_end_after_commit,
    round_rooms_end_stale,
    round_rooms_open,
    round_rooms_prepare_after_commit,
)
from realtime.broadcast import push_each_on_commit, push_on_commit

logger = logging.getLogger(__name__)

# A trigger this late (a busy worker, beat's 5 s) still starts the next phase when the last one
# ended, so rounds keep their length. Later than this (the server was down), the next phase
# starts now and gets its full length: nobody loses a round to the downtime.
ON_TIME_GRACE = dt.timedelta(seconds=10)

# `follow_up(event)`: called inside the transaction after the clock moved or changed its end
# (events.tasks queues the ETA task of the phase's end, after commit). Registered at import.
ClockFollowUp = Callable[[Event], None]
_FOLLOW_UPS: list[ClockFollowUp] = []


def register_clock_follow_up(follow_up: ClockFollowUp) -> ClockFollowUp:
    """Decorator: `follow_up(event)` runs whenever the event's phase or its end changed."""
    if follow_up not in _FOLLOW_UPS:
        _FOLLOW_UPS.append(follow_up)
    return follow_up


def _clock_changed(event: Event) -> None:
    for follow_up in list(_FOLLOW_UPS):
        follow_up(event)


def _timing(event: Event, now: dt.datetime) -> dict[str, Any]:
    state = event_state(event, now)
    return {"phase_ends_at": state["phase_ends_at"], "server_time": state["server_time"]}


def _push_round_started(event: Event, now: dt.datetime) -> None:
    data = {"round": event.round, **_timing(event, now), "pairing": None}
    pairings = pairings_by_user(event, event.round)
    by_user = {user_id: {**data, "pairing": pairing} for user_id, pairing in pairings.items()}
    push_each_on_commit(event.topic, "round.started", data, by_user)


def _push_break_started(event: Event, now: dt.datetime) -> None:
    # "next" (an addition to protocol.md): each participant's pairing of the coming round.
    data = {"round": event.round, **_timing(event, now), "next": None}
    upcoming = pairings_by_user(event, event.round + 1)
    by_user = {user_id: {**data, "next": pairing} for user_id, pairing in upcoming.items()}
    push_each_on_commit(event.topic, "break.started", data, by_user)


def _phase_logged(event: Event, *, round_number: int, phase: str, start: dt.datetime) -> bool:
    """Record the phase begun; False when it was begun already (nothing is changed then)."""
    try:
        with transaction.atomic():
            EventPhaseLog.objects.create(
                event=event, round=round_number, phase=phase, started_at=start
            )
    except IntegrityError:
        logger.info("event %s: %s of round %s began already", event.pk, phase, round_number)
        return False
    return True


def _enter(
    event: Event, *, round_number: int, phase: str, start: dt.datetime, now: dt.datetime
) -> None:
    """Make the locked, live event's current phase (round, phase), begun at `start`, and
    announce it. The phase's log row is written already."""
    if (
        phase == Phase.MEETING
        and round_number > 1
        and participants_digest(event) != event.planned_for
    ):
        # Someone checked in late (or was un-checked): re-plan the rounds still to play.
        replaced = rooms_of_rounds_from(event=event, round_number=round_number)
        plan_event_from(event=event, from_round=round_number)
        rooms_end_after_commit(replaced)
    seconds = event.round_seconds if phase == Phase.MEETING else event.break_seconds
    event.round = round_number
    event.phase = phase
    event.phase_ends_at = start + dt.timedelta(seconds=seconds)
    event.paused_remaining = None
    event.save(
        update_fields=[
            "status",
            "started_at",
            "round",
            "phase",
            "phase_ends_at",
            "paused_remaining",
        ]
    )
    if phase == Phase.MEETING:
        round_rooms_open(event=event, round_number=round_number, now=start)
        _push_round_started(event, now)
        if round_number < event.rounds:
            round_rooms_prepare_after_commit(event=event, round_number=round_number + 1)
    else:
        _push_break_started(event, now)
    _clock_changed(event)


def _end(event: Event, *, now: dt.datetime) -> None:
    """End the locked event: everyone hears `event.ended`, then its open rooms end."""
    event.status = EventStatus.ENDED
    event.phase = None
    event.phase_ends_at = None
    event.paused_remaining = None
    event.ended_at = now
    event.save(update_fields=["status", "phase", "phase_ends_at", "paused_remaining", "ended_at"])
    push_on_commit(
        event.topic, "event.ended", {"server_time": event_state(event, now)["server_time"]}
    )
    round_rooms_end_after_commit(event=event, round_number=None)
    _clock_changed(event)


def _advance(event: Event, *, now: dt.datetime, forced: bool) -> bool:
    """Move the locked, live event from its current phase to the next one (or end it)."""
    ends_at = event.phase_ends_at
    on_time = not forced and ends_at is not None and now - ends_at <= ON_TIME_GRACE
    start = ends_at if on_time and ends_at is not None else now
    current_round = event.round
    if event.phase == Phase.MEETING and current_round >= event.rounds:
        _end(event, now=now)
        return True
    if event.phase == Phase.MEETING and event.break_seconds > 0:
        next_round, next_phase = current_round, Phase.BREAK
    else:
        next_round, next_phase = current_round + 1, Phase.MEETING
    if not _phase_logged(event, round_number=next_round, phase=next_phase, start=start):
        return False
    was_meeting = event.phase == Phase.MEETING
    _enter(event, round_number=next_round, phase=next_phase, start=start, now=now)
    if was_meeting:
        # After the commit and the new phase's pushes: the pairings go out first.
        round_rooms_end_after_commit(event=event, round_number=current_round)
    return True


def clock_advance(
    *,
    event_id: int,
    round: int,  # the name the spec and the task's arguments use
    phase: str,
    now: dt.datetime | None = None,
    force: bool = False,
) -> bool:
    """End the phase (`round`, `phase`) of a live event and begin the next one (or end the
    event after the last meeting), if that phase is still the current one and has run out at
    `now` (or `force`: the organiser's "next"). Returns whether the clock moved.

    Idempotent and safe to race: the row lock serialises triggers, the (round, phase) check
    turns every trigger but the first into a no-op, and the unique EventPhaseLog row would
    refuse a phase begun twice.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if event is None or event.status != EventStatus.LIVE:
            return False
        if event.round != round or event.phase != phase:
            return False
        if not force and (event.phase_ends_at is None or event.phase_ends_at > now):
            return False
        return _advance(event, now=now, forced=force)


def clock_advance_due(
    *,
    now: dt.datetime | None = None,
    overdue: dt.timedelta = dt.timedelta(0),
    event_ids: frozenset[int] | None = None,
) -> int:
    """Advance every live event whose phase has run out, one phase per event and pass, each
    transition in its own transaction; passes repeat while an event moved and is due again
    (a phase shorter than the delay). `overdue`: only phases that ran out at least that long
    ago (a catch-up that leaves the on-time ones to another driver). `event_ids`: only
    those events (an embedded server's own). Returns how many transitions were made."""
    now = now or timezone.now()
    moved_total = 0
    while True:
        rows = Event.objects.filter(status=EventStatus.LIVE, phase_ends_at__lte=now - overdue)
        if event_ids is not None:
            rows = rows.filter(pk__in=event_ids)
        due = list(rows.order_by("phase_ends_at", "pk").values_list("pk", "round", "phase"))
        moved = 0
        for event_id, round_number, phase in due:
            if phase is None:
                continue
            try:
                moved += clock_advance(event_id=event_id, round=round_number, phase=phase, now=now)
            except Exception:
                # One broken event must not stop the others' clocks.
                logger.exception("event %s: the clock could not advance", event_id)
        moved_total += moved
        if not moved:
            try:
                round_rooms_end_stale(now=now)
            except Exception:
                logger.exception("the rooms of rounds that are over could not be ended")
            return moved_total


# --- The organiser's controls -----------------------------------------------------------------


def _conflict(event: Event) -> EventError:
    if event.status == EventStatus.DRAFT:
        return EventError("conflict", _("This event has not started yet."))
    if event.status == EventStatus.ENDED:
        return EventError("conflict", _("This event has ended."))
    if event.status == EventStatus.PAUSED:
        return EventError("conflict", _("This event is paused."))
    return EventError("conflict", _("This event is running already."))


def event_start(*, organiser: User, event_id: int | str, now: dt.datetime | None = None) -> Event:
    """Start a draft event: plan every round with the checked-in participants and begin
    round 1's meeting (its rooms open online; each participant receives their pairing).

    Raises EventError `not_found` / `forbidden` (access), `conflict` unless the event is a
    draft, or without at least one checked-in professional and one checked-in student.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = access_event_as_organiser(user=organiser, event_id=event_id, for_update=True)
        if event.status != EventStatus.DRAFT:
            raise _conflict(event)
        present = EventParticipant.objects.filter(
            event=event, checked_in_at__isnull=False
        ).aggregate(
            professionals=Count("pk", filter=Q(role=ParticipantRole.PROFESSIONAL)),
            students=Count("pk", filter=Q(role=ParticipantRole.STUDENT)),
        )
        if not present["professionals"]:
            raise EventError(
                "conflict", _("Check in at least one professional before starting the event.")
            )
        if not present["students"]:
            raise EventError(
                "conflict", _("Check in at least one student before starting the event.")
            )
        plan_event_from(event=event, from_round=1)
        if not _phase_logged(event, round_number=1, phase=Phase.MEETING, start=now):
            raise _conflict(event)
        event.status = EventStatus.LIVE
        event.started_at = now
        _enter(event, round_number=1, phase=Phase.MEETING, start=now, now=now)
    return event


def _controlled(organiser: User, event_id: int | str) -> Event:
    return access_event_as_organiser(user=organiser, event_id=event_id, for_update=True)


def event_pause(*, organiser: User, event_id: int | str, now: dt.datetime | None = None) -> Event:
    """Stop the clock of a live event, keeping what is left of the phase; everyone hears
    `event.paused` `{"remaining_seconds"}`. Raises EventError `conflict` unless live."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _controlled(organiser, event_id)
        if event.status != EventStatus.LIVE:
            raise _conflict(event)
        ends_at = event.phase_ends_at or now
        event.paused_remaining = max(0.0, (ends_at - now).total_seconds())
        event.status = EventStatus.PAUSED
        event.phase_ends_at = None
        event.save(update_fields=["status", "phase_ends_at", "paused_remaining"])
        push_on_commit(
            event.topic, "event.paused", {"remaining_seconds": round(event.paused_remaining, 3)}
        )
    return event


def event_resume(*, organiser: User, event_id: int | str, now: dt.datetime | None = None) -> Event:
    """Restart a paused event's clock with the time that was left; everyone hears
    `event.resumed` `{"phase_ends_at", "server_time"}`. Raises `conflict` unless paused."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _controlled(organiser, event_id)
        if event.status != EventStatus.PAUSED:
            raise _conflict(event)
        event.status = EventStatus.LIVE
        event.phase_ends_at = now + dt.timedelta(seconds=event.paused_remaining or 0.0)
        event.paused_remaining = None
        event.save(update_fields=["status", "phase_ends_at", "paused_remaining"])
        push_on_commit(event.topic, "event.resumed", _timing(event, now))
        _clock_changed(event)
    return event


def event_next(*, organiser: User, event_id: int | str, now: dt.datetime | None = None) -> Event:
    """End the current phase of a live event now and begin the next one (or end the event
    after the last meeting). Raises `conflict` unless live (resume a paused event first)."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _controlled(organiser, event_id)
        if event.status != EventStatus.LIVE:
            raise _conflict(event)
        _advance(event, now=now, forced=True)
    return event


def event_end(*, organiser: User, event_id: int | str, now: dt.datetime | None = None) -> Event:
    """End a live or paused event now: its rooms end, everyone hears `event.ended`. Raises
    `conflict` for a draft (nothing to end) or an event that has ended."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _controlled(organiser, event_id)
        if event.status not in (EventStatus.LIVE, EventStatus.PAUSED):
            raise _conflict(event)
        _end(event, now=now)
    return event


def event_extend(
    *, organiser: User, event_id: int | str, seconds: int, now: dt.datetime | None = None
) -> Event:
    """Add `seconds` (1..MAX_EXTEND_SECONDS) to the current phase of a live or paused event;
    everyone hears `round.extended` `{"phase_ends_at", "server_time", "remaining_seconds"}`
    (`phase_ends_at` null while paused). Raises `bad_request` (field `seconds`) outside the
    range and `conflict` for a draft or ended event."""
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise EventError("bad_request", _("Give a whole number of seconds."), field="seconds")
    if not 1 <= seconds <= MAX_EXTEND_SECONDS:
        raise EventError(
            "bad_request",
            _("A phase can be extended by 1 to %(max)d seconds.") % {"max": MAX_EXTEND_SECONDS},
            field="seconds",
        )
    now = now or timezone.now()
    with transaction.atomic():
        event = _controlled(organiser, event_id)
        if event.status == EventStatus.LIVE and event.phase_ends_at is not None:
            event.phase_ends_at += dt.timedelta(seconds=seconds)
            remaining = (event.phase_ends_at - now).total_seconds()
            event.save(update_fields=["phase_ends_at"])
        elif event.status == EventStatus.PAUSED:
            event.paused_remaining = (event.paused_remaining or 0.0) + seconds
            remaining = event.paused_remaining
            event.save(update_fields=["paused_remaining"])
        else:
            raise _conflict(event)
        push_on_commit(
            event.topic,
            "round.extended",
            {**_timing(event, now), "remaining_seconds": round(max(0.0, remaining), 3)},
        )
        _clock_changed(event)
    return event


def event_announce(*, organiser: User, event_id: int | str, text: str) -> Event:
    """Send `announcement` `{"text"}` to everyone on the event's topic (before, during or
    after a pause; not once ended). Raises `bad_request` (field `text`) for an empty text or
    one over ANNOUNCEMENT_MAX_LENGTH characters after trimming, `conflict` once ended."""
    body = text.strip() if isinstance(text, str) else ""
    if not body:
        raise EventError("bad_request", _("Write the announcement first."), field="text")
    if len(body) > ANNOUNCEMENT_MAX_LENGTH:
        raise EventError(
            "bad_request",
            _("An announcement holds at most %(max)d characters.")
            % {"max": ANNOUNCEMENT_MAX_LENGTH},
            field="text",
        )
    with transaction.atomic():
        event = _controlled(organiser, event_id)
        if event.status == EventStatus.ENDED:
            raise _conflict(event)
        push_on_commit(event.topic, "announcement", {"text": body})
    return event
