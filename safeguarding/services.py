"""Writes of safeguarding: reporting something (a conversation, a message of it), closing a
report."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.notifications.models import NotificationKind
from accounts.notifications.service import notify
from core.errors import ServiceError
from safeguarding.access import SafeguardingAccessError, require_moderator
from safeguarding.models import Report, ReportReason, ReportStatus
from safeguarding.targets import report_target


class ReportError(ServiceError):
    """A refused report or resolution."""


def report_create(
    *,
    reporter: User,
    target_kind: str,
    target_id: int,
    item_id: int | None,
    reason: str,
    details: str = "",
) -> Report:
    """A member reports a target (a conversation they are in), or one item of it (a message),
    to the moderators. The target's app decides who may report it (safeguarding.targets).

    Reporting the same thing again while the first report is open answers that report (no
    duplicate). Raises ReportError: `bad_request` (field `reason`; or from the target's check,
    e.g. field `message` not in the conversation), `forbidden` (from the target's check: not a
    member, unknown ids alike), `not_found` for a kind nobody registered.
    """
    if reason not in ReportReason.values:
        raise ReportError("bad_request", "Choose a reason.", field="reason")
    target = report_target(target_kind)
    if target is None:
        raise ReportError("not_found", "This cannot be reported.")
    target.check(reporter, target_id, item_id)
    with transaction.atomic():
        existing = Report.objects.filter(
            reporter=reporter,
            target_kind=target_kind,
            target_id=target_id,
            item_id=item_id,
            status=ReportStatus.OPEN,
        ).first()
        if existing is not None:
            return existing
        return Report.objects.create(
            reporter=reporter,
            target_kind=target_kind,
            target_id=target_id,
            item_id=item_id,
            reason=reason,
            details=details.strip(),
        )


def report_close(*, moderator: User, report_id: int, resolution: str = "") -> Report:
    """A moderator closes a report with a note on what was done. The target stays readable
    by moderators (it was reported).

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
        # The reporter hears that it was handled, never how (the resolution is moderators').
        notify(
            user_id=report.reporter_id,
            kind=NotificationKind.REPORT_HANDLED,
            data={"report": report.pk},
        )
    return report
