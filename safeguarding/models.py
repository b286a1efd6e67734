"""Safeguarding records: reports (verification, blocks and retention come later)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

REPORT_DETAILS_MAX_LENGTH = 1000
RESOLUTION_MAX_LENGTH = 1000


class ReportReason(models.TextChoices):
    HARASSMENT = "harassment", _("Harassment or bullying")
    INAPPROPRIATE = "inappropriate", _("Inappropriate or sexual content")
    SAFETY = "safety", _("Someone may be in danger")
    SPAM = "spam", _("Spam or advertising")
    OTHER = "other", _("Something else")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Report(models.Model):
    """A member reports something (a conversation), or one item of it (a message), to the
    moderators. Reported targets become readable by moderators (deleted messages included)."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports_made"
    )
    # The target by kind and id in the app that registered the kind (safeguarding.targets):
    # not a foreign key, since safeguarding sits below the apps whose things are reported.
    target_kind = models.CharField(max_length=32)
    target_id = models.PositiveBigIntegerField()
    # One item within the target (a message of the conversation); null: the whole target.
    item_id = models.PositiveBigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    details = models.TextField(max_length=REPORT_DETAILS_MAX_LENGTH, blank=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports_closed",
    )
    resolution = models.TextField(max_length=RESOLUTION_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="report_queue"),
            # "Was this target ever reported?": asked when a moderator opens it.
            models.Index(fields=["target_kind", "target_id"], name="report_target"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reason__in=[r.value for r in ReportReason]),
                name="report_reason_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", closed_at__isnull=True)
                | models.Q(status="closed", closed_at__isnull=False),
                name="report_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"report {self.pk} on {self.target_kind} {self.target_id} ({self.status})"


# Verification records live in their own module; imported here so Django finds the model.
from safeguarding.verification_models import (  # noqa: E402
    VerificationDecision as VerificationDecision,
)
