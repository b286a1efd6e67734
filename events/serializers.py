"""REST input of the events API (output shapes are events.payloads; their schemas are here).

Ranges and lengths are the services' rules (events/services/setup.py, clock.py, feedback.py),
with the limits of events/models.py; the fields here check types, and the bounds only stop
absurd input early. Extend and announce have no other boundary, so their limits are here too.
"""

from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from events.models import (
    ANNOUNCEMENT_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    MAX_EXTEND_SECONDS,
    MAX_WISHES,
    TITLE_MAX_LENGTH,
    VENUE_MAX_LENGTH,
    EventMode,
    ParticipantRole,
)

# Far above every limit, below what the database's integer columns hold.
_BIG = 1_000_000


class EventWriteSerializer(serializers.Serializer[Any]):
    """POST /api/events/ (every field but `venue` required) and PATCH (any of them)."""

    title = serializers.CharField(max_length=TITLE_MAX_LENGTH * 2)
    starts_at = serializers.DateTimeField()
    mode = serializers.ChoiceField(choices=EventMode.choices)
    venue = serializers.CharField(
        max_length=VENUE_MAX_LENGTH * 2, required=False, allow_blank=True, default=""
    )
    rounds = serializers.IntegerField(min_value=-_BIG, max_value=_BIG)
    round_seconds = serializers.IntegerField(min_value=-_BIG, max_value=_BIG)
    break_seconds = serializers.IntegerField(min_value=-_BIG, max_value=_BIG)
    students_per_table = serializers.IntegerField(min_value=-_BIG, max_value=_BIG)


class ParticipantAddSerializer(serializers.Serializer[Any]):
    user = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    role = serializers.ChoiceField(choices=ParticipantRole.choices)


class ParticipantImportSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        allow_empty_file=False, help_text="CSV, UTF-8, header `username,role`; at most 1 MB."
    )


class CheckInSerializer(serializers.Serializer[Any]):
    user = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    checked_in = serializers.BooleanField(
        required=False, default=True, help_text="false undoes a check-in (before the start)."
    )


class ExtendSerializer(serializers.Serializer[Any]):
    seconds = serializers.IntegerField(min_value=1, max_value=MAX_EXTEND_SECONDS)


class AnnounceSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=ANNOUNCEMENT_MAX_LENGTH)


class FeedbackSerializer(serializers.Serializer[Any]):
    round = serializers.IntegerField(min_value=1, max_value=_BIG)
    rating = serializers.IntegerField(min_value=-_BIG, max_value=_BIG)
    comment = serializers.CharField(
        max_length=COMMENT_MAX_LENGTH * 2, required=False, allow_blank=True, default=""
    )
    contact = serializers.BooleanField(required=False, default=False)


class JoinSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=40)


class WishesSerializer(serializers.Serializer[Any]):
    sectors = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        allow_empty=True,
        max_length=MAX_WISHES * 4,
        help_text=f"Up to {MAX_WISHES} sector ids, the most wanted first.",
    )


class ForbiddenPairSerializer(serializers.Serializer[Any]):
    professional = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    student = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


# Output schemas (the bodies are built by events.payloads).

# A plain string: an enum named after `status` would collide with the rooms' and bookings'.
_STATUSES = '"draft", "live", "paused" or "ended".'

PERSON = inline_serializer(
    "EventPerson", {"id": serializers.IntegerField(), "name": serializers.CharField()}
)
STATE = inline_serializer(
    "EventState",
    {
        "status": serializers.CharField(help_text=_STATUSES),
        "round": serializers.IntegerField(),
        "phase": serializers.ChoiceField(choices=["meeting", "break"], allow_null=True),
        "phase_ends_at": serializers.DateTimeField(allow_null=True),
        "server_time": serializers.DateTimeField(),
    },
)
EVENT = inline_serializer(
    "Event",
    {
        "id": serializers.IntegerField(),
        "topic": serializers.CharField(),
        "title": serializers.CharField(),
        "mode": serializers.ChoiceField(choices=EventMode.choices),
        "venue": serializers.CharField(allow_blank=True),
        "starts_at": serializers.DateTimeField(),
        "rounds": serializers.IntegerField(),
        "round_seconds": serializers.IntegerField(),
        "break_seconds": serializers.IntegerField(),
        "students_per_table": serializers.IntegerField(),
        "status": serializers.CharField(help_text=_STATUSES),
        "organiser": PERSON,
        "join_code": serializers.CharField(required=False, help_text="The organiser's only."),
        "state": STATE,
    },
)
EVENT_LIST = inline_serializer("EventList", {"results": EVENT.__class__(many=True)})
PARTICIPANT = inline_serializer(
    "EventParticipant",
    {
        "user": inline_serializer(
            "EventParticipantUser",
            {
                "id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "username": serializers.CharField(),
            },
        ),
        "role": serializers.ChoiceField(choices=ParticipantRole.choices),
        "checked_in": serializers.BooleanField(),
        "checked_in_at": serializers.DateTimeField(allow_null=True),
    },
)
PARTICIPANT_LIST = inline_serializer(
    "EventParticipantList", {"results": PARTICIPANT.__class__(many=True)}
)
IMPORT_REPORT = inline_serializer(
    "EventImportReport",
    {
        "added": serializers.IntegerField(),
        "errors": inline_serializer(
            "EventImportError",
            {"line": serializers.IntegerField(), "message": serializers.CharField()},
            many=True,
        ),
    },
)
FORBIDDEN_PAIR = inline_serializer(
    "EventForbiddenPair", {"professional": PERSON, "student": PERSON}
)
FORBIDDEN_PAIR_LIST = inline_serializer(
    "EventForbiddenPairList", {"results": FORBIDDEN_PAIR.__class__(many=True)}
)
WISHES = inline_serializer(
    "EventWishes",
    {"sectors": serializers.ListField(child=serializers.IntegerField())},
)
FEEDBACK = inline_serializer(
    "EventFeedback",
    {
        "id": serializers.IntegerField(),
        "round": serializers.IntegerField(),
        "rating": serializers.IntegerField(),
        "comment": serializers.CharField(allow_blank=True),
        "contact": serializers.ChoiceField(
            choices=["requested", "already", "refused"],
            allow_null=True,
            help_text="What became of the contact request; null when none was asked.",
        ),
        "contact_message": serializers.CharField(
            allow_blank=True, help_text="Why the chat refused the request, if it did."
        ),
    },
)
ANNOUNCEMENT = inline_serializer("EventAnnouncement", {"text": serializers.CharField()})
PLAN_TABLE = inline_serializer(
    "EventPlanTable",
    {
        "professional": serializers.IntegerField(),
        "students": serializers.ListField(child=serializers.IntegerField()),
        "room": serializers.CharField(allow_null=True, help_text='"room:<id>" online.'),
        "table": serializers.IntegerField(allow_null=True, help_text="In person only."),
    },
)
PLAN = inline_serializer(
    "EventPlan",
    {
        "rounds": serializers.ListField(
            child=serializers.ListField(child=PLAN_TABLE), help_text="Per round, its tables."
        )
    },
)
LIVE = inline_serializer(
    "EventLive",
    {
        "state": STATE,
        "round": serializers.IntegerField(),
        "mode": serializers.ChoiceField(choices=EventMode.choices),
        "tables": serializers.ListField(
            child=serializers.DictField(),
            help_text='{"table", "number", "room", "professional", "students", '
            '"organiser_in_room"}; each person {"id", "name", "checked_in", "in_room"}.',
        ),
        "sitting_out": serializers.ListField(child=serializers.DictField()),
        "missing": serializers.ListField(child=serializers.DictField()),
        "not_checked_in": serializers.ListField(child=serializers.DictField()),
    },
)
