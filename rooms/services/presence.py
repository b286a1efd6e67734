"""Presence and host controls: join and leave, the lobby, the stage, mute requests, removal.

Every join and leave keeps a `RoomPeer` row and its peer-cache entry together (inside the
same transaction), and announces what changed after commit: `presence` to the topic, `lobby`
to the host's connections, `admitted`, `mute.request` and evictions to chosen connections.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from chat.payloads import author_payload
from chat.services import conversation_member_add
from gallery.photos import photo_urls
from realtime.broadcast import push_on_commit
from rooms.access import access_room, room_check_entry, room_host_only
from rooms.errors import RoomError
from rooms.media import media_policy
from rooms.models import ParticipantRole, Room, RoomParticipant, RoomPeer, RoomStatus
from rooms.payloads import peer_payload
from rooms.peercache import peer_cache_delete, peer_cache_get_many, peer_cache_gone, peer_cache_set
from rooms.pushes import evict_channels_on_commit, push_to_channels_on_commit
from rooms.selectors import room_hands, room_waiting
from rooms.services.lifecycle import room_conversation


@dataclass(frozen=True)
class JoinOutcome:
    """`admitted` False: the user waits in the lobby, announced to the host only."""

    room: Room
    participant: RoomParticipant
    admitted: bool


def _push_lobby(room: Room) -> None:
    hosts = RoomPeer.objects.filter(room=room, user_id=room.host_id, admitted=True)
    channels = list(hosts.values_list("channel_name", flat=True))
    push_to_channels_on_commit(channels, room.topic, "lobby", {"waiting": room_waiting(room=room)})


def _push_hands(room: Room) -> None:
    push_on_commit(room.topic, "hands", {"hands": room_hands(room=room)})


def _push_presence(room: Room, *, joins: list[RoomPeer], leaves: list[RoomPeer]) -> None:
    if not joins and not leaves:
        return
    roles = dict(
        RoomParticipant.objects.filter(
            room=room, user_id__in={peer.user_id for peer in joins + leaves}
        ).values_list("user_id", "role")
    )

    photos = photo_urls((peer.user_id for peer in joins), "small")

    def shape(peer: RoomPeer) -> dict[str, object]:
        role = roles.get(peer.user_id, ParticipantRole.AUDIENCE)
        return peer_payload(
            peer, role=role, media_mode=room.media_mode, photo=photos.get(peer.user_id)
        )

    push_on_commit(
        room.topic,
        "presence",
        {"joins": [shape(p) for p in joins], "leaves": [shape(p) for p in leaves]},
    )


def _prune_stale_peers(room: Room) -> None:
    """Drop peers whose cache entry is gone for sure: their process died without saying
    goodbye (the entry lives in the process's memory in the embedded mode, with a TTL in
    Redis). An entry lost with Redis's data is not a death: rooms.peercache tells them apart."""
    peers = list(RoomPeer.objects.filter(room=room).select_related("user"))
    if not peers:
        return
    gone = peer_cache_gone(
        room_id=room.pk, peers={peer.peer_id: peer.store_epoch for peer in peers}
    )
    stale = [peer for peer in peers if peer.peer_id in gone]
    if stale:
        RoomPeer.objects.filter(pk__in=[peer.pk for peer in stale]).delete()
        _push_presence(room, joins=[], leaves=[peer for peer in stale if peer.admitted])


def peer_join(
    *,
    user: User,
    room_id: int | str,
    peer_id: str,
    channel_name: str,
    now: dt.datetime | None = None,
) -> JoinOutcome:
    """Enter a room with one connection (`peer_id`), or wait in its lobby.

    Joining again with the same peer changes nothing but what the lobby decided meanwhile.
    The host's first join makes a scheduled room live. Others get `presence` joins; the host
    gets `lobby` when someone starts waiting.
    Raises RoomError: `not_found` / `forbidden` (access), `forbidden` (removed), `conflict`
    (ended, not open yet, or full: `min(capacity, media limit)` users present).
    """
    with transaction.atomic():
        room = access_room(user=user, room_id=room_id, for_update=True)
        room_check_entry(room=room, user=user, now=now)
        policy = media_policy(room.media_mode)
        is_host = room.host_id == user.pk
        participant = (
            RoomParticipant.objects.select_for_update().filter(room=room, user=user).first()
        )
        if participant is not None and participant.removed_at is not None:
            raise RoomError("forbidden", _("You were removed from this room."))
        if participant is None:
            participant = RoomParticipant.objects.create(
                room=room,
                user=user,
                role=ParticipantRole.HOST if is_host else ParticipantRole.AUDIENCE,
                admitted=is_host or not room.lobby,
            )
        existing = RoomPeer.objects.filter(room=room, peer_id=peer_id).first()
        if not participant.admitted:
            if existing is None:
                epoch = peer_cache_set(
                    room_id=room.pk,
                    peer_id=peer_id,
                    channel_name=channel_name,
                    user_id=user.pk,
                    publish=False,
                    waiting=True,
                )
                RoomPeer.objects.create(
                    room=room,
                    user=user,
                    peer_id=peer_id,
                    channel_name=channel_name,
                    admitted=False,
                    store_epoch=epoch,
                )
                _push_lobby(room)
            return JoinOutcome(room=room, participant=participant, admitted=False)
        _prune_stale_peers(room)
        announce = existing is None or not existing.admitted
        if announce:
            present = set(
                RoomPeer.objects.filter(room=room, admitted=True).values_list("user_id", flat=True)
            )
            if user.pk not in present and len(present) >= policy.limit(room.capacity):
                raise RoomError("conflict", _("The room is full."))
        if existing is None:
            existing = RoomPeer.objects.create(
                room=room, user=user, peer_id=peer_id, channel_name=channel_name, admitted=True
            )
        elif not existing.admitted:
            existing.admitted = True
            existing.save(update_fields=["admitted"])
            _push_lobby(room)
        existing.user = user
        # A join again on the same connection (the room chat's) keeps what the peer said it
        # sends; a new peer starts from its right to publish.
        publish = policy.may_publish(participant.role)
        kept = None if announce else peer_cache_get_many(room_id=room.pk, peer_ids=[peer_id])
        was = kept.get(peer_id) if kept else None
        if was is not None and was.publish != publish:
            was = None
        epoch = peer_cache_set(
            room_id=room.pk,
            peer_id=peer_id,
            channel_name=channel_name,
            user_id=user.pk,
            publish=publish,
            waiting=False,
            camera=was.camera if was is not None else None,
            microphone=was.microphone if was is not None else None,
        )
        if existing.store_epoch != epoch:
            existing.store_epoch = epoch
            existing.save(update_fields=["store_epoch"])
        if is_host and room.status == RoomStatus.SCHEDULED:
            room.status = RoomStatus.LIVE
            room.save(update_fields=["status"])
        conversation_member_add(conversation=room_conversation(room), user=user)
        if announce:
            _push_presence(room, joins=[existing], leaves=[])
    return JoinOutcome(room=room, participant=participant, admitted=True)


def peer_leave(*, room_id: int, peer_id: str) -> None:
    """A connection left (or dropped): forget it and tell the others (`presence` leaves, or
    `lobby` for a waiting one). The user's hand goes down with their last connection.
    Leaving twice, or after being removed, changes nothing."""
    with transaction.atomic():
        peer = (
            RoomPeer.objects.select_related("user", "room")
            .filter(room_id=room_id, peer_id=peer_id)
            .first()
        )
        if peer is None:
            peer_cache_delete(room_id=room_id, peer_ids=[peer_id])
            return
        room = peer.room
        # The row first: a restore holding it (peer_restore) finishes before the entry goes,
        # so it cannot write the entry of a peer that left.
        peer.delete()
        peer_cache_delete(room_id=room_id, peer_ids=[peer_id])
        if not peer.admitted:
            _push_lobby(room)
            return
        _push_presence(room, joins=[], leaves=[peer])
        if not RoomPeer.objects.filter(room=room, user_id=peer.user_id, admitted=True).exists():
            lowered = RoomParticipant.objects.filter(
                room=room, user_id=peer.user_id, hand_raised_at__isnull=False
            ).update(hand_raised_at=None)
            if lowered:
                _push_hands(room)


def peer_restore(*, room_id: int, peer_id: str) -> bool:
    """Write a live connection's peer-store entry again from its row, when the store lost it
    (a Redis restart), unless it is back meanwhile. False when the row is gone: the peer
    left or was removed, and its connection stops renewing. What the peer said it sends
    (`media`) is lost with the entry: it is taken to send what it may publish."""
    with transaction.atomic():
        peer = (
            RoomPeer.objects.select_for_update(of=("self",))
            .select_related("room")
            .filter(room_id=room_id, peer_id=peer_id)
            .first()
        )
        if peer is None:
            return False
        room = peer.room
        role = (
            RoomParticipant.objects.filter(room=room, user_id=peer.user_id)
            .values_list("role", flat=True)
            .first()
        )
        policy = media_policy(room.media_mode)
        publish = peer.admitted and role is not None and policy.may_publish(role)
        epoch = peer_cache_set(
            room_id=room.pk,
            peer_id=peer_id,
            channel_name=peer.channel_name,
            user_id=peer.user_id,
            publish=publish,
            waiting=not peer.admitted,
            only_if_missing=True,
        )
        RoomPeer.objects.filter(pk=peer.pk).update(store_epoch=epoch)
    return True


def _host_room(*, host: User, room_id: int | str) -> Room:
    room = access_room(user=host, room_id=room_id, for_update=True)
    room_host_only(room=room, user=host)
    if room.status == RoomStatus.ENDED:
        raise RoomError("conflict", _("This room has ended."))
    return room


def _guest(room: Room, user_id: int) -> RoomParticipant:
    """A participant other than the host, for a host action."""
    if user_id == room.host_id:
        raise RoomError("bad_request", _("This does not apply to the host."), field="user_id")
    participant = (
        RoomParticipant.objects.select_for_update()
        .select_related("user")
        .filter(room=room, user_id=user_id, removed_at__isnull=True)
        .first()
    )
    if participant is None:
        raise RoomError("not_found", _("This person is not in the room."))
    return participant


def stage_set(*, host: User, room_id: int | str, user_id: int, on_stage: bool) -> RoomParticipant:
    """The host brings an admitted participant on stage (may publish) or back to the
    audience. Their hand goes down. Pushes `role` `{"user", "role", "publish"}` and `hands`.
    Raises RoomError `forbidden` (not the host), `not_found`, `bad_request` (the host)."""
    with transaction.atomic():
        room = _host_room(host=host, room_id=room_id)
        participant = _guest(room, user_id)
        if not participant.admitted:
            raise RoomError("conflict", _("Admit this person from the lobby first."))
        had_hand = participant.hand_raised_at is not None
        participant.role = ParticipantRole.STAGE if on_stage else ParticipantRole.AUDIENCE
        participant.hand_raised_at = None
        participant.save(update_fields=["role", "hand_raised_at"])
        publish = media_policy(room.media_mode).may_publish(participant.role)
        for peer in RoomPeer.objects.filter(room=room, user_id=user_id, admitted=True):
            peer_cache_set(
                room_id=room.pk,
                peer_id=peer.peer_id,
                channel_name=peer.channel_name,
                user_id=user_id,
                publish=publish,
                waiting=False,
            )
        push_on_commit(
            room.topic,
            "role",
            {
                "user": author_payload(participant.user),
                "role": participant.role,
                "publish": publish,
            },
        )
        if had_hand:
            _push_hands(room)
    return participant


def mute_request(*, host: User, room_id: int | str, user_id: int, kind: str) -> None:
    """The host asks a present participant to mute (`audio` or `video`): their connections
    get `mute.request` `{"kind"}`; muting is theirs to do. Raises like `stage_set`."""
    with transaction.atomic():
        room = _host_room(host=host, room_id=room_id)
        _guest(room, user_id)
        channels = list(
            RoomPeer.objects.filter(room=room, user_id=user_id, admitted=True).values_list(
                "channel_name", flat=True
            )
        )
        if not channels:
            raise RoomError("not_found", _("This person is not in the room."))
        push_to_channels_on_commit(channels, room.topic, "mute.request", {"kind": kind})


def participant_remove(*, host: User, room_id: int | str, user_id: int) -> None:
    """The host removes someone (present, waiting or not yet arrived): they leave at once
    (`left` `{"reason": "removed"}`) and cannot join again. Others get `presence` leaves.
    Raises RoomError `forbidden` (not the host), `not_found` (no such user), `bad_request`
    (the host)."""
    with transaction.atomic():
        room = _host_room(host=host, room_id=room_id)
        if user_id == room.host_id:
            raise RoomError("bad_request", _("This does not apply to the host."), field="user_id")
        if not User.objects.filter(pk=user_id).exists():
            raise RoomError("not_found", _("This person is not in the room."))
        participant, _created = RoomParticipant.objects.get_or_create(room=room, user_id=user_id)
        had_hand = participant.hand_raised_at is not None
        participant.removed_at = timezone.now()
        participant.hand_raised_at = None
        participant.save(update_fields=["removed_at", "hand_raised_at"])
        peers = list(RoomPeer.objects.filter(room=room, user_id=user_id).select_related("user"))
        RoomPeer.objects.filter(pk__in=[peer.pk for peer in peers]).delete()
        peer_cache_delete(room_id=room.pk, peer_ids=[peer.peer_id for peer in peers])
        evict_channels_on_commit(
            [peer.channel_name for peer in peers], room.topic, user_id=user_id, reason="removed"
        )
        _push_presence(room, joins=[], leaves=[peer for peer in peers if peer.admitted])
        if any(not peer.admitted for peer in peers):
            _push_lobby(room)
        if had_hand:
            _push_hands(room)


def lobby_admit(*, host: User, room_id: int | str, user_id: int) -> None:
    """The host lets a waiting user in: their waiting connections get `admitted` and join
    again to enter. Admitting an admitted user changes nothing. Raises like `stage_set`."""
    with transaction.atomic():
        room = _host_room(host=host, room_id=room_id)
        participant = _guest(room, user_id)
        if participant.admitted:
            return
        participant.admitted = True
        participant.save(update_fields=["admitted"])
        channels = list(
            RoomPeer.objects.filter(room=room, user_id=user_id, admitted=False).values_list(
                "channel_name", flat=True
            )
        )
        push_to_channels_on_commit(channels, room.topic, "admitted", {})
        _push_lobby(room)
