"""The seam between bookings and video rooms.

A virtual slot gets its room when its first place is booked, linked by `Slot.room` (the one
link: rooms, below scheduling, knows nothing of slots). The room is invite-only, hosted by the
slot's professional, and opens 15 minutes before the slot. The students who hold a confirmed
booking of the slot are on its guest list through the admission registered here with rooms, so
later bookings and cancellations need no bookkeeping.
"""

import logging
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from rooms.access import register_room_admission
from rooms.errors import RoomError
from rooms.media import media_policy
from rooms.models import MediaMode, Visibility
from rooms.payloads import room_url
from rooms.services import room_create
from scheduling.models import Booking, BookingStatus, Slot

logger = logging.getLogger(__name__)


@register_room_admission
def _booked_students(user: User) -> QuerySet[Any]:
    """A confirmed booking of a slot admits its student to the slot's room."""
    return Booking.objects.filter(student=user, status=BookingStatus.CONFIRMED).values("slot__room")


def meeting_room_ensure(*, slot: Slot) -> int | None:
    """The id of a virtual slot's room, made and linked to the slot if it has none yet.

    Called inside the booking's transaction after the slot's place was taken, so the slot's row
    is locked: concurrent bookings of one slot make one room, in the booking's transaction.
    Returns None when the room cannot be made (the professional may not host any more); the
    booking stands and its pages say the link will appear.
    """
    # Read again: a concurrent booking may have linked a room since `slot` was loaded.
    room_id = Slot.objects.filter(pk=slot.pk).values_list("room_id", flat=True).first()
    if room_id is None:
        # The professional and every student of the slot; mesh caps it (see docs/rooms.md).
        capacity = media_policy(MediaMode.MESH).limit(slot.capacity + 1)
        try:
            room = room_create(
                host=slot.professional,
                title=_("Meeting with %(name)s") % {"name": slot.professional.display_name},
                starts_at=slot.starts_at,
                capacity=capacity,
                visibility=Visibility.INVITE,
            )
        except RoomError:
            logger.warning("slot %s: no room could be made for it", slot.pk, exc_info=True)
            return None
        Slot.objects.filter(pk=slot.pk, room__isnull=True).update(room=room)
        room_id = room.pk
    slot.room_id = room_id
    return room_id


def meeting_room_url(*, slot: Slot, user: User) -> str | None:
    """The URL where `user` (the professional or a student of the slot) joins its room, or
    None when the slot has no room (yet). The same page for both: the room decides roles."""
    return room_url(slot.room_id) if slot.room_id is not None else None
