"""Reads of rooms: lists, present peers, hands in raise order, questions by votes."""

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from chat.payloads import author_payload
from profiles.models import User
from rooms.access import rooms_visible_to
from rooms.models import (
    ParticipantRole,
    Question,
    QuestionVote,
    Room,
    RoomParticipant,
    RoomPeer,
    RoomStatus,
)
from rooms.payloads import hand_payload, peer_payload, question_payload

LIST_MAX = 100


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
    """The admitted peers present in the room, in join order."""
    roles = participant_roles(room=room)
    peers = RoomPeer.objects.filter(room=room, admitted=True).select_related("user")
    if exclude_peer is not None:
        peers = peers.exclude(peer_id=exclude_peer)
    return [
        peer_payload(
            peer, role=roles.get(peer.user_id, ParticipantRole.AUDIENCE), media_mode=room.media_mode
        )
        for peer in peers
    ]


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
