"""What the participants' pages read: their events by state, the live page's present (state,
pairing, next pairing, rounds sat) and the words its script needs.

The live page is rendered from the same values the `event:` topic's join reply carries
(events/handlers.py), so it is right before the socket connects and the script takes over
from there without a jump.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from events.models import (
    Event,
    EventFeedback,
    EventParticipant,
    EventSeat,
    EventStatus,
    EventWish,
    ParticipantRole,
)
from events.payloads import event_state
from events.selectors import current_pairing_for, next_pairing_for

LIVE_STATUSES = (EventStatus.LIVE, EventStatus.PAUSED)


@dataclass
class EventGroups:
    """A person's events, split the way the index shows them."""

    live: list[Event] = field(default_factory=list)
    upcoming: list[Event] = field(default_factory=list)
    past: list[Event] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.live or self.upcoming or self.past)


def _grouped(events: QuerySet[Event]) -> EventGroups:
    groups = EventGroups()
    for event in events:
        if event.status in LIVE_STATUSES:
            groups.live.append(event)
        elif event.status == EventStatus.DRAFT:
            groups.upcoming.append(event)
        else:
            groups.past.append(event)
    groups.past.reverse()  # the latest first
    return groups


def participant_events(*, user: User) -> EventGroups:
    """The events `user` takes part in (as a student or a professional)."""
    ids = EventParticipant.objects.filter(user=user).values("event_id")
    return _grouped(Event.objects.filter(pk__in=ids).order_by("starts_at", "pk"))


def organised_events(*, user: User) -> EventGroups:
    return _grouped(Event.objects.filter(organiser=user).order_by("starts_at", "pk"))


@dataclass(frozen=True)
class RoundSat:
    """A meeting a student had: the round, whom they met, whether they rated it."""

    round: int
    professional: User
    rated: bool


def rounds_sat(*, event: Event, student: User) -> list[RoundSat]:
    """The rounds `student` sat whose meeting has begun, in order."""
    if event.status == EventStatus.DRAFT:
        return []
    seats = (
        EventSeat.objects.filter(event=event, student=student, round__lte=event.round)
        .select_related("table__professional")
        .order_by("round")
    )
    rated = set(
        EventFeedback.objects.filter(event=event, student=student).values_list("round", flat=True)
    )
    return [
        RoundSat(round=seat.round, professional=seat.table.professional, rated=seat.round in rated)
        for seat in seats
    ]


def wishes_of(*, event: Event, student: User) -> list[EventWish]:
    return list(EventWish.objects.filter(event=event, student=student).select_related("sector"))


def room_id_of(pairing: dict[str, Any] | None) -> int | None:
    """The room id of a pairing's `room` topic ("room:12" -> 12), None in person."""
    topic = (pairing or {}).get("room") or ""
    kind, _sep, number = topic.partition(":")
    return int(number) if kind == "room" and number.isdigit() else None


def live_present(
    *, event: Event, participant: EventParticipant, now: dt.datetime
) -> dict[str, Any]:
    """The live page's present, as the join reply gives it: `state`, `pairing` (the current
    round's, None when sitting out or outside the live rounds), `next` (the following round's,
    as planned now) and `role`."""
    state = event_state(event, now)
    pairing = current_pairing_for(event, participant.user_id)
    upcoming = next_pairing_for(event, participant.user_id)
    if event.status == EventStatus.PAUSED and event.paused_remaining is not None:
        state["remaining_seconds"] = round(event.paused_remaining)
    return {"state": state, "pairing": pairing, "next": upcoming, "role": participant.role}


def duration_text(seconds: int) -> str:
    """ "2 min", "1 min 30 s", "45 s": a phase's length, short."""
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return _("%(seconds)s s") % {"seconds": rest}
    if not rest:
        return _("%(minutes)s min") % {"minutes": minutes}
    return _("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": rest}


def stage_of(present: dict[str, Any]) -> str:
    """Which of the page's faces shows: before, meeting, sitout, break or ended (a pause keeps
    the face of the phase it stopped; the page marks it paused on top)."""
    state = present["state"]
    if state["status"] == EventStatus.DRAFT:
        return "before"
    if state["status"] == EventStatus.ENDED:
        return "ended"
    if state["phase"] == "break":
        return "break"
    return "meeting" if present["pairing"] else "sitout"


def remaining_seconds(*, event: Event, now: dt.datetime) -> int | None:
    """Whole seconds left in the current phase (frozen while paused), None outside one."""
    if event.status == EventStatus.PAUSED and event.paused_remaining is not None:
        return max(0, round(event.paused_remaining))
    if event.status == EventStatus.LIVE and event.phase_ends_at is not None:
        return max(0, int((event.phase_ends_at - now).total_seconds() + 0.999))
    return None


def clock_text(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes, rest = divmod(seconds, 60)
    return f"{minutes:02d}:{rest:02d}"


def page_text(*, event: Event, role: str) -> dict[str, Any]:
    """The live page script's words, in the page's language and the reader's register."""
    student = role == ParticipantRole.STUDENT
    return {
        "round_of": _("Round %(round)s of %(rounds)s"),
        "break": _("Break"),
        "paused": _("Paused"),
        "not_started": _("Not started yet"),
        "ended": _("Event over"),
        "meet_headline": _("You're meeting") if student else _("At your table"),
        "sit_out": (
            _("You sit this round out. Stay close: you're in the next one.")
            if student
            else _("No student at your table this round.")
        ),
        "break_headline": _("Break"),
        "break_text": _("The next round starts when the countdown ends."),
        "paused_headline": _("Paused"),
        "ended_headline": _("Thank you!"),
        "ended_text": (
            _("The event is over. Thanks for taking part!")
            if student
            else _("The event is over. Thank you for your time with the students!")
        ),
        "waiting": _("Waiting for the organiser to start"),
        "table": _("Table %(table)s"),
        "with_you": _("At the table with you:"),
        "your_meetings": _("Your meetings"),
        "round_name": _("Round %(round)s: %(name)s"),
        "rated": _("Rated"),
        "give_feedback": _("Give my feedback"),
        "sr_ends_at": _("This phase ends at %(time)s."),
        "students_at_table": _("Students at your table"),
        "room_title": _("Video room of round %(round)s"),
        "room_missing": _("The video room could not be opened. Tell the organiser."),
        "left_meeting": _("left in this meeting"),
        "left_break": _("left in the break"),
        "left_paused": _("left, paused"),
        "next_title": _("Next"),
        # The break's length is the event's, filled in here; the script fills the round.
        "next_break": _("A break of %(duration)s, then round %%(round)s.")
        % {"duration": duration_text(event.break_seconds)},
        "next_round": _("Round %(round)s."),
        "next_last": _("This is the last round."),
        "next_pairing_student": _("You'll meet %(name)s"),
        "next_pairing_professional": _("At your table: %(names)s"),
        "next_table": _("table %(table)s"),
        "next_sit_out": (
            _("Next round: you sit out.") if student else _("Next round: no student at your table.")
        ),
        "feedback_title": _("How was your meeting with %(name)s?"),
        "sr_meeting": _("Round %(round)s started. %(who)s. It ends at %(time)s."),
        "sr_break": _("Break. The next round starts at %(time)s."),
        "sr_paused": _("The event is paused."),
        "sr_resumed": _("The event resumes. This phase ends at %(time)s."),
        "sr_ended": _("The event is over."),
        "sr_sit_out": _("No meeting this round"),
        "announcement": _("Announcement from the organiser"),
        "no_students": _("No student"),
    }
