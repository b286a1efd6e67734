"""Periodic jobs of notifications, for Celery beat: settings add NOTIFICATION_BEAT_SCHEDULE.

Plain numbers (seconds), so that settings can import this module before Django is set up.
"""

from typing import Any

NOTIFICATION_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # "Starting soon" notices and the away e-mails whose countdown task was lost (or, in the
    # embedded mode, never queued) go out within a minute.
    "accounts-send-due-notifications": {
        "task": "accounts.tasks.send_due_notifications",
        "schedule": 60.0,
    },
}
