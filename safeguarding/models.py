"""Safeguarding records: reports of conversations and messages (verification, blocks and
retention come later)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chat.models import Conversation, Message

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
    """A member reports a conversation, or one message of it, to the moderators. Reported
    conversations become readable by moderators (deleted messages included)."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports_made"
    )
    conversation = models.ForeignKey(Conversation, on_delete=models.PROTECT, related_name="reports")
    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
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
        indexes = [models.Index(fields=["status", "-created_at"], name="report_queue")]
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
        return f"report {self.pk} on {self.conversation_id} ({self.status})"
