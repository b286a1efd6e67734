"""Verification records: how an organiser or a moderator checked a professional.

One row per decision, never updated: the latest row is the professional's standing and the
rows before it are the history an audit reads. `User.verified` mirrors the standing (the
services keep it in step) because every other app filters on it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

VERIFICATION_NOTE_MAX_LENGTH = 2000
VERIFICATION_MESSAGE_MAX_LENGTH = 1000


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for verification")
    VERIFIED = "verified", _("Verified")
    MORE_INFO_REQUESTED = "more_info_requested", _("More information requested")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Verification withdrawn")


class VerificationLevel(models.TextChoices):
    STANDARD = "standard", _("Standard: identity checked")
    # Belgium's model 596.2 extract, the one asked of people who work with minors.
    ENHANCED = "enhanced", _("Enhanced: criminal-record extract for work with minors seen")


class VerificationDecision(models.Model):
    """One decision on a professional's verification, by an organiser or a moderator."""

    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verification_decisions"
    )
    status = models.CharField(max_length=24, choices=VerificationStatus.choices)
    # Set on `verified` rows only.
    level = models.CharField(max_length=10, choices=VerificationLevel.choices, blank=True)
    identity_seen = models.BooleanField(default=False)
    # The date printed on the criminal-record extract that was seen (enhanced level).
    extract_date = models.DateField(null=True, blank=True)
    # For organisers and moderators only.
    note = models.TextField(max_length=VERIFICATION_NOTE_MAX_LENGTH, blank=True)
    # Shown to the professional: what to send (more information), why (refused, withdrawn).
    message = models.TextField(max_length=VERIFICATION_MESSAGE_MAX_LENGTH, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verification_decided"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["professional", "-decided_at", "-id"], name="verification_latest"),
            models.Index(fields=["-decided_at", "-id"], name="verification_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in VerificationStatus]),
                name="verification_status_valid",
            ),
            # Verified means the identity was seen and a level recorded; no other row has one.
            models.CheckConstraint(
                condition=~models.Q(status="verified")
                | models.Q(
                    identity_seen=True,
                    level__in=[level.value for level in VerificationLevel],
                ),
                name="verification_verified_checked",
            ),
            models.CheckConstraint(
                condition=models.Q(status="verified") | models.Q(level=""),
                name="verification_level_only_verified",
            ),
        ]

    def __str__(self) -> str:
        return f"verification of {self.professional_id}: {self.status} ({self.decided_at})"
