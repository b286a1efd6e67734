from django.conf import settings
from django.db import models
from django.utils import timezone


class WsTicket(models.Model):
    """A single-use, short-lived ticket to open a WebSocket without a session cookie.

    Only the SHA-256 of the ticket is stored: a leaked table grants nothing.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    # The session or API token that asked for the ticket, sealed under the ticket itself
    # (realtime.tickets): the socket ends with it. Empty for a ticket the server issued.
    sealed_credential = models.CharField(max_length=256, blank=True, default="")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ws_tickets"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="ws_ticket_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"WsTicket(user={self.user_id}, expires_at={self.expires_at:%Y-%m-%d %H:%M:%S})"
