"""Send what is due in notifications ("starting soon" notices, away e-mail batches): beat's
minute job, by hand or in a loop.

The embedded mode has no beat and runs tasks eagerly: run `python manage.py
send_due_notifications --every 60` beside the server. Safe to run several at once.
"""

from accounts.notifications.sweeps import notifications_send_due
from core.periodic_command import PeriodicCommand


class Command(PeriodicCommand):
    help = "Send due notification e-mails and 'starting soon' notices."

    def run_once(self, *, verbose: bool) -> str:
        done = notifications_send_due()
        if any(done.values()) or verbose:
            return f"Notified {done['notified']}, e-mailed {done['emails']}."
        return ""
