"""Who may see a room and who may enter it: the one way to load a room for a user.

Besides its host and its invited guests, an invite-only room lets in whom the apps above rooms
admit: an app that makes rooms for its own purposes registers an admission
(`register_room_admission`; scheduling's: a confirmed booking of a slot admits its student to
the slot's room), so rooms never reads their tables.
"""

import datetime as dt
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from rooms.errors import RoomError
from rooms.models import Room, RoomInvite, RoomStatus, Visibility

# A scheduled room opens this long before its start, so people can check camera and sound.
EARLY_ENTRY = timedelta(minutes=15)

# `admission(user)`: a query of the ids of the rooms that admit `user` as if invited, e.g.
# `Booking.objects.filter(student=user, ...).values("slot__room")`. It is used as a subquery,
# so an admission costs no query of its own.
RoomAdmission = Callable[[User], QuerySet[Any]]
_ADMISSIONS: list[RoomAdmission] = []


def register_room_admission(admission: RoomAdmission) -> RoomAdmission:
    """Decorator: a higher app's rule that puts a user on some rooms' guest lists. An admitted
    user may see and enter an invite-only room as an invited one may (the lobby, capacity and
    opening time apply to them as to any guest)."""
    _ADMISSIONS.append(admission)
    return admission


def _guest_of(user: User) -> Q:
    """Rooms whose guest list holds `user`: invited, or admitted by a registered admission."""
    guest = Q(pk__in=RoomInvite.objects.filter(user=user).values("room_id"))
    for admission in _ADMISSIONS:
        guest |= Q(pk__in=admission(user))
    return guest


def rooms_visible_to(*, user: User) -> QuerySet[Room]:
    """Rooms `user` may see: public ones, hosted ones and those whose guest list holds them."""
    return Room.objects.filter(Q(visibility=Visibility.PUBLIC) | Q(host=user) | _guest_of(user))


def room_is_invited(*, room: Room, user: User) -> bool:
    """Whether `user` is on the guest list of an invite-only room (or is its host). One query
    for a guest, whatever the number of admissions."""
    if room.host_id == user.pk:
        return True
    return Room.objects.filter(_guest_of(user), pk=room.pk).exists()


def _room_id(room_id: int | str) -> int:
    text = str(room_id)
    if not text.isdigit() or len(text) > 18:
        raise RoomError("not_found", _("No such room."))
    return int(text)


def access_room(*, user: User, room_id: int | str, for_update: bool = False) -> Room:
    """The room if `user` may see it (and so join its topic, subject to `room_check_entry`).

    Raises RoomError `not_found` for a missing room and for an invite-only room the user is
    not invited to alike (the same words: ids cannot be probed), and `forbidden` for an
    inactive account, whatever the room.
    """
    if not user.is_active:
        raise RoomError("forbidden", _("Your account may not join rooms."))
    rows = Room.objects.select_related("host")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    room = rows.filter(pk=_room_id(room_id)).first()
    if room is None or (
        room.visibility == Visibility.INVITE and not room_is_invited(room=room, user=user)
    ):
        raise RoomError("not_found", _("No such room."))
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
