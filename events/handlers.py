"""The `event:<id>` topic: a speed-meeting event's clock, pairings and announcements
(docs/protocol.md, "Events").

Joining answers where the event stands now: its state, the caller's pairing in the current
round and the next one, and their part in it. A client that reconnects mid-round is back in
step from that reply alone, so the clock's pushes need no history. Everything after the join
comes as pushes from the clock's services (events/services/clock.py): `round.started` carries
each participant's own pairing in one group message (realtime.broadcast.push_each_on_commit).
A client sends nothing else on this topic.
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from events.access import access_event, event_participant_of
from events.errors import EventError
from events.models import EventStatus
from events.payloads import event_state
from events.selectors import current_pairing_for, next_pairing_for
from events.tasks import server_clock_ensure
from realtime.context import Context
from realtime.db import database_sync_to_async
from realtime.registry import TopicHandler, topic_handler
from realtime.schemas import EmptyData, Payload
from realtime.topics import Topic

ORGANISER = "organiser"


def event_join(*, user: User, event_id: str) -> dict[str, Any]:
    """The reply to a `join` of `event:<event_id>`: `state`, `pairing`, `next` and `role`.

    Access is checked afresh on every join (a removed participant, a deactivated account):
    EventError `not_found` for anyone who is neither the event's organiser nor a participant.
    The organiser has no pairing (they walk between the tables); a participant's is null
    before the start, after the end and in a round they sit out.
    """
    event = access_event(user=user, event_id=event_id)
    if event.status == EventStatus.LIVE:
        # The embedded mode: this server process must end the phases itself for its sockets
        # to hear them, also when no control reached it since it (re)started.
        server_clock_ensure(event.pk)
    state = event_state(event, timezone.now())
    if event.organiser_id == user.pk:
        return {"state": state, "pairing": None, "next": None, "role": ORGANISER}
    participant = event_participant_of(event=event, user=user)
    if participant is None:  # removed between the two reads
        raise EventError("not_found", _("No such event."))
    # During a break the current round is the one just played; `next` is the round the break
    # leads to, as planned now (a re-plan at its start may change it: `round.started` holds).
    return {
        "state": state,
        "pairing": current_pairing_for(event, user.pk),
        "next": next_pairing_for(event, user.pk),
        "role": participant.role,
    }


@topic_handler
class EventTopicHandler(TopicHandler):
    kind = "event"
    join_schema = EmptyData  # nothing to resume: the reply is the whole present state

    async def join(self, ctx: Context, topic: Topic, data: EmptyData) -> Payload:
        # Re-joining (a reconnect, a page coming back to the foreground) asks again: the clock
        # may have moved and access may have been withdrawn meanwhile.
        reply: Payload = await database_sync_to_async(event_join)(user=ctx.user, event_id=topic.id)
        return reply
