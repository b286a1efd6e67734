"""Rooms' withdrawal step (safeguarding.verification): when a professional's verification is
withdrawn, the rooms they host and that have not ended end now, live or scheduled, as if they
had ended them. Registered by RoomsConfig.ready."""

from accounts.models import User
from rooms.models import Room, RoomStatus
from rooms.services.lifecycle import room_end_without_host


def rooms_end_on_withdrawal(professional: User) -> None:
    open_rooms = Room.objects.filter(host=professional).exclude(status=RoomStatus.ENDED)
    for room_id in open_rooms.values_list("pk", flat=True):
        room_end_without_host(room_id=room_id)
