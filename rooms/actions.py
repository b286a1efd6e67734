"""One synchronous unit of work per `room:` frame, run on the database thread: access and one
service (or the join's reads). A refusal is a `RoomError`, which the gateway answers as is."""

from typing import Any, ParamSpec, TypeVar

from accounts.models import User
from chat import actions as chat_actions
from realtime.topics import Topic
from rooms import services
from rooms.ice import ice_servers
from rooms.media import media_policy
from rooms.models import ParticipantRole
from rooms.payloads import room_payload
from rooms.selectors import room_hands, room_peers, room_questions, room_waiting

P = ParamSpec("P")
T = TypeVar("T")

# A waiting user sees the room and nothing of what happens in it.
_NO_CHAT: dict[str, Any] = {
    "conversation": None,
    "members": [],
    "last_seq": 0,
    "revision": 0,
    "history": [],
    "more": False,
    "older": False,
    "read_only": False,
}


def join(
    *,
    user: User,
    topic: Topic,
    peer_id: str,
    channel_name: str,
    last_seq: int | None,
    last_revision: int | None,
) -> tuple[dict[str, Any], int | None, bool, str]:
    """Enter the room (or its lobby) and build the join reply of docs/rooms.md.

    Returns the reply's data, the chat seq it accounts for, whether the user was let in, and
    the room's media mode (kept by the connection for the relay).
    """
    outcome = services.peer_join(
        user=user,
        room_id=topic.id,
        peer_id=peer_id,
        channel_name=channel_name,
    )
    room, participant = outcome.room, outcome.participant
    policy = media_policy(room.media_mode)
    data: dict[str, Any] = {
        "room": room_payload(room),
        "admitted": outcome.admitted,
        "peer_id": peer_id,
        "role": participant.role,
        "publish": outcome.admitted and policy.may_publish(participant.role),
    }
    if not outcome.admitted:
        empty: dict[str, list[Any]] = {
            "peers": [],
            "ice_servers": [],
            "hands": [],
            "questions": [],
            "waiting": [],
        }
        return {**_NO_CHAT, **data, **empty}, None, False, room.media_mode
    try:
        chat, seq = chat_actions.join(
            user=user, topic=topic, last_seq=last_seq, last_revision=last_revision
        )
    except BaseException:
        # The room let the peer in but the chat refused: undo the presence before failing.
        services.peer_leave(room_id=room.pk, peer_id=peer_id)
        raise
    data.update(
        peers=room_peers(room=room, exclude_peer=peer_id),
        ice_servers=ice_servers(user_id=user.pk),
        hands=room_hands(room=room),
        questions=room_questions(room=room, user=user),
        waiting=room_waiting(room=room) if participant.role == ParticipantRole.HOST else [],
    )
    return {**chat, **data}, seq, True, room.media_mode
