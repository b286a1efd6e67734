"""Reads of safeguarding: the moderators' report queue and a reported conversation's record."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from chat.models import Conversation, Message
from chat.payloads import author_payload
from chat.selectors import conversation_members
from safeguarding.models import Report, ReportStatus

TRANSCRIPT_MAX = 1000


def report_list(*, status: str | None = None) -> QuerySet[Report]:
    """Reports, newest first; `status` "open" or "closed" filters (anything else: all)."""
    reports = Report.objects.select_related("reporter", "conversation", "message", "closed_by")
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    return reports.order_by("-created_at", "-id")


def report_payload(report: Report) -> dict[str, Any]:
    return {
        "id": report.pk,
        "status": report.status,
        "reason": report.reason,
        "details": report.details,
        "reporter": author_payload(report.reporter),
        "conversation": {"id": report.conversation_id, "topic": report.conversation.topic},
        "message": report.message_id,
        "created_at": report.created_at.isoformat().replace("+00:00", "Z"),
        "closed_at": report.closed_at.isoformat().replace("+00:00", "Z")
        if report.closed_at
        else None,
        "resolution": report.resolution,
    }


@dataclass(frozen=True)
class TranscriptLine:
    """One message as moderators see it: the body is kept even when the author deleted it."""

    message: Message
    deleted: bool
    reported: bool


@dataclass(frozen=True)
class Transcript:
    members: list[dict[str, Any]]
    lines: list[TranscriptLine]
    truncated: bool


def conversation_transcript(
    *, conversation: Conversation, reported_message_id: int | None, limit: int = TRANSCRIPT_MAX
) -> Transcript:
    """The latest `limit` messages of a reported conversation in seq order, deleted ones
    included (with their body), the reported one marked."""
    rows = list(
        Message.objects.filter(conversation=conversation)
        .select_related("author")
        .order_by("-seq")[: limit + 1]
    )
    page = list(reversed(rows[:limit]))
    return Transcript(
        members=conversation_members(conversation=conversation),
        lines=[
            TranscriptLine(
                message=m, deleted=m.deleted_at is not None, reported=m.pk == reported_message_id
            )
            for m in page
        ],
        truncated=len(rows) > limit,
    )
