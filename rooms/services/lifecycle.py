"""A room's life: opened by a verified professional (or a booking), then ended by its host."""

import datetime as dt
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from chat.services import conversation_open
from realtime.broadcast import evict_on_commit, push_on_commit
from rooms.access import access_room, room_host_only
from rooms.errors import RoomError
from rooms.media import media_policy
from rooms.models import (
    DESCRIPTION_MAX_LENGTH,
    MIN_CAPACITY,
    TITLE_MAX_LENGTH,
    MediaMode,
    Room,
    RoomPeer,
    RoomStatus,
    Visibility,
)
from rooms.peercache import peer_cache_delete
from rooms.pushes import evict_channels_on_commit, push_to_channels_on_commit

if TYPE_CHECKING:
    from chat.models import Conversation  # a type only: chat's own services make and read it

# A start a little in the past is "now" typed slowly; further back is a mistake.
PAST_START_GRACE = timedelta(minutes=5)


def room_conversation(room: Room) -> "Conversation":
    """The room's chat (made with the room; made here for a room that predates it)."""
    return conversation_open(kind="room", topic=room.topic)


def room_create(
    *,
    host: User,
    title: str,
    description: str = "",
    starts_at: dt.datetime | None = None,
    capacity: int | None = None,
    visibility: str = Visibility.PUBLIC,
    lobby: bool = False,
    now: dt.datetime | None = None,
) -> Room:
    """Open a room hosted by a verified professional, with its chat.

    Raises RoomError `forbidden` unless `host` is an active verified professional, and
    `bad_request` (with `field`) for an empty or long title or description, a start in the
    past, a capacity outside 2..the media mode's limit or an unknown visibility.
    """
    if not (host.is_active and host.role == Role.PROFESSIONAL and host.verified):
        raise RoomError("forbidden", _("Only verified professionals can open rooms."))
    now = now or timezone.now()
    policy = media_policy(MediaMode.MESH)  # the only mode today
    text = title.strip()
    if not text:
        raise RoomError("bad_request", _("Give the room a title."), field="title")
    if len(text) > TITLE_MAX_LENGTH:
        raise RoomError("bad_request", _("The title is too long."), field="title")
    about = description.strip()
    if len(about) > DESCRIPTION_MAX_LENGTH:
        raise RoomError("bad_request", _("The description is too long."), field="description")
    start = starts_at or now
    if start < now - PAST_START_GRACE:
        raise RoomError("bad_request", _("The start is in the past."), field="starts_at")
    size = policy.max_participants if capacity is None else capacity
    if not MIN_CAPACITY <= size <= policy.max_participants:
        raise RoomError(
            "bad_request",
            _("A room holds %(min)d to %(max)d people.")
            % {"min": MIN_CAPACITY, "max": policy.max_participants},
            field="capacity",
        )
    if visibility not in Visibility.values:
        raise RoomError("bad_request", _("Unknown visibility."), field="visibility")
    with transaction.atomic():
        room = Room.objects.create(
            host=host,
            title=text,
            description=about,
            starts_at=start,
            capacity=size,
            visibility=visibility,
            lobby=lobby,
            media_mode=policy.mode,
        )
        conversation_open(kind="room", topic=room.topic)
    return room


def room_end(*, user: User, room_id: int | str, now: dt.datetime | None = None) -> Room:
    """The host ends the room: every connection gets `room.ended`, then leaves the topic
    (`left` `{"reason": "ended"}`). Ending an ended room changes nothing.

    Raises RoomError `not_found` / `forbidden` (access, not the host).
    """
    with transaction.atomic():
        room = access_room(user=user, room_id=room_id, for_update=True)
        room_host_only(room=room, user=user)
        _room_close(room=room, now=now)
    return room


def room_end_without_host(*, room_id: int, now: dt.datetime | None = None) -> Room | None:
    """End a room on the platform's behalf (the host's verification was withdrawn), as if the
    host ended it, whatever the host's account state. None for a missing room."""
    with transaction.atomic():
        room = Room.objects.select_for_update().filter(pk=room_id).first()
        if room is not None:
            _room_close(room=room, now=now)
    return room


def _room_close(*, room: Room, now: dt.datetime | None) -> None:
    """Ends a locked room and tells its connections; an ended room is left as it is."""
    if room.status == RoomStatus.ENDED:
        return
    room.status = RoomStatus.ENDED
    room.ended_at = now or timezone.now()
    room.save(update_fields=["status", "ended_at"])
    peers = list(
        RoomPeer.objects.filter(room=room).values_list("peer_id", "channel_name", "admitted")
    )
    RoomPeer.objects.filter(room=room).delete()
    peer_cache_delete(room_id=room.pk, peer_ids=[peer_id for peer_id, _c, _a in peers])
    push_on_commit(room.topic, "room.ended", {})
    evict_on_commit(room.topic, reason="ended")
    # Lobby connections are not in the topic's group: tell them one by one.
    waiting = [channel for _p, channel, admitted in peers if not admitted]
    push_to_channels_on_commit(waiting, room.topic, "room.ended", {})
    evict_channels_on_commit(waiting, room.topic, user_id=None, reason="ended")
