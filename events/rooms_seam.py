"""The seam between events and video rooms: who an online round's rooms admit.

The clock makes one invite-only room per table and round (events/services/round_rooms.py),
hosted by the table's professional. Its students and the event's organiser are on its guest
list through the admission registered here with rooms, so a re-plan or a latecomer needs no
invitation to be sent or withdrawn: the seats are the guest list.
"""

from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import User
from events.models import EventSeat, EventTable
from rooms.access import register_room_admission


@register_room_admission
def _event_tables(user: User) -> QuerySet[Any]:
    """A seat at a table admits its student to the table's room; the event's organiser is
    admitted to every room of the event (to drop in). A subquery: no query of its own."""
    seated = EventSeat.objects.filter(student=user).values("table_id")
    return (
        EventTable.objects.filter(Q(pk__in=seated) | Q(event__organiser=user))
        .filter(room__isnull=False)
        .values("room")
    )
