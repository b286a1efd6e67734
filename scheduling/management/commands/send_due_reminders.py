"""Send the reminders that are due: beat's catch-up job, by hand or in a loop.

The embedded mode has no beat: run `python manage.py send_due_reminders --every 60` beside the
server (or from cron without --every). Safe to run several at once: reminders go out once.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scheduling.services.reminders import reminders_send_due


class Command(BaseCommand):
    help = "Send due booking reminders (24 h and 15 min before) that were not sent yet."

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
            sent = reminders_send_due()
            if sent or options["verbosity"] > 1:
                self.stdout.write(f"Sent {sent} reminder(s).")
            if every <= 0:
                return
            time.sleep(every)
