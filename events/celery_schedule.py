"""Periodic jobs of events, for Celery beat: settings set CELERY_BEAT_SCHEDULE from this.

Plain numbers (seconds), so that settings can import this module before Django is set up.
"""

from typing import Any

EVENTS_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Phases whose ETA task was lost (a broker restart, a worker crash) or ran early end within
    # a few seconds: a round change must not wait for long.
    "events-advance-due-clocks": {
        "task": "events.tasks.advance_due_event_clocks",
        "schedule": 5.0,
    },
}
