"""Send what is due in notifications ("starting soon" notices, away e-mail batches): beat's
minute job, by hand or in a loop.

The embedded mode has no beat and runs tasks eagerly: run `python manage.py
send_due_notifications --every 60` beside the server. Safe to run several at once.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts.notifications.sweeps import notifications_send_due


class Command(BaseCommand):
    help = "Send due notification e-mails and 'starting soon' notices."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Keep running, checking every SECONDS (default: once, then exit).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every: float = options["every"]
        while True:
            done = notifications_send_due()
            if any(done.values()) or options["verbosity"] > 1:
                self.stdout.write(f"Notified {done['notified']}, e-mailed {done['emails']}.")
            if every <= 0:
                return
            time.sleep(every)
