"""Writes of safeguarding: reporting a conversation or a message, closing a report."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from chat.access import ChatAccessError, access_conversation
from chat.models import Message
from core.errors import ServiceError
from safeguarding.access import SafeguardingAccessError, require_moderator
from safeguarding.models import Report, ReportReason, ReportStatus


class ReportError(ServiceError):
    """A refused report or resolution."""


def report_create(
    *,
    reporter: User,
    conversation_id: int,
    message_id: int | None,
    reason: str,
    details: str = "",
) -> Report:
    """A member reports one of their conversations, or one message of it, to the moderators.

    Reporting the same thing again while the first report is open answers that report (no
    duplicate). Raises ReportError: `forbidden` (not a member; unknown ids get the same
    answer), `bad_request` (field `reason`, or `message` when it is not in the conversation).
    """
    if reason not in ReportReason.values:
        raise ReportError("bad_request", "Choose a reason.", field="reason")
    try:
        conversation = access_conversation(user=reporter, topic=f"dm:{conversation_id}")
    except ChatAccessError as exc:
        raise ReportError("forbidden", exc.message, field="conversation") from None
    message = None
    if message_id is not None:
        message = Message.objects.filter(pk=message_id, conversation=conversation).first()
        if message is None:
            raise ReportError(
                "bad_request", "This message is not in this conversation.", field="message"
            )
    with transaction.atomic():
        existing = Report.objects.filter(
            reporter=reporter,
            conversation=conversation,
            message=message,
            status=ReportStatus.OPEN,
        ).first()
        if existing is not None:
            return existing
        return Report.objects.create(
            reporter=reporter,
            conversation=conversation,
            message=message,
            reason=reason,
            details=details.strip(),
        )


def report_close(*, moderator: User, report_id: int, resolution: str = "") -> Report:
    """A moderator closes a report with a note on what was done. The conversation stays
    readable by moderators (it was reported).

    Raises ReportError: `forbidden` (not a moderator), `not_found`, `conflict` (already closed).
    """
    try:
        require_moderator(moderator)
    except SafeguardingAccessError as exc:
        raise ReportError("forbidden", exc.message) from None
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            raise ReportError("not_found", "No such report.")
        if report.status != ReportStatus.OPEN:
            raise ReportError("conflict", "This report is already closed.")
        report.status = ReportStatus.CLOSED
        report.closed_at = timezone.now()
        report.closed_by = moderator
        report.resolution = resolution.strip()
        report.save(update_fields=["status", "closed_at", "closed_by", "resolution"])
    return report
