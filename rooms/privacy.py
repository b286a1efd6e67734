"""Rooms' part of a person's data (accounts.privacy): rooms they hosted or joined and the
questions they asked; on deletion, their open rooms end and their questions, votes, invitations
and participations go. Registered by RoomsConfig.ready."""

from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from rooms.models import Question, QuestionVote, Room, RoomInvite, RoomParticipant, RoomStatus
from rooms.services.lifecycle import room_end


def rooms_export(user: User) -> dict[str, Any]:
    """`{"hosted", "joined", "questions"}`: rooms by id with what the user wrote or did."""
    hosted = Room.objects.filter(host=user).order_by("starts_at", "pk")
    joined = (
        RoomParticipant.objects.filter(user=user)
        .exclude(room__host=user)
        .order_by("created_at", "pk")
    )
    questions = Question.objects.filter(author=user).order_by("created_at", "pk")
    return {
        "hosted": [
            {
                "id": room.pk,
                "title": room.title,
                "description": room.description,
                "starts_at": room.starts_at,
                "capacity": room.capacity,
                "visibility": room.visibility,
                "status": room.status,
                "ended_at": room.ended_at,
                "created_at": room.created_at,
            }
            for room in hosted
        ],
        "joined": [
            {"room": part.room_id, "role": part.role, "joined_at": part.created_at}
            for part in joined
        ],
        "questions": [
            {
                "id": question.pk,
                "room": question.room_id,
                "body": question.body,
                "votes": question.votes,
                "created_at": question.created_at,
                "answered_at": question.answered_at,
            }
            for question in questions
        ],
    }


def rooms_erase(user: User) -> None:
    """Rooms the user hosts end (everyone in them is told, as when the host ends one) and lose
    the host's words (title, description); their questions, votes, invitations and
    participations go."""
    open_rooms = Room.objects.filter(host=user).exclude(status=RoomStatus.ENDED)
    for room_id in open_rooms.values_list("pk", flat=True):
        room_end(user=user, room_id=room_id)
    Room.objects.filter(host=user).update(title=_("Ended room"), description="")
    Question.objects.filter(vote_rows__user=user).update(votes=F("votes") - 1)
    QuestionVote.objects.filter(user=user).delete()
    Question.objects.filter(author=user).delete()
    RoomInvite.objects.filter(user=user).delete()
    RoomParticipant.objects.filter(user=user).delete()
