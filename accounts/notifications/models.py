"""Notifications: one row per thing a user should hear about, their e-mail switches, and the
Web Push subscriptions of their devices. Imported by accounts/models.py (app label `profiles`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    CONTACT_REQUESTED = "contact_requested", _("A student asks for contact")
    CONTACT_ACCEPTED = "contact_accepted", _("A contact request was accepted")
    MESSAGE_WHILE_AWAY = "message_while_away", _("New messages while away")
    BOOKING_MADE = "booking_made", _("A meeting was booked")
    BOOKING_CANCELLED = "booking_cancelled", _("A meeting was cancelled")
    BOOKING_RESCHEDULED = "booking_rescheduled", _("A meeting was moved")
    ROOM_INVITATION = "room_invitation", _("An invitation to a room")
    ROOM_STARTING_SOON = "room_starting_soon", _("A room starts soon")
    EVENT_REMINDER = "event_reminder", _("An event reminder")
    REPORT_HANDLED = "report_handled", _("A report was handled")
    VERIFICATION_CHANGED = "verification_changed", _("Verification status changed")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    # What the sentence and the link are made of (names, ids, times, "url"): never secrets.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The bell's count: unread rows of one user.
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"

    @property
    def read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's e-mail switches (kinds listed in `email_off` are not e-mailed) and when their
    last batch went out. Missing row = the defaults (settings.NOTIFICATION_EMAIL_DEFAULT_OFF)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_off = models.JSONField(default=list, blank=True)
    last_emailed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"notification preferences of {self.user_id}"


class PushSubscription(models.Model):
    """One browser's Web Push subscription (opt-in per device)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"push subscription of {self.user_id}"
