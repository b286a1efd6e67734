"""Advance the clocks of live events whose phase has run out: the driver of `make run`.

`make run` starts `python manage.py run_event_clock --every 1` beside the server, in every
mode. With REDIS_URL set (where `make run` starts no Celery worker) it ends each phase on time,
and its pushes reach the server's sockets through Redis. In the embedded mode the channel
layer is the server process's own memory: there the server ends the phases itself
(events.tasks.server_clock_ensure) and this loop only catches up phases overdue by
CATCH_UP_LAG (the server restarted, no control has started its clock yet). Safe beside beat,
the ETA tasks, the server's clock and another copy of itself: each phase ends once.
"""

from core.periodic_command import PeriodicCommand
from events.services.clock import clock_advance_due
from events.tasks import CATCH_UP_LAG, pushes_stay_in_process


class Command(PeriodicCommand):
    help = "End the phases of live events that have run out (rounds, breaks) and move on."

    def run_once(self, *, verbose: bool) -> str:
        if pushes_stay_in_process():
            moved = clock_advance_due(overdue=CATCH_UP_LAG)
        else:
            moved = clock_advance_due()
        return f"Advanced {moved} event phase(s)." if moved or verbose else ""
