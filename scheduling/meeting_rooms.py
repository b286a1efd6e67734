"""The seam between bookings and video rooms (the rooms capability).

A virtual slot gets its room when its first place is booked; the slot stores the opaque
reference this module returns (`Slot.room_ref`, `"room:<id>"`), never a foreign key into the
rooms app. The room is invite-only, hosted by the slot's professional, opens 15 minutes before
the slot, and lets in the students who hold a confirmed booking of the slot (rooms.access reads
the bookings, so later bookings and cancellations need no bookkeeping here).
"""

import logging
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import User
from rooms.errors import RoomError
from rooms.media import media_policy
from rooms.models import MediaMode, Room, Visibility
from rooms.payloads import room_url
from rooms.services import room_create
from scheduling.models import Slot

logger = logging.getLogger(__name__)
_PREFIX = "room:"


@dataclass(frozen=True)
class MeetingRoomRef:
    ref: str  # stored in Slot.room_ref, at most 200 characters
    url: str  # where both sides join


def meeting_room_ensure(*, slot: Slot) -> MeetingRoomRef | None:
    """The room of a virtual slot, made if it has none yet. Called inside the booking's
    transaction, so the room is made in the same database transaction.

    Returns None when the room cannot be made (the professional may not host any more); the
    booking stands and its pages say the link will appear.
    """
    room = Room.objects.filter(slot=slot).first()
    if room is None:
        # The professional and every student of the slot; mesh caps it (see docs/rooms.md).
        capacity = media_policy(MediaMode.MESH).limit(slot.capacity + 1)
        try:
            room = room_create(
                host=slot.professional,
                title=_("Meeting with %(name)s") % {"name": slot.professional.display_name},
                starts_at=slot.starts_at,
                capacity=capacity,
                visibility=Visibility.INVITE,
                slot=slot,
            )
        except RoomError:
            logger.warning("slot %s: no room could be made for it", slot.pk, exc_info=True)
            return None
    return MeetingRoomRef(ref=f"{_PREFIX}{room.pk}", url=room_url(room.pk))


def meeting_room_url(*, slot: Slot, user: User) -> str | None:
    """The URL where `user` (the professional or a student of the slot) joins its room, or
    None when the slot has no room (yet). The same page for both: the room decides roles."""
    ref = slot.room_ref or ""
    room_id = ref.removeprefix(_PREFIX)
    if not ref.startswith(_PREFIX) or not room_id.isdigit():
        return None
    return room_url(int(room_id))
