"""The periodic pass over notifications: upper apps register sweeps that notify about what
came due (rooms register "starting soon"), then the due e-mail batches go out. Beat runs it
every minute (accounts.tasks.send_due_notifications); the embedded mode runs
`manage.py send_due_notifications --every 60`."""

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from accounts.notifications.emails import emails_send_due

NotificationSweep = Callable[[datetime], int]
_SWEEPS: list[NotificationSweep] = []


def register_notification_sweep(sweep: NotificationSweep) -> NotificationSweep:
    """Decorator: `sweep(now)` runs on every pass, before the e-mails; it returns how many
    notifications it made."""
    if sweep not in _SWEEPS:
        _SWEEPS.append(sweep)
    return sweep


def notifications_send_due(*, now: datetime | None = None) -> dict[str, int]:
    """Run the sweeps, then send the due e-mail batches."""
    now = now or timezone.now()
    made = sum(sweep(now) for sweep in list(_SWEEPS))
    return {"notified": made, "emails": emails_send_due(now=now)}
