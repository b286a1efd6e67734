"""The Q&A queue: raised hands in raise order, questions ranked by votes (one per user)."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from realtime.broadcast import push_on_commit
from rooms.access import access_room, room_host_only
from rooms.errors import RoomError
from rooms.models import (
    QUESTION_MAX_LENGTH,
    Question,
    QuestionVote,
    Room,
    RoomParticipant,
    RoomStatus,
)
from rooms.payloads import question_payload
from rooms.selectors import room_hands


def _open_room(*, user: User, room_id: int | str) -> Room:
    room = access_room(user=user, room_id=room_id)
    if room.status == RoomStatus.ENDED:
        raise RoomError("conflict", _("This room has ended."))
    return room


def _participant(room: Room, user: User) -> RoomParticipant:
    """The user's participation, if they were let in and not removed."""
    participant = (
        RoomParticipant.objects.select_for_update()
        .filter(room=room, user=user, admitted=True, removed_at__isnull=True)
        .first()
    )
    if participant is None:
        raise RoomError("forbidden", _("Join the room first."))
    return participant


def hand_set(*, user: User, room_id: int | str, raised: bool) -> list[dict[str, Any]]:
    """Raise or lower the user's hand; returns the hands in raise order and, when that
    changed, pushes `hands`. Raising a raised hand keeps its place.
    Raises RoomError `forbidden` (not let in), `conflict` (ended)."""
    with transaction.atomic():
        room = _open_room(user=user, room_id=room_id)
        participant = _participant(room, user)
        changed = (participant.hand_raised_at is None) == raised
        if changed:
            participant.hand_raised_at = timezone.now() if raised else None
            participant.save(update_fields=["hand_raised_at"])
        hands = room_hands(room=room)
        if changed:
            push_on_commit(room.topic, "hands", {"hands": hands})
    return hands


def question_ask(*, user: User, room_id: int | str, body: str) -> dict[str, Any]:
    """Add a question to the queue; everyone gets `question` `{"question"}`.
    Raises RoomError `bad_request` (empty), `too_large` (over 500 characters), `forbidden`,
    `conflict` (ended)."""
    text = body.strip()
    if not text:
        raise RoomError("bad_request", _("A question cannot be empty."), field="body")
    if len(text) > QUESTION_MAX_LENGTH:
        raise RoomError("too_large", _("A question has at most 500 characters."), field="body")
    with transaction.atomic():
        room = _open_room(user=user, room_id=room_id)
        _participant(room, user)
        question = Question.objects.create(room=room, author=user, body=text)
        question.author = user
        push_on_commit(
            room.topic, "question", {"question": question_payload(question, voted=False)}
        )
    return question_payload(question, voted=False)


def _question(room: Room, question_id: int) -> Question:
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("author")
        .filter(pk=question_id, room=room)
        .first()
    )
    if question is None:
        raise RoomError("not_found", _("No such question in this room."))
    return question


def question_vote(*, user: User, room_id: int | str, question_id: int) -> dict[str, Any]:
    """Upvote someone else's question, once. Everyone gets `question` (with `voted` false);
    the voter's reply says `voted: true`.
    Raises RoomError `not_found`, `forbidden` (own question, not let in), `conflict` (voted
    already, ended)."""
    with transaction.atomic():
        room = _open_room(user=user, room_id=room_id)
        _participant(room, user)
        question = _question(room, question_id)
        if question.author_id == user.pk:
            raise RoomError("forbidden", _("You cannot vote for your own question."))
        try:
            with transaction.atomic():
                QuestionVote.objects.create(question=question, user=user)
        except IntegrityError:
            raise RoomError("conflict", _("You already voted for this question.")) from None
        Question.objects.filter(pk=question.pk).update(votes=F("votes") + 1)
        question.refresh_from_db(fields=["votes"])
        push_on_commit(
            room.topic, "question", {"question": question_payload(question, voted=False)}
        )
    return question_payload(question, voted=True)


def question_answer(*, host: User, room_id: int | str, question_id: int) -> dict[str, Any]:
    """The host marks a question answered; everyone gets `question`. Marking it again
    changes nothing. Raises RoomError `forbidden` (not the host), `not_found`, `conflict`."""
    with transaction.atomic():
        room = _open_room(user=host, room_id=room_id)
        room_host_only(room=room, user=host)
        question = _question(room, question_id)
        voted = QuestionVote.objects.filter(question=question, user=host).exists()
        if question.answered_at is None:
            question.answered_at = timezone.now()
            question.save(update_fields=["answered_at"])
            push_on_commit(
                room.topic, "question", {"question": question_payload(question, voted=False)}
            )
    return question_payload(question, voted=voted)
