"""Setting an event up: create and edit it, students joining with its code, and the planner's
inputs (forbidden pairs, students' wishes). Adding, removing and checking in people is
events/services/participants.py (re-exported here).

Every write runs in a transaction holding the event row's lock (`select_for_update`), the
lock the clock takes too: who takes part never changes half-way through a round start, and two
adds of the same person meet the unique constraint after the first one's check. A refusal is an
`EventError` raised before anything is written.
"""

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.parsers import bad_text_message, text_is_clean
from events.access import access_event, access_event_as_organiser, require_organiser_role
from events.errors import EventError
from events.models import (
    MAX_BREAK_SECONDS,
    MAX_ROUND_SECONDS,
    MAX_ROUNDS,
    MAX_STUDENTS_PER_TABLE,
    MAX_WISHES,
    MIN_ROUND_SECONDS,
    TITLE_MAX_LENGTH,
    VENUE_MAX_LENGTH,
    Event,
    EventMode,
    EventParticipant,
    EventStatus,
    EventWish,
    ForbiddenPair,
    ParticipantRole,
)
from events.services.participants import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    ImportReport,
    not_ended,
    participant_add,
    participant_check_in,
    participant_remove,
    participants_import,
)
from gallery.models import Sector

# The people's services live in events/services/participants.py; callers know them here too.
__all__ = [
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "ImportReport",
    "event_create",
    "event_join_with_code",
    "event_update",
    "forbidden_pair_add",
    "forbidden_pair_remove",
    "participant_add",
    "participant_check_in",
    "participant_remove",
    "participants_import",
    "wishes_set",
]

# A start a little in the past is "now" typed slowly (as rooms allow); further back is a mistake.
PAST_START_GRACE = dt.timedelta(minutes=5)
# No look-alikes (0/O, 1/I/L): the code is read aloud and copied from a projected slide.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 10
JOIN_CODE_ATTEMPTS = 8

EVENT_FIELDS = frozenset(
    {
        "title",
        "starts_at",
        "mode",
        "venue",
        "rounds",
        "round_seconds",
        "break_seconds",
        "students_per_table",
    }
)


def join_code_new() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def join_code_normalise(code: str) -> str:
    """A typed code as stored: upper case, without the spaces or dashes people add."""
    return "".join(code.split()).replace("-", "").upper()


def _whole(value: Any, *, low: int, high: int, name: str, message: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise EventError("bad_request", message, field=name)
    return value


def _clean_fields(values: dict[str, Any], *, now: dt.datetime, check_start: bool) -> dict[str, Any]:
    """The event's settings checked against the rules of api.md; EventError `bad_request`
    naming the first field at fault."""
    title = str(values["title"]).strip()
    if not title:
        raise EventError("bad_request", _("Give the event a title."), field="title")
    if len(title) > TITLE_MAX_LENGTH:
        raise EventError(
            "bad_request",
            _("The title may be at most %(max)d characters long.") % {"max": TITLE_MAX_LENGTH},
            field="title",
        )
    if not text_is_clean(title):
        raise EventError("bad_request", bad_text_message(), field="title")
    starts_at = values["starts_at"]
    if not isinstance(starts_at, dt.datetime) or timezone.is_naive(starts_at):
        raise EventError(
            "bad_request",
            _("Give the start as a date and time with its offset."),
            field="starts_at",
        )
    if check_start and starts_at < now - PAST_START_GRACE:
        raise EventError("bad_request", _("The start is in the past."), field="starts_at")
    mode = values["mode"]
    if mode not in EventMode.values:
        raise EventError("bad_request", _("Choose online or in person."), field="mode")
    venue = str(values.get("venue") or "").strip()
    if len(venue) > VENUE_MAX_LENGTH:
        raise EventError(
            "bad_request",
            _("The venue may be at most %(max)d characters long.") % {"max": VENUE_MAX_LENGTH},
            field="venue",
        )
    if not text_is_clean(venue):
        raise EventError("bad_request", bad_text_message(), field="venue")
    if mode == EventMode.IN_PERSON and not venue:
        raise EventError("bad_request", _("An in-person event needs a venue."), field="venue")
    return {
        "title": title,
        "starts_at": starts_at,
        "mode": mode,
        "venue": venue,
        "rounds": _whole(
            values["rounds"],
            low=1,
            high=MAX_ROUNDS,
            name="rounds",
            message=_("An event has 1 to %(max)d rounds.") % {"max": MAX_ROUNDS},
        ),
        "round_seconds": _whole(
            values["round_seconds"],
            low=MIN_ROUND_SECONDS,
            high=MAX_ROUND_SECONDS,
            name="round_seconds",
            message=_("A round lasts %(min)d to %(max)d seconds.")
            % {"min": MIN_ROUND_SECONDS, "max": MAX_ROUND_SECONDS},
        ),
        "break_seconds": _whole(
            values["break_seconds"],
            low=0,
            high=MAX_BREAK_SECONDS,
            name="break_seconds",
            message=_("A break lasts 0 to %(max)d seconds.") % {"max": MAX_BREAK_SECONDS},
        ),
        "students_per_table": _whole(
            values["students_per_table"],
            low=1,
            high=MAX_STUDENTS_PER_TABLE,
            name="students_per_table",
            message=_("A table seats 1 to %(max)d students.") % {"max": MAX_STUDENTS_PER_TABLE},
        ),
    }


def event_create(
    *,
    organiser: User,
    title: str,
    starts_at: dt.datetime,
    mode: str,
    venue: str = "",
    rounds: int,
    round_seconds: int,
    break_seconds: int,
    students_per_table: int,
    now: dt.datetime | None = None,
) -> Event:
    """A new event in draft, run by `organiser`, with a fresh join code and planner seed.

    Raises EventError `forbidden` unless `organiser` is an active organiser, `bad_request`
    (with `field`) for a setting outside api.md's ranges, a start in the past or an in-person
    event without a venue.
    """
    require_organiser_role(organiser)
    values = _clean_fields(
        {
            "title": title,
            "starts_at": starts_at,
            "mode": mode,
            "venue": venue,
            "rounds": rounds,
            "round_seconds": round_seconds,
            "break_seconds": break_seconds,
            "students_per_table": students_per_table,
        },
        now=now or timezone.now(),
        check_start=True,
    )
    with transaction.atomic():
        for _attempt in range(JOIN_CODE_ATTEMPTS):
            try:
                # A savepoint: a code already taken fails this insert only, and we draw again.
                with transaction.atomic():
                    return Event.objects.create(
                        organiser=organiser,
                        join_code=join_code_new(),
                        seed=secrets.randbelow(2**31),
                        **values,
                    )
            except IntegrityError:
                continue
    raise EventError("internal", _("No free join code was found. Try again."))


def event_update(
    *, organiser: User, event_id: int | str, now: dt.datetime | None = None, **changes: Any
) -> Event:
    """Edit a draft event's settings (any of `event_create`'s fields); the rest are kept.

    Raises EventError `not_found` / `forbidden` (access), `conflict` once the event has
    started, `bad_request` as `event_create` does (a start in the past only when it changes).
    """
    unknown = set(changes) - EVENT_FIELDS
    if unknown:
        raise EventError("bad_request", _("Unknown setting."), field=sorted(unknown)[0])
    with transaction.atomic():
        event = access_event_as_organiser(user=organiser, event_id=event_id, for_update=True)
        if event.status != EventStatus.DRAFT:
            raise EventError("conflict", _("An event can only be edited before it starts."))
        current = {name: getattr(event, name) for name in EVENT_FIELDS}
        moved = "starts_at" in changes and changes["starts_at"] != event.starts_at
        values = _clean_fields({**current, **changes}, now=now or timezone.now(), check_start=moved)
        for name, value in values.items():
            setattr(event, name, value)
        event.save(update_fields=sorted(EVENT_FIELDS))
    return event


def event_join_with_code(*, student: User, code: str) -> EventParticipant:
    """A student joins the event whose join code they typed (spaces, dashes and case do not
    matter). Joining an event one is in already gives that participation back.

    Raises EventError `forbidden` for anyone but an active student, `not_found` for a code of
    no event, `conflict` once the event has ended.
    """
    if not student.is_active or student.role != Role.STUDENT:
        raise EventError("forbidden", _("Only students join an event with a code."))
    typed = join_code_normalise(code)
    if not typed or len(typed) > 16:
        raise EventError("not_found", _("No event has this code."), field="code")
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(join_code=typed).first()
        if event is None:
            raise EventError("not_found", _("No event has this code."), field="code")
        if event.status == EventStatus.ENDED:
            raise EventError("conflict", _("This event has ended."))
        participant, _created = EventParticipant.objects.get_or_create(
            event=event, user=student, defaults={"role": ParticipantRole.STUDENT}
        )
    return participant


def _participant_with_role(event: Event, user_id: int, role: str, name: str) -> None:
    if not EventParticipant.objects.filter(event=event, user_id=user_id, role=role).exists():
        message = (
            _("Choose a professional of the event.")
            if role == ParticipantRole.PROFESSIONAL
            else _("Choose a student of the event.")
        )
        raise EventError("bad_request", message, field=name)


def forbidden_pair_add(
    *, organiser: User, event_id: int | str, professional_id: int, student_id: int
) -> ForbiddenPair:
    """Say that a professional and a student of the event must never meet (a parent and their
    child). Rounds planned already are re-planned when the checked-in set changes; set pairs
    before the start for them to count from round 1.

    Raises EventError `not_found` / `forbidden` (access), `bad_request` when either is not a
    participant in that role, `conflict` for a pair set already or an ended event.
    """
    with transaction.atomic():
        event = access_event_as_organiser(user=organiser, event_id=event_id, for_update=True)
        not_ended(event)
        _participant_with_role(event, professional_id, ParticipantRole.PROFESSIONAL, "professional")
        _participant_with_role(event, student_id, ParticipantRole.STUDENT, "student")
        pair = ForbiddenPair.objects.filter(
            event=event, professional_id=professional_id, student_id=student_id
        )
        if pair.exists():
            raise EventError("conflict", _("These two are already kept apart."))
        return ForbiddenPair.objects.create(
            event=event, professional_id=professional_id, student_id=student_id
        )


def forbidden_pair_remove(
    *, organiser: User, event_id: int | str, professional_id: int, student_id: int
) -> None:
    """Let a professional and a student meet again.

    Raises EventError `not_found` / `forbidden` (access), `not_found` for no such pair.
    """
    with transaction.atomic():
        event = access_event_as_organiser(user=organiser, event_id=event_id, for_update=True)
        deleted, _counts = ForbiddenPair.objects.filter(
            event=event, professional_id=professional_id, student_id=student_id
        ).delete()
        if not deleted:
            raise EventError("not_found", _("These two are not kept apart."))


def wishes_set(*, student: User, event_id: int | str, sector_ids: list[int]) -> list[EventWish]:
    """A student's wishes for the event: up to four sectors, first the most wanted; the list
    replaces the one before (empty: no wishes).

    Raises EventError `not_found` (access), `forbidden` for anyone but a student of the event,
    `bad_request` (field `sectors`) for more than four, a sector twice or an unknown one,
    `conflict` once the event has started.
    """
    if len(sector_ids) > MAX_WISHES:
        raise EventError(
            "bad_request",
            _("Pick at most %(max)d sectors.") % {"max": MAX_WISHES},
            field="sectors",
        )
    if len(set(sector_ids)) != len(sector_ids):
        raise EventError("bad_request", _("Pick each sector once."), field="sectors")
    with transaction.atomic():
        seen = access_event(user=student, event_id=event_id)
        event = Event.objects.select_for_update().get(pk=seen.pk)
        if not EventParticipant.objects.filter(
            event=event, user=student, role=ParticipantRole.STUDENT
        ).exists():
            raise EventError("forbidden", _("Only the event's students pick sectors."))
        if event.status != EventStatus.DRAFT:
            raise EventError("conflict", _("Wishes are picked before the event starts."))
        if Sector.objects.filter(pk__in=sector_ids).count() != len(sector_ids):
            raise EventError("bad_request", _("Unknown sector."), field="sectors")
        EventWish.objects.filter(event=event, student=student).delete()
        return EventWish.objects.bulk_create(
            EventWish(event=event, student=student, sector_id=sector_id, rank=rank)
            for rank, sector_id in enumerate(sector_ids, start=1)
        )
