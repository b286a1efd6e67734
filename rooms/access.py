"""Who may see a room and who may enter it: the one way to load a room for a user."""

import datetime as dt
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from rooms.errors import RoomError
from rooms.models import Room, RoomInvite, RoomStatus, Visibility
from scheduling.models import Booking, BookingStatus

# A scheduled room opens this long before its start, so people can check camera and sound.
EARLY_ENTRY = timedelta(minutes=15)


def rooms_visible_to(*, user: User) -> QuerySet[Room]:
    """Rooms `user` may see: public ones, hosted ones, invited ones and their booked ones."""
    booked_slots = Booking.objects.filter(student=user, status=BookingStatus.CONFIRMED).values(
        "slot_id"
    )
    return Room.objects.filter(
        Q(visibility=Visibility.PUBLIC)
        | Q(host=user)
        | Q(pk__in=RoomInvite.objects.filter(user=user).values("room_id"))
        | Q(slot_id__in=booked_slots)
    )


def room_is_invited(*, room: Room, user: User) -> bool:
    """Whether `user` is on the guest list of an invite-only room (or is its host)."""
    if room.host_id == user.pk:
        return True
    if RoomInvite.objects.filter(room=room, user=user).exists():
        return True
    return room.slot_id is not None and (
        Booking.objects.filter(
            slot_id=room.slot_id, student=user, status=BookingStatus.CONFIRMED
        ).exists()
    )


def _room_id(room_id: int | str) -> int:
    text = str(room_id)
    if not text.isdigit() or len(text) > 18:
        raise RoomError("not_found", _("No such room."))
    return int(text)


def access_room(*, user: User, room_id: int | str, for_update: bool = False) -> Room:
    """The room if `user` may see it (and so join its topic, subject to `room_check_entry`).

    Raises RoomError `not_found` for a missing room, and `forbidden` for an invite-only room
    the user is not invited to, or an inactive account.
    """
    rows = Room.objects.select_related("host")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    room = rows.filter(pk=_room_id(room_id)).first()
    if room is None:
        raise RoomError("not_found", _("No such room."))
    if not user.is_active:
        raise RoomError("forbidden", _("Your account may not join rooms."))
    if room.visibility == Visibility.INVITE and not room_is_invited(room=room, user=user):
        raise RoomError("forbidden", _("This room is open to invited people only."))
    return room


def room_check_entry(*, room: Room, user: User, now: dt.datetime | None = None) -> None:
    """Whether the room is open to enter now. Raises RoomError `conflict` for an ended room or
    one that opens later (EARLY_ENTRY before its start)."""
    if room.status == RoomStatus.ENDED:
        raise RoomError("conflict", _("This room has ended."))
    now = now or timezone.now()
    if room.status == RoomStatus.SCHEDULED and now < room.starts_at - EARLY_ENTRY:
        raise RoomError("conflict", _("This room opens 15 minutes before it starts."))


def room_host_only(*, room: Room, user: User) -> None:
    """Raises RoomError `forbidden` unless `user` hosts `room`."""
    if room.host_id != user.pk:
        raise RoomError("forbidden", _("Only the host can do this."))
