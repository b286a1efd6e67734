"""Safeguarding's part of a person's data (accounts.privacy): the reports they made. A deleted
account's reports stay for the moderators, its reporter shown as a deleted user. Registered
by SafeguardingConfig.ready."""

from typing import Any

from accounts.models import User
from safeguarding.models import Report


def reports_export(user: User) -> list[dict[str, Any]]:
    """The user's reports: what they reported (kind, id, item), why, and where it stands."""
    rows = Report.objects.filter(reporter=user).order_by("created_at", "pk")
    return [
        {
            "id": report.pk,
            "target": report.target_kind,
            "target_id": report.target_id,
            "item_id": report.item_id,
            "reason": report.reason,
            "details": report.details,
            "status": report.status,
            "created_at": report.created_at,
            "closed_at": report.closed_at,
        }
        for report in rows
    ]
