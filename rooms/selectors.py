"""Reads of rooms: lists, present peers, hands in raise order, questions by votes, and who
a host may invite."""

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from chat.payloads import author_payload
from chat.selectors import contact_list
from gallery.photos import photo_urls
from rooms.access import rooms_visible_to
from rooms.models import (
    ParticipantRole,
    Question,
    QuestionVote,
    Room,
    RoomInvite,
    RoomParticipant,
    RoomPeer,
    RoomStatus,
)
from rooms.payloads import hand_payload, peer_payload, question_payload
from rooms.peercache import peer_cache_get_many

LIST_MAX = 100
# The invite panel lists a host's contacts; a host with more finds the rest through the API.
INVITE_CANDIDATES_MAX = 200
INVITATION_NOTICES_MAX = 5


def room_list(*, user: User, status: str | None) -> QuerySet[Room]:
    """Rooms the user may see, soonest first: `live`, `upcoming` (scheduled, not past by
    more than a day) or both."""
    rooms = rooms_visible_to(user=user).select_related("host")
    if status == "live":
        rooms = rooms.filter(status=RoomStatus.LIVE)
    elif status == "upcoming":
        rooms = rooms.filter(
            status=RoomStatus.SCHEDULED, starts_at__gte=timezone.now() - timedelta(days=1)
        )
    else:
        rooms = rooms.exclude(status=RoomStatus.ENDED)
    return rooms.order_by("starts_at", "pk")[:LIST_MAX]


def participant_roles(*, room: Room) -> dict[int, str]:
    return dict(
        RoomParticipant.objects.filter(room=room, removed_at__isnull=True).values_list(
            "user_id", "role"
        )
    )


def room_peers(*, room: Room, exclude_peer: str | None = None) -> list[dict[str, Any]]:
    """The admitted peers present in the room, in join order, each with what it says it
    sends (`camera`, `microphone`: the peer store's, so a late joiner sees a camera that is
    off)."""
    roles = participant_roles(room=room)
    peers = list(RoomPeer.objects.filter(room=room, admitted=True).select_related("user"))
    if exclude_peer is not None:
        peers = [peer for peer in peers if peer.peer_id != exclude_peer]
    cached = peer_cache_get_many(room_id=room.pk, peer_ids=[peer.peer_id for peer in peers])
    photos = photo_urls((peer.user_id for peer in peers), "small")
    found = []
    for peer in peers:
        role = roles.get(peer.user_id, ParticipantRole.AUDIENCE)
        payload = peer_payload(
            peer, role=role, media_mode=room.media_mode, photo=photos.get(peer.user_id)
        )
        entry = cached.get(peer.peer_id)
        payload["camera"] = entry.camera if entry is not None else payload["publish"]
        payload["microphone"] = entry.microphone if entry is not None else payload["publish"]
        found.append(payload)
    return found


def room_hands(*, room: Room) -> list[dict[str, Any]]:
    raised = (
        RoomParticipant.objects.filter(
            room=room, hand_raised_at__isnull=False, removed_at__isnull=True
        )
        .select_related("user")
        .order_by("hand_raised_at", "pk")
    )
    return [hand_payload(participant) for participant in raised]


def room_waiting(*, room: Room) -> list[dict[str, Any]]:
    """Users waiting in the lobby with a connection open, in arrival order."""
    waiting = (
        RoomParticipant.objects.filter(room=room, admitted=False, removed_at__isnull=True)
        .filter(user__room_peers__room=room, user__room_peers__admitted=False)
        .select_related("user")
        .distinct()
        .order_by("created_at", "pk")
    )
    return [author_payload(participant.user) for participant in waiting]


def room_questions(*, room: Room, user: User) -> list[dict[str, Any]]:
    """Questions by votes (most first), then by age; `voted` for `user`."""
    questions = list(Question.objects.filter(room=room).select_related("author"))
    voted = set(
        QuestionVote.objects.filter(question__room=room, user=user).values_list(
            "question_id", flat=True
        )
    )
    return [question_payload(q, voted=q.pk in voted) for q in questions]


def contacts_of(*, user: User) -> QuerySet[User]:
    """The user's contacts as chat knows them (active users who share a direct conversation
    with them): for a professional, the students whose contact request they accepted."""
    return contact_list(user=user)


def room_invite_candidates(*, room: Room) -> list[User]:
    """The host's contacts not invited yet, by name (at most INVITE_CANDIDATES_MAX)."""
    invited = RoomInvite.objects.filter(room=room).values("user_id")
    contacts = contacts_of(user=room.host).exclude(pk__in=invited)
    return list(contacts.order_by("display_name", "username", "pk")[:INVITE_CANDIDATES_MAX])


def room_invited(*, room: Room) -> list[User]:
    """Everyone invited to the room, first invited first."""
    invites = (
        RoomInvite.objects.filter(room=room).select_related("user").order_by("created_at", "pk")
    )
    return [invite.user for invite in invites]


def rooms_invited_among(*, user: User, room_ids: list[int]) -> set[int]:
    """Which of these rooms `user` was invited to (the list marks them)."""
    return set(
        RoomInvite.objects.filter(user=user, room_id__in=room_ids).values_list("room_id", flat=True)
    )


def invitations_to_show(*, user: User) -> list[RoomInvite]:
    """The user's invitations still worth a notice on every page, newest first (at most
    INVITATION_NOTICES_MAX): the room has not ended, the guest has not been in it, and has not
    dismissed the notice. An invitation that arrived while the guest was offline shows here."""
    been_in = RoomParticipant.objects.filter(user=user).values("room_id")
    return list(
        RoomInvite.objects.filter(
            user=user,
            dismissed_at__isnull=True,
            room__status__in=[RoomStatus.SCHEDULED, RoomStatus.LIVE],
        )
        .exclude(room_id__in=been_in)
        .select_related("room__host")
        .order_by("-created_at", "-pk")[:INVITATION_NOTICES_MAX]
    )
