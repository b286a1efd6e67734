"""What the organiser takes away after an event: who met whom, when, and how it went.

`report_rows` and `report_csv` list every meeting (one row per student seated at a table of a
played round) with its rating; `event_summary` counts them on one page. Each reads the event in
a fixed handful of queries, whatever its size (an event may have 1,000 participants).

A round is played once its meeting phase has begun: rounds 1..`event.round` of an event out of
draft (the clock's round stays on the last one begun when the event ends, so rounds planned but
never reached are left out).
"""

import csv
import io
from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.payloads import author_payload
from events.models import (
    Event,
    EventFeedback,
    EventMode,
    EventParticipant,
    EventPhaseLog,
    EventSeat,
    EventStatus,
    ParticipantRole,
    Phase,
)
from events.planning import wishes_served


def rounds_played(event: Event) -> int:
    """How many rounds of the event have begun (0 in draft)."""
    return 0 if event.status == EventStatus.DRAFT else int(event.round)


def _name(user: User) -> str:
    return str(author_payload(user)["name"])


def report_rows(event: Event) -> list[dict[str, Any]]:
    """One row per meeting of the played rounds, by round then table then student name:
    {"round", "table" (None online, where the room is the place), "started_at" (when the
    round's meeting began, None if unknown), "professional_id", "professional_name",
    "student_id", "student_name", "rating", "comment" (None/"" without feedback),
    "contact_requested"}. Three queries."""
    played = rounds_played(event)
    if not played:
        return []
    started = dict(
        EventPhaseLog.objects.filter(
            event=event, phase=Phase.MEETING, round__lte=played
        ).values_list("round", "started_at")
    )
    feedback = {
        (row.round, row.student_id): row
        for row in EventFeedback.objects.filter(event=event, round__lte=played).only(
            "round", "student_id", "rating", "comment", "contact_requested"
        )
    }
    seats = EventSeat.objects.filter(event=event, round__lte=played).select_related(
        "table__professional", "student"
    )
    in_person = event.mode == EventMode.IN_PERSON
    rows: list[dict[str, Any]] = []
    for seat in seats:
        table = seat.table
        given = feedback.get((seat.round, seat.student_id))
        rows.append(
            {
                "round": seat.round,
                "table": table.table if in_person else None,
                "started_at": started.get(seat.round),
                "professional_id": table.professional_id,
                "professional_name": _name(table.professional),
                "student_id": seat.student_id,
                "student_name": _name(seat.student),
                "rating": given.rating if given else None,
                "comment": given.comment if given else "",
                "contact_requested": bool(given and given.contact_requested),
                "_table_order": table.table,
            }
        )
    rows.sort(key=lambda row: (row["round"], row["_table_order"], row["student_name"].lower()))
    for row in rows:
        del row["_table_order"]
    return rows


# A spreadsheet runs a cell that starts with one of these as a formula: a student's comment
# or name of "=HYPERLINK(...)" must stay text (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def report_csv(event: Event) -> str:
    """`report_rows` as CSV text: a header row in the active language, then one line per
    meeting; times in the active time zone with their offset. The text starts with a byte
    order mark: Excel reads a CSV without one in the machine's legacy code page, and the
    accents of names and comments come out garbled. Encode it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Round"),
            _("Table"),
            _("Started at"),
            _("Professional ID"),
            _("Professional"),
            _("Student ID"),
            _("Student"),
            _("Rating"),
            _("Comment"),
            _("Contact requested"),
        ]
    )
    for row in report_rows(event):
        writer.writerow(
            [
                _cell(row["round"]),
                _cell(row["table"]),
                _cell(row["started_at"]),
                _cell(row["professional_id"]),
                _cell(row["professional_name"]),
                _cell(row["student_id"]),
                _cell(row["student_name"]),
                _cell(row["rating"]),
                _cell(row["comment"]),
                _cell(row["contact_requested"]),
            ]
        )
    return out.getvalue()


def event_summary(event: Event) -> dict[str, Any]:
    """The organiser's one-page summary, in a fixed number of queries:

    {"rounds_played", "meetings" (students seated in played rounds), "students_present" and
    "professionals_present" (checked in), "professionals_met": {"min", "avg", "max",
    "students": [{"id", "name", "count"}]} (distinct professionals each student present or
    seated met, fewest first), "rating": {"average" (None without feedback), "count"},
    "contact_requests", "no_shows": [{"id", "name", "role"}] (participants never checked
    in), "wishes_served" (the share of students' wishes the plan served, None when unknown)}.
    """
    played = rounds_played(event)
    participants = list(
        EventParticipant.objects.filter(event=event).select_related("user").order_by("pk")
    )
    names = {participant.user_id: _name(participant.user) for participant in participants}
    present = [participant for participant in participants if participant.checked_in_at]
    met: dict[int, set[int]] = defaultdict(set)
    meetings = 0
    for student_id, professional_id in EventSeat.objects.filter(
        event=event, round__lte=played
    ).values_list("student_id", "table__professional_id"):
        meetings += 1
        met[student_id].add(professional_id)
    for participant in present:
        if participant.role == ParticipantRole.STUDENT:
            met.setdefault(participant.user_id, set())
    unnamed = [user_id for user_id in met if user_id not in names]
    if unnamed:  # seated, then removed from the event: still a meeting held
        names.update((user.pk, _name(user)) for user in User.objects.filter(pk__in=unnamed))
    students = sorted(
        (
            {"id": user_id, "name": names.get(user_id, ""), "count": len(professionals)}
            for user_id, professionals in met.items()
        ),
        key=lambda row: (row["count"], str(row["name"]).lower(), row["id"]),
    )
    counts = [len(professionals) for professionals in met.values()]
    ratings = EventFeedback.objects.filter(event=event).aggregate(
        average=Avg("rating"),
        count=Count("pk"),
        contacts=Count("pk", filter=Q(contact_requested=True)),
    )
    return {
        "rounds_played": played,
        "meetings": meetings,
        "students_present": sum(
            1 for participant in present if participant.role == ParticipantRole.STUDENT
        ),
        "professionals_present": sum(
            1 for participant in present if participant.role == ParticipantRole.PROFESSIONAL
        ),
        "professionals_met": {
            "min": min(counts) if counts else 0,
            "avg": round(sum(counts) / len(counts), 2) if counts else 0.0,
            "max": max(counts) if counts else 0,
            "students": students,
        },
        "rating": {
            "average": round(float(ratings["average"]), 2)
            if ratings["average"] is not None
            else None,
            "count": int(ratings["count"]),
        },
        "contact_requests": int(ratings["contacts"]),
        "no_shows": [
            {
                "id": participant.user_id,
                "name": names[participant.user_id],
                "role": participant.role,
            }
            for participant in participants
            if participant.checked_in_at is None
        ],
        "wishes_served": wishes_served(event),
    }
