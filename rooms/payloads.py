"""The wire shapes of rooms, peers, hands and questions (REST, join replies and pushes)."""

from typing import Any

from chat.payloads import author_payload
from rooms.media import media_policy
from rooms.models import Question, Room, RoomParticipant, RoomPeer


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def room_url(room_id: int) -> str:
    """The room page (served by rooms/urls.py)."""
    return f"/rooms/{room_id}/"


def room_payload(room: Room) -> dict[str, Any]:
    return {
        "id": room.pk,
        "topic": room.topic,
        "title": room.title,
        "description": room.description,
        "host": author_payload(room.host),
        "starts_at": _iso(room.starts_at),
        "capacity": room.capacity,
        "visibility": room.visibility,
        "lobby": room.lobby,
        "status": room.status,
        "media_mode": room.media_mode,
        "url": room_url(room.pk),
    }


def peer_payload(
    peer: RoomPeer, *, role: str, media_mode: str, photo: str | None = None
) -> dict[str, Any]:
    """`photo`: the user's small profile photo (gallery.photos.photo_urls), shown on their tile
    while their camera is off; null: their initials."""
    return {
        "peer_id": peer.peer_id,
        "user": author_payload(peer.user),
        "role": role,
        "publish": media_policy(media_mode).may_publish(role),
        "photo": photo,
    }


def hand_payload(participant: RoomParticipant) -> dict[str, Any]:
    return {"user": author_payload(participant.user), "raised_at": _iso(participant.hand_raised_at)}


def question_payload(question: Question, *, voted: bool) -> dict[str, Any]:
    return {
        "id": question.pk,
        "author": author_payload(question.author),
        "body": question.body,
        "votes": question.votes,
        "voted": voted,
        "answered": question.answered_at is not None,
        "created_at": _iso(question.created_at),
    }
