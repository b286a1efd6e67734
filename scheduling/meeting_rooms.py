"""The seam between bookings and video rooms (the rooms capability).

A virtual slot gets its room when its first place is booked; the slot stores the opaque
reference this module returns (`Slot.room_ref`), never a foreign key into the rooms app. Until
rooms exist, `meeting_room_ensure` returns None and pages say that the link will appear. When
rooms land, only this module changes: create (or reuse) a room for the slot's professional that
opens at `slot.starts_at` for the slot's students, and return its reference and URL.
"""

from dataclasses import dataclass

from profiles.models import User
from scheduling.models import Slot


@dataclass(frozen=True)
class MeetingRoomRef:
    ref: str  # stored in Slot.room_ref, at most 200 characters
    url: str  # where both sides join


def meeting_room_ensure(*, slot: Slot) -> MeetingRoomRef | None:
    """The room of a virtual slot, made if it has none yet. Called inside the booking's
    transaction, so a room made here must be made in the same database transaction.

    Returns None while Backstage has no rooms (and for in-person slots).
    """
    return None


def meeting_room_url(*, slot: Slot, user: User) -> str | None:
    """The URL where `user` (the professional or a student of the slot) joins its room, or
    None when the slot has no room (yet)."""
    if not slot.room_ref:
        return None
    return None
