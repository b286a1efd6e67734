"""Reads of safeguarding: the moderators' report queue and what they read of a target."""

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from accounts.payloads import author_payload
from safeguarding.models import Report, ReportStatus
from safeguarding.targets import ReportRecord, report_target


def report_list(*, status: str | None = None) -> QuerySet[Report]:
    """Reports, newest first; `status` "open" or "closed" filters (anything else: all)."""
    reports = Report.objects.select_related("reporter", "closed_by")
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    return reports.order_by("-created_at", "-id")


def report_get(*, report_id: int) -> Report | None:
    return Report.objects.select_related("reporter", "closed_by").filter(pk=report_id).first()


def _target_refs(reports: Sequence[Report]) -> dict[tuple[str, int], dict[str, Any]]:
    """How each report's target is named on the wire: one call per kind to its app."""
    ids_by_kind: dict[str, set[int]] = {}
    for report in reports:
        ids_by_kind.setdefault(report.target_kind, set()).add(report.target_id)
    refs: dict[tuple[str, int], dict[str, Any]] = {}
    for kind, ids in ids_by_kind.items():
        target = report_target(kind)
        named = target.refs(ids) if target is not None else {}
        for target_id in ids:
            refs[kind, target_id] = named.get(target_id, {"id": target_id})
    return refs


def report_payloads(reports: Sequence[Report]) -> list[dict[str, Any]]:
    """The API shape of reports (api.md): the target under its kind's name (`conversation`:
    `{"id", "topic"}`), the reported item as `message`."""
    refs = _target_refs(reports)
    return [
        {
            "id": report.pk,
            "status": report.status,
            "reason": report.reason,
            "details": report.details,
            "reporter": author_payload(report.reporter),
            report.target_kind: refs[report.target_kind, report.target_id],
            "message": report.item_id,
            "created_at": report.created_at.isoformat().replace("+00:00", "Z"),
            "closed_at": report.closed_at.isoformat().replace("+00:00", "Z")
            if report.closed_at
            else None,
            "resolution": report.resolution,
        }
        for report in reports
    ]


def report_payload(report: Report) -> dict[str, Any]:
    (payload,) = report_payloads([report])
    return payload


def report_record(*, report: Report) -> ReportRecord:
    """What a moderator reads of the report's target, its reported item marked (empty for a
    kind nobody registers any more)."""
    target = report_target(report.target_kind)
    if target is None:
        return ReportRecord(members=[], lines=[], truncated=False)
    return target.record(report.target_id, report.item_id)
