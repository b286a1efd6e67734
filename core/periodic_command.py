"""A management command that does one pass of due work, once or every N seconds.

The embedded mode has no Celery beat: `make run` starts these loops beside the server, and
cron can run them once. Each subclass says what one pass does and what it reports.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class PeriodicCommand(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Keep running, checking every SECONDS (default: once, then exit).",
        )

    def run_once(self, *, verbose: bool) -> str:
        """Do the due work; return a line to print ("" when there is nothing to say)."""
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        every: float = options["every"]
        while True:
            report = self.run_once(verbose=options["verbosity"] > 1)
            if report:
                self.stdout.write(report)
            if every <= 0:
                return
            time.sleep(every)
