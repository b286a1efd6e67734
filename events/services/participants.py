"""The people of an event: adding them one by one or from a CSV file, taking them out, and
checking them in on the day.

As in events/services/setup.py, every write holds the event row's lock (the clock's too): who
takes part never changes half-way through a round start, and a CSV import's rows, checked
against the participants under that lock, cannot meet a concurrent add of the same person.
"""

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.parsers import bad_text_message, text_is_clean
from events.access import access_event_as_organiser
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
)
from realtime.broadcast import evict_on_commit

MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_ROWS = 2000


@dataclass
class ImportReport:
    """What a CSV import did: how many rows were added, and each refused row with its line."""

    added: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def not_ended(event: Event) -> None:
    if event.status == EventStatus.ENDED:
        raise EventError("conflict", _("This event has ended."))


def _role_problem(user: User, role: str) -> str | None:
    """Why `user` cannot take part as `role`, or None."""
    if role == ParticipantRole.STUDENT and user.role != Role.STUDENT:
        return _("This account is not a student's.")
    if role == ParticipantRole.PROFESSIONAL:
        if user.role != Role.PROFESSIONAL:
            return _("This account is not a professional's.")
        if not user.verified:
            return _("Only verified professionals can take part.")
    return None


def participant_add(
    *, organiser: User, event_id: int | str, user_id: int, role: str
) -> EventParticipant:
    """Add a student or a verified professional to the event (not checked in).

    Raises EventError `not_found` / `forbidden` (access), `bad_request` for an unknown role,
    an unknown or inactive account (field `user`), an account of another role (field `role`),
    an unverified professional (field `user`); `conflict` if they are in already or the event
    has ended.
    """
    if role not in ParticipantRole.values:
        raise EventError("bad_request", _("Choose student or professional."), field="role")
    with transaction.atomic():
        event = access_event_as_organiser(user=organiser, event_id=event_id, for_update=True)
        not_ended(event)
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            raise EventError("bad_request", _("No such user."), field="user")
        problem = _role_problem(user, role)
        if problem is not None:
            # An unverified professional is the account's fault, a role mismatch the input's.
            unverified = user.role == Role.PROFESSIONAL == role
            raise EventError("bad_request", problem, field="user" if unverified else "role")
        if EventParticipant.objects.filter(event=event, user=user).exists():
            raise EventError("conflict", _("This person is already in the event."))
        return EventParticipant.objects.create(event=event, user=user, role=role)


def participant_remove(*, organiser: User, event_id: int | str, user_id: int) -> None:
    """Take someone out of the event, with their wishes, forbidden pairs and places in rounds
    not begun yet (the next round start re-plans without them).

    Raises EventError `not_found` / `forbidden` (access), `not_found` if they are not in it,
    `conflict` if they already sat a round begun (the record of who met whom is kept).
    """
    with transaction.atomic():
        event = access_event_as_organiser(user=organiser, event_id=event_id, for_update=True)
        participant = EventParticipant.objects.filter(event=event, user_id=user_id).first()
        if participant is None:
            raise EventError("not_found", _("This person is not in the event."))
        begun = event.round if event.status != EventStatus.DRAFT else 0
        seated = (
            EventSeat.objects.filter(event=event, student_id=user_id, round__lte=begun).exists()
            or EventTable.objects.filter(
                event=event, professional_id=user_id, round__lte=begun
            ).exists()
        )
        if seated:
            raise EventError(
                "conflict", _("This person has already met others at the event: they stay.")
            )
        EventSeat.objects.filter(event=event, student_id=user_id).delete()
        EventTable.objects.filter(event=event, professional_id=user_id).delete()
        EventWish.objects.filter(event=event, student_id=user_id).delete()
        ForbiddenPair.objects.filter(event=event).filter(
            Q(student_id=user_id) | Q(professional_id=user_id)
        ).delete()
        participant.delete()
        # Their open pages stop hearing the event now, not at their next join.
        evict_on_commit(event.topic, user_id=user_id, reason="removed")


def _decode_csv(data: str | bytes) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > MAX_IMPORT_BYTES:
        raise EventError(
            "too_large",
            _("The file may be at most %(max)d MB.") % {"max": MAX_IMPORT_BYTES // 1_000_000},
            field="file",
        )
    try:
        # utf-8-sig: a spreadsheet's "CSV UTF-8" export starts with a byte order mark.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EventError(
            "bad_request", _("The file is not UTF-8 text: export it as CSV UTF-8."), field="file"
        ) from exc
    if not text_is_clean(text):
        raise EventError("bad_request", bad_text_message(), field="file")
    return text


def _read_rows(text: str) -> list[tuple[int, str, str]]:
    """(line, username, role) of each non-blank row after the header."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        columns = [name.strip().lower() for name in header or []]
        if "username" not in columns or "role" not in columns:
            raise EventError(
                "bad_request",
                _("The first line must name the columns: username,role."),
                field="file",
            )
        user_at, role_at = columns.index("username"), columns.index("role")
        rows: list[tuple[int, str, str]] = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) >= MAX_IMPORT_ROWS:
                raise EventError(
                    "too_large",
                    _("The file may have at most %(max)d rows.") % {"max": MAX_IMPORT_ROWS},
                    field="file",
                )
            username = row[user_at].strip() if user_at < len(row) else ""
            role = row[role_at].strip().lower() if role_at < len(row) else ""
            rows.append((reader.line_num, username, role))
    except csv.Error as exc:
        raise EventError(
            "bad_request", _("This file cannot be read as CSV."), field="file"
        ) from exc
    return rows


def participants_import(*, organiser: User, event_id: int | str, text: str | bytes) -> ImportReport:
    """Add the people of a CSV file (UTF-8, with or without a byte order mark; a header line
    naming the columns `username` and `role`). Each row stands alone: the good ones are
    added, each bad one is reported with its line and why.

    Raises EventError (nothing added) `not_found` / `forbidden` (access), `too_large` over
    1 MB or 2000 rows, `bad_request` for a file that is not UTF-8 CSV or has no header,
    `conflict` once the event has ended.
    """
    rows = _read_rows(_decode_csv(text))
    report = ImportReport()
    with transaction.atomic():
        event = access_event_as_organiser(user=organiser, event_id=event_id, for_update=True)
        not_ended(event)
        names = {username for _line, username, _role in rows if username}
        accounts = {
            user.username: user for user in User.objects.filter(username__in=names, is_active=True)
        }
        already = set(
            EventParticipant.objects.filter(event=event, user__in=accounts.values()).values_list(
                "user_id", flat=True
            )
        )
        seen: dict[str, int] = {}
        new: list[EventParticipant] = []
        for line, username, role in rows:
            problem = _row_problem(username, role, accounts, already, seen)
            if problem is not None:
                report.errors.append({"line": line, "message": problem})
                continue
            seen[username] = line
            new.append(EventParticipant(event=event, user=accounts[username], role=role))
        # The event row's lock keeps other adds out: none of these can already exist.
        EventParticipant.objects.bulk_create(new)
        report.added = len(new)
    return report


def _row_problem(
    username: str,
    role: str,
    accounts: dict[str, User],
    already: set[int],
    seen: dict[str, int],
) -> str | None:
    if not username:
        return _("No username.")
    user = accounts.get(username)
    if user is None:
        return _("No account has the username “%(name)s”.") % {"name": username}
    if role not in ParticipantRole.values:
        return _("Unknown role “%(role)s”: write student or professional.") % {"role": role}
    if username in seen:
        return _("“%(name)s” is already on line %(line)d.") % {
            "name": username,
            "line": seen[username],
        }
    if user.pk in already:
        return _("“%(name)s” is already in the event.") % {"name": username}
    problem = _role_problem(user, role)
    if problem is not None:
        return _("“%(name)s”: %(problem)s") % {"name": username, "problem": problem}
    return None


def participant_check_in(
    *, organiser: User, event_id: int | str, user_id: int, checked_in: bool = True
) -> EventParticipant:
    """Mark a participant present (or, before the start, not present after all). Checking in
    someone checked in already keeps the first time. A latecomer checked in during the event
    is planned from the next round on: the clock re-plans when the checked-in set changed.

    Raises EventError `not_found` / `forbidden` (access), `not_found` for someone not in the
    event, `conflict` once the event has ended or to undo a check-in after the start.
    """
    with transaction.atomic():
        event = access_event_as_organiser(user=organiser, event_id=event_id, for_update=True)
        not_ended(event)
        participant = (
            EventParticipant.objects.select_related("user")
            .filter(event=event, user_id=user_id)
            .first()
        )
        if participant is None:
            raise EventError("not_found", _("This person is not in the event."))
        if checked_in and participant.checked_in_at is None:
            participant.checked_in_at = timezone.now()
            participant.save(update_fields=["checked_in_at"])
        elif not checked_in and participant.checked_in_at is not None:
            if event.status != EventStatus.DRAFT:
                raise EventError(
                    "conflict", _("A check-in can only be undone before the event starts.")
                )
            participant.checked_in_at = None
            participant.save(update_fields=["checked_in_at"])
    return participant
