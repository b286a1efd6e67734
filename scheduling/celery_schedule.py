"""Periodic jobs of scheduling, for Celery beat: settings set CELERY_BEAT_SCHEDULE from this.

Plain numbers (seconds), so that settings can import this module before Django is set up.
"""

from typing import Any

SCHEDULING_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Reminders whose ETA task was lost (a broker restart, a worker crash) go out within a minute.
    "scheduling-send-due-reminders": {
        "task": "scheduling.tasks.send_due_reminders",
        "schedule": 60.0,
    },
    # Weekly windows without an end stay bookable MAX_HORIZON_DAYS ahead.
    "scheduling-extend-slots": {
        "task": "scheduling.tasks.extend_slots",
        "schedule": 6 * 3600.0,
    },
}
