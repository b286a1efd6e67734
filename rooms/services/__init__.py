"""Writes of the rooms, in four seams: the room's life (create, end), invitations, presence
and host controls (join, leave, lobby, stage, mute, remove), and the Q&A queue (hands,
questions, votes). Plain synchronous functions for REST, the topic handler and tests."""

from rooms.services.invites import room_invite, room_invite_dismiss, user_may_be_invited
from rooms.services.lifecycle import room_conversation, room_create, room_end
from rooms.services.presence import (
    JoinOutcome,
    lobby_admit,
    mute_request,
    participant_remove,
    peer_join,
    peer_leave,
    peer_restore,
    stage_set,
)
from rooms.services.queue import hand_set, question_answer, question_ask, question_vote

__all__ = [
    "JoinOutcome",
    "hand_set",
    "lobby_admit",
    "mute_request",
    "participant_remove",
    "peer_join",
    "peer_leave",
    "peer_restore",
    "question_answer",
    "question_ask",
    "question_vote",
    "room_conversation",
    "room_create",
    "room_end",
    "room_invite",
    "room_invite_dismiss",
    "stage_set",
    "user_may_be_invited",
]
