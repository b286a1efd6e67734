"""Send the reminders that are due: beat's catch-up job, by hand or in a loop.

The embedded mode has no beat: run `python manage.py send_due_reminders --every 60` beside the
server (or from cron without --every). Safe to run several at once: reminders go out once.
"""

from core.periodic_command import PeriodicCommand
from scheduling.services.reminders import reminders_send_due


class Command(PeriodicCommand):
    help = "Send due booking reminders (24 h and 15 min before) that were not sent yet."

    def run_once(self, *, verbose: bool) -> str:
        sent = reminders_send_due()
        return f"Sent {sent} reminder(s)." if sent or verbose else ""
