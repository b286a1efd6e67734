"""Delete chat messages past the retention period: beat's daily job, by hand or from cron.

Messages in conversations under an open report are kept (chat/retention.py). Safe to run
several at once.
"""

from typing import Any

from django.core.management.base import BaseCommand

from chat.retention import retention_run


class Command(BaseCommand):
    help = "Delete chat messages older than CHAT_RETENTION_DAYS (except under an open report)."

    def handle(self, *args: Any, **options: Any) -> None:
        run = retention_run()
        self.stdout.write(
            f"Deleted {run.messages_deleted} message(s); "
            f"purged {run.accounts_purged} deleted account(s)."
        )
