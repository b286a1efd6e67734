"""Periodic jobs of chat, for Celery beat: settings add CHAT_BEAT_SCHEDULE to the schedule.

Plain numbers (seconds), so that settings can import this module before Django is set up.
"""

from typing import Any

CHAT_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Messages past CHAT_RETENTION_DAYS go once a day (chat/retention.py).
    "chat-purge-expired-messages": {
        "task": "chat.tasks.purge_expired_messages",
        "schedule": 24 * 3600.0,
    },
}
